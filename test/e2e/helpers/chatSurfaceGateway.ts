/**
 * What the loopback gateway answers for the chat-surface e2e workflows (issue 13): WAHA and
 * Evolution routes for mark read, one chat, its picture, labels (stateful, so a read-modify-write
 * shows), one message with its media, and sending; plus a "CDN" on another loopback origin that
 * serves profile pictures the way WhatsApp's pps.whatsapp.net does (no API key belongs there).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { evolutionRecord, evolutionRoutes, evolutionStateOf, EVOLUTION_INSTANCE } from '../../gateway-server/evolutionRoutes';
import { readRequest, type GatewayState, type GatewayTestServer, type RecordedRequest, type Route, type ScriptedAnswer } from '../../gateway-server/GatewayTestServer';

export const CHAT_PHONE = '919988066776';
export const WAHA_CHAT = `${CHAT_PHONE}@c.us`;
export const EVOLUTION_CHAT = `${CHAT_PHONE}@s.whatsapp.net`;
export const CHAT_NAME = 'Priya Sharma';
/** An inbound image message in the chat, on both gateways. */
export const MEDIA_ID = '3EB0MEDIA0000001';
export const WAHA_MEDIA_MESSAGE = `false_${WAHA_CHAT}_${MEDIA_ID}`;
/** WAHA's file for it (named by the message id, "@" and all) and the name the node gives it (WAHA says none: the bare id). */
export const MEDIA_FILE = `${WAHA_MEDIA_MESSAGE}.png`;
export const MEDIA_FILE_NAME = `${MEDIA_ID}.png`;
/** The id each gateway gives the message Send Text sends. */
export const WAHA_SENT_ID = `true_${WAHA_CHAT}_3EB0SENT00000001`;
export const EVOLUTION_SENT_ID = 'BAE5SENT0000E2E1';

export interface Label {
	id: string;
	name: string;
	color: number;
	colorHex: string;
}
export const LABELS: Label[] = [
	{ id: '1', name: 'New customer', color: 0, colorHex: '#ff9485' },
	{ id: '2', name: 'VIP', color: 1, colorHex: '#64c4ff' },
	{ id: '5', name: 'Paid', color: 4, colorHex: '#a62c71' },
];

export interface ChatSurfaceState {
	/** Label ids per chat id (WAHA `…@c.us`, Evolution `…@s.whatsapp.net`), as the gateway keeps them. */
	chatLabels: Map<string, string[]>;
	media: Buffer;
	picture: Buffer;
	cdn: { url: string; requests: RecordedRequest[]; close(): Promise<void> };
}

const S = '([^/]+)';
const ok = (body: unknown, status = 200): ScriptedAnswer => ({ status, body });

function wahaKeyed(answer: (request: RecordedRequest, params: string[]) => ScriptedAnswer): Route['answer'] {
	return (request, params, state) =>
		request.headers['x-api-key'] !== state.apiKey ? { status: 401, body: { statusCode: 401, message: 'Unauthorized' } } : answer(request, params);
}

function evolutionKeyed(answer: (request: RecordedRequest, params: string[], state: GatewayState) => ScriptedAnswer): Route['answer'] {
	return (request, params, state) => {
		if (params[0] !== EVOLUTION_INSTANCE) return { status: 404, body: { status: 404, error: 'Not Found', response: { message: [`The "${params[0]}" instance does not exist`] } } };
		if (request.headers.apikey !== state.apiKey) return { status: 401, body: { status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } } };
		return answer(request, params, state);
	};
}

const body = (request: RecordedRequest): Record<string, any> => (request.body && typeof request.body === 'object' ? (request.body as Record<string, any>) : {});
const labelsOf = (surface: ChatSurfaceState, chat: string) => LABELS.filter((label) => (surface.chatLabels.get(chat) ?? []).includes(label.id));

/** WAHA's answers (docs 2026, NOWEB/WEBJS shapes). */
function wahaRoutes(surface: ChatSurfaceState, gatewayUrl: () => string): Route[] {
	const overviewRow = (id: string) => ({
		id,
		name: CHAT_NAME,
		picture: `${surface.cdn.url}/pp/${CHAT_PHONE}.png`,
		lastMessage: { id: WAHA_MEDIA_MESSAGE, timestamp: 1_700_000_300, from: id, fromMe: false, body: '', hasMedia: true },
		_chat: { id, name: CHAT_NAME, unreadCount: 2, archived: false, pinned: false, conversationTimestamp: 1_700_000_300 },
	});
	return [
		{
			method: 'POST',
			pattern: new RegExp(`^/api/${S}/chats/${S}/messages/read$`),
			answer: wahaKeyed((_r, [, chat]) => ok({ ids: [`false_${chat}_3EB0AAAA0002`] })),
		},
		{
			method: 'GET',
			pattern: new RegExp(`^/api/${S}/chats/overview$`),
			answer: wahaKeyed((request) => {
				const ids = [request.query.ids, request.query['filter.ids'], request.query['ids[]']].filter(Boolean).join(',');
				const wanted = ids ? ids.split(',') : [WAHA_CHAT];
				return ok(wanted.filter((id) => id === WAHA_CHAT).map(overviewRow));
			}),
		},
		{
			method: 'GET',
			pattern: new RegExp(`^/api/${S}/chats/${S}/picture$`),
			answer: wahaKeyed((_r, [, chat]) => ok({ url: `${surface.cdn.url}/pp/${chat.split('@')[0]}.png` })),
		},
		{
			method: 'GET',
			pattern: new RegExp(`^/api/${S}/chats/${S}/messages/${S}$`),
			answer: wahaKeyed((request, [session, chat, id]) => {
				if (id !== WAHA_MEDIA_MESSAGE) return { status: 404, body: { statusCode: 404, message: 'Message not found', error: 'Not Found' } };
				const media =
					request.query.downloadMedia === 'true'
						? { url: `${gatewayUrl()}/api/files/${session}/${MEDIA_FILE}`, mimetype: 'image/png', filename: null, error: null }
						: null;
				return ok({ id, timestamp: 1_700_000_300, from: chat, fromMe: false, to: '15550001111@c.us', body: 'the invoice', hasMedia: true, media, ack: 3, ackName: 'READ' });
			}),
		},
		{
			method: 'GET',
			pattern: new RegExp(`^/api/files/${S}/${S}$`),
			answer: wahaKeyed((_r, [, file]) =>
				file === MEDIA_FILE ? { status: 200, body: surface.media, headers: { 'Content-Type': 'image/png' } } : { status: 404, body: { statusCode: 404, message: 'File not found' } },
			),
		},
		{ method: 'GET', pattern: new RegExp(`^/api/${S}/labels$`), answer: wahaKeyed(() => ok(LABELS)) },
		{
			method: 'GET',
			pattern: new RegExp(`^/api/${S}/labels/chats/${S}/?$`),
			answer: wahaKeyed((_r, [, chat]) => ok(labelsOf(surface, chat))),
		},
		{
			method: 'PUT',
			pattern: new RegExp(`^/api/${S}/labels/chats/${S}/?$`),
			answer: wahaKeyed((request, [, chat]) => {
				const labels = body(request).labels;
				if (!Array.isArray(labels) || labels.some((label) => typeof label?.id !== 'string')) {
					return { status: 400, body: { statusCode: 400, message: ['labels must be an array of { id }'], error: 'Bad Request' } };
				}
				surface.chatLabels.set(chat, labels.map((label: { id: string }) => label.id));
				return ok({});
			}),
		},
		{
			method: 'POST',
			pattern: /^\/api\/sendText$/,
			answer: wahaKeyed((request) => {
				const { chatId, text } = body(request);
				if (typeof chatId !== 'string' || typeof text !== 'string') return { status: 400, body: { statusCode: 400, message: ['chatId and text must be strings'] } };
				return ok({ id: { fromMe: true, remote: chatId, id: WAHA_SENT_ID.split('_')[2], _serialized: WAHA_SENT_ID }, body: text, type: 'chat', timestamp: 1_700_009_999, from: '15550001111@c.us', to: chatId, fromMe: true, ack: 0 }, 201);
			}),
		},
	];
}

/** Evolution API 2.3.6's answers for the same operations. */
function evolutionSurfaceRoutes(surface: ChatSurfaceState): Route[] {
	const findChats = evolutionRoutes.find((route) => route.method === 'POST' && route.pattern.test(`/chat/findChats/${EVOLUTION_INSTANCE}`))!;
	return [
		{
			method: 'POST',
			pattern: new RegExp(`^/chat/findChats/${S}$`),
			// the stored chats carry their label ids (Evolution's Chat.labels)
			answer: (request, params, state) => {
				const answer = findChats.answer(request, params, state);
				if (!Array.isArray(answer.body)) return answer;
				return { ...answer, body: answer.body.map((row: Record<string, unknown>) => ({ ...row, labels: surface.chatLabels.get(String(row.remoteJid)) ?? [] })) };
			},
		},
		{
			method: 'POST',
			pattern: new RegExp(`^/chat/markMessageAsRead/${S}$`),
			answer: evolutionKeyed((request) => {
				const read = body(request).readMessages;
				if (!Array.isArray(read) || !read.length) return { status: 400, body: { status: 400, error: 'Bad Request', response: { message: ['instance requires property "readMessages"'] } } };
				return ok({ message: 'Read messages', read: 'success' }, 201);
			}),
		},
		{
			method: 'POST',
			pattern: new RegExp(`^/chat/fetchProfilePictureUrl/${S}$`),
			answer: evolutionKeyed((request) => {
				const number = String(body(request).number ?? '');
				return ok({ wuid: `${number.split('@')[0]}@s.whatsapp.net`, profilePictureUrl: `${surface.cdn.url}/pp/${number.split('@')[0]}.png` });
			}),
		},
		{
			method: 'POST',
			pattern: new RegExp(`^/chat/getBase64FromMediaMessage/${S}$`),
			answer: evolutionKeyed((request, _p, state) => {
				const id = body(request).message?.key?.id;
				const stored = evolutionStateOf(state).messages.find((record) => record.key.id === id);
				if (!stored) return { status: 400, body: { status: 400, error: 'Bad Request', response: { message: ['Message not found'] } } };
				return ok({ mediaType: 'imageMessage', fileName: `${id}.png`, caption: 'the invoice', size: { fileLength: String(surface.media.length), height: 0, width: 0 }, mimetype: 'image/png', base64: surface.media.toString('base64') }, 201);
			}),
		},
		{
			method: 'GET',
			pattern: new RegExp(`^/label/findLabels/${S}$`),
			answer: evolutionKeyed(() => ok(LABELS.map(({ id, name, color }) => ({ id: `cmlabel${id}`, labelId: id, name, color, predefinedId: null })))),
		},
		{
			method: 'POST',
			pattern: new RegExp(`^/label/handleLabel/${S}$`),
			answer: evolutionKeyed((request) => {
				const { number, labelId, action } = body(request);
				if (typeof number !== 'string' || typeof labelId !== 'string' || !['add', 'remove'].includes(action)) {
					return { status: 400, body: { status: 400, error: 'Bad Request', response: { message: ['instance requires property "number", "labelId", "action"'] } } };
				}
				const jid = `${number.split('@')[0]}@s.whatsapp.net`;
				const current = surface.chatLabels.get(jid) ?? [];
				surface.chatLabels.set(jid, action === 'add' ? [...new Set([...current, labelId])] : current.filter((id) => id !== labelId));
				return ok({ numberJid: jid, labelId, [action]: true }, 201);
			}),
		},
		{
			method: 'POST',
			pattern: new RegExp(`^/message/sendText/${S}$`),
			answer: evolutionKeyed((request, _p, state) => {
				const { number, text } = body(request);
				if (typeof number !== 'string' || typeof text !== 'string') return { status: 400, body: { status: 400, error: 'Bad Request', response: { message: ['instance requires property "number"'] } } };
				const jid = `${number.split('@')[0]}@s.whatsapp.net`;
				// Evolution stores what it sent, so an edit of it finds it
				evolutionStateOf(state).messages.push(evolutionRecord({ remoteJid: jid, fromMe: true, id: EVOLUTION_SENT_ID }, 1_700_009_999, { conversation: text }));
				return ok({ key: { remoteJid: jid, fromMe: true, id: EVOLUTION_SENT_ID }, pushName: '', status: 'PENDING', message: { conversation: text }, messageType: 'conversation', messageTimestamp: 1_700_009_999, instanceId: 'b2c6a1de-4f3e-4c9a-9b1e-6c2f0e7d1a11', source: 'unknown' }, 201);
			}),
		},
	];
}

/** A loopback stand-in for WhatsApp's picture CDN: serves `picture` at `/pp/<digits>.png` to anyone, records every request. */
export async function startPictureCdn(picture: Buffer): Promise<ChatSurfaceState['cdn']> {
	const requests: RecordedRequest[] = [];
	const server = http.createServer((req, res) => {
		void readRequest(req).then((request) => {
			requests.push(request);
			if (request.method === 'GET' && /^\/pp\/\d+\.png$/.test(request.path)) {
				res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': picture.length });
				res.end(picture);
			} else {
				res.writeHead(404, { 'Content-Type': 'text/plain' });
				res.end('not found');
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** Two small real PNGs (QR codes: a real image decoder shows them): the message's media and the profile picture. */
export async function testImages(): Promise<{ media: Buffer; picture: Buffer }> {
	const { toBuffer } = require('qrcode') as typeof import('qrcode');
	return {
		media: await toBuffer('e2e media: the invoice', { type: 'png', margin: 1, width: 96 }),
		picture: await toBuffer('e2e profile picture', { type: 'png', margin: 1, width: 64 }),
	};
}

/** Adds the chat-surface routes to a running test gateway, with the chat and its media message in both stores. */
export async function installChatSurface(gateway: GatewayTestServer): Promise<ChatSurfaceState> {
	const { media, picture } = await testImages();
	const surface: ChatSurfaceState = {
		chatLabels: new Map([
			[WAHA_CHAT, ['1']],
			[EVOLUTION_CHAT, ['1']],
		]),
		media,
		picture,
		cdn: await startPictureCdn(picture),
	};
	gateway.use(...wahaRoutes(surface, () => gateway.url), ...evolutionSurfaceRoutes(surface));
	gateway.state.chats.unshift({ id: WAHA_CHAT, name: CHAT_NAME, timestamp: 1_700_000_300, unreadCount: 2 });
	evolutionStateOf(gateway.state).messages.push(
		evolutionRecord({ remoteJid: EVOLUTION_CHAT, fromMe: false, id: MEDIA_ID }, 1_700_000_300, {
			imageMessage: { caption: 'the invoice', mimetype: 'image/png', url: 'https://mmg.whatsapp.net/o1/v/t62.7118-24/e2e.enc', fileLength: String(media.length), mediaKey: 'AAAA' },
		}),
	);
	return surface;
}
