/**
 * Evolution API v2's dialect, as its source (2.3.6) answers: routes `/{group}/{action}/{instance}`,
 * guards that check the instance before the `apikey` header (404, then 401), JSON-schema checks
 * of bodies (400), errors as `{ status, error, response: { message } }`, and the records of its
 * message store. State lives beside the server's own, one per server.
 */
import type { GatewayState, RecordedRequest, Route, ScriptedAnswer } from './GatewayTestServer';
import { pictureOf } from './profilePictures';
import { labelStateOf } from './labelState';

export const EVOLUTION_INSTANCE = 'sales-bot';
/** A second instance whose name needs percent-encoding in paths. */
export const EVOLUTION_SPACED_INSTANCE = 'Sales Bot';
export const EVOLUTION_OWN_JID = '15550001111@s.whatsapp.net';

export type ConnectionState = 'open' | 'connecting' | 'close';

export interface EvolutionInstance {
	state: ConnectionState;
	qrCount: number;
	pairingCode: string | null;
	/** The instance's webhook row as Prisma stores it; null before the first `/webhook/set`. */
	webhook: Record<string, unknown> | null;
}

export type EvolutionRecord = {
	id: string;
	key: { remoteJid: string; fromMe: boolean; id: string; participant?: string; remoteJidAlt?: string };
	pushName: string | null;
	messageType: string;
	message: Record<string, unknown>;
	messageTimestamp: number;
	instanceId: string;
	source: string;
	contextInfo: unknown;
	MessageUpdate: Array<{ status: string }>;
};

export interface EvolutionState {
	instances: Map<string, EvolutionInstance>;
	/** The message store, every chat, any order (answers sort newest first). */
	messages: EvolutionRecord[];
}

const INSTANCE_ID = 'b2c6a1de-4f3e-4c9a-9b1e-6c2f0e7d1a11';
const states = new WeakMap<GatewayState, EvolutionState>();

/** Evolution's part of a test server's state; tests may change it. */
export function evolutionStateOf(state: GatewayState): EvolutionState {
	let evolution = states.get(state);
	if (!evolution) {
		evolution = {
			instances: new Map([
				[EVOLUTION_INSTANCE, newInstance()],
				[EVOLUTION_SPACED_INSTANCE, newInstance()],
			]),
			messages: seedMessages(),
		};
		states.set(state, evolution);
	}
	return evolution;
}

function newInstance(): EvolutionInstance {
	return { state: 'open', qrCount: 0, pairingCode: null, webhook: null };
}

export function evolutionRecord(
	key: EvolutionRecord['key'],
	messageTimestamp: number,
	message: Record<string, unknown> = { conversation: 'hello' },
	messageType = Object.keys(message)[0],
): EvolutionRecord {
	return {
		id: `cm${key.id.toLowerCase()}`,
		key,
		pushName: key.fromMe ? 'Você' : 'Priya',
		messageType,
		message,
		messageTimestamp,
		instanceId: INSTANCE_ID,
		source: key.id.startsWith('3EB0') ? 'web' : 'android',
		contextInfo: null,
		MessageUpdate: key.fromMe ? [{ status: 'READ' }] : [],
	};
}

/** Two messages in a direct chat, an image in a group, and seven in a chat used for paging. */
function seedMessages(): EvolutionRecord[] {
	const direct = '919988066776@s.whatsapp.net';
	const group = '120363000009@g.us';
	const paged = '15550003333@s.whatsapp.net';
	return [
		evolutionRecord({ remoteJid: direct, fromMe: true, id: '3EB0AAAA0001' }, 1_700_000_100, { conversation: 'hello' }),
		evolutionRecord({ remoteJid: direct, fromMe: false, id: '3EB0AAAA0002' }, 1_700_000_200, { conversation: 'hi there' }),
		evolutionRecord(
			{ remoteJid: group, fromMe: false, id: 'ABCDBBBB0001', participant: '15550002222@s.whatsapp.net' },
			1_700_000_300,
			{ imageMessage: { caption: 'look at this', mimetype: 'image/jpeg', url: 'https://mmg.whatsapp.net/x' } },
		),
		...Array.from({ length: 7 }, (_, index) =>
			evolutionRecord({ remoteJid: paged, fromMe: index % 2 === 0, id: `PAGE000${index + 1}` }, 1_700_001_000 + index, {
				conversation: `message ${index + 1}`,
			}),
		),
	];
}

const S = '([^/]+)';

const error = (status: number, name: string, message: unknown): ScriptedAnswer => ({
	status,
	body: { status, error: name, response: { message } },
});
const badRequest = (...messages: unknown[]) => error(400, 'Bad Request', messages);

/** Evolution's guards run in this order: instance exists (404), then the API key (401). */
function guarded(
	answer: (request: RecordedRequest, instance: EvolutionInstance, name: string, evolution: EvolutionState, state: GatewayState) => ScriptedAnswer,
): Route['answer'] {
	return (request, [name], state) => {
		const evolution = evolutionStateOf(state);
		const instance = evolution.instances.get(name);
		if (!instance) return error(404, 'Not Found', [`The "${name}" instance does not exist`]);
		if (request.headers.apikey !== state.apiKey) return error(401, 'Unauthorized', 'Unauthorized');
		return answer(request, instance, name, evolution, state);
	};
}

type Body = Record<string, any>;
const bodyOf = (request: RecordedRequest): Body => (request.body && typeof request.body === 'object' ? (request.body as Body) : {});

/** The key checks of Evolution's JSON schemas, in jsonschema's words. */
function keyProblems(key: unknown, where: string): string[] {
	if (!key || typeof key !== 'object') return [`${where} is not of a type(s) object`];
	const problems = ['id', 'fromMe', 'remoteJid']
		.filter((field) => !(field in (key as Body)))
		.map((field) => `${where} requires property "${field}"`);
	if ('fromMe' in (key as Body) && typeof (key as Body).fromMe !== 'boolean') problems.push(`${where}.fromMe is not of a type(s) boolean`);
	return problems;
}

/** Baileys' answer to a message it sent: the new message's key and content. */
function sent(remoteJid: string, message: Record<string, unknown>): Record<string, unknown> {
	return { key: { remoteJid, fromMe: true, id: 'BAE5F0C1D2E3A4B5' }, message, messageTimestamp: '1700009999', status: 'PENDING' };
}

function newestFirst(records: EvolutionRecord[]): EvolutionRecord[] {
	return [...records].sort((a, b) => b.messageTimestamp - a.messageTimestamp);
}

function findMessages(request: RecordedRequest, evolution: EvolutionState): ScriptedAnswer {
	const body = bodyOf(request);
	const key: Body = body.where?.key ?? {};
	// As Prisma filters: a falsy filter value means no filter (so fromMe: false filters nothing).
	const matching = newestFirst(evolution.messages).filter(
		(record) =>
			(!key.id || record.key.id === key.id) &&
			(!key.remoteJid || record.key.remoteJid === key.remoteJid) &&
			(!key.fromMe || record.key.fromMe === key.fromMe),
	);
	const pageSize = Number(body.offset) || 50;
	const page = Number(body.page) || 1;
	const records = matching.slice(pageSize * (page === 1 ? 0 : page - 1), pageSize * page);
	return { status: 200, body: { messages: { total: matching.length, pages: Math.ceil(matching.length / pageSize), currentPage: page, records } } };
}

function findChats(request: RecordedRequest, state: GatewayState, evolution: EvolutionState): ScriptedAnswer {
	const body = bodyOf(request);
	const remoteJid: string | undefined = body.where?.remoteJid;
	const rows = state.chats
		.map((chat, index) => {
			const jid = String(chat.id).replace(/@c\.us$/, '@s.whatsapp.net');
			const last = newestFirst(evolution.messages).find((record) => record.key.remoteJid === jid);
			return {
				id: `cmcontact${index}`,
				remoteJid: jid,
				pushName: chat.name,
				profilePicUrl: pictureOf(state, jid),
				updatedAt: new Date(Number(chat.timestamp) * 1000).toISOString(),
				windowStart: '2023-11-14T22:13:20.000Z',
				windowExpires: '2023-11-15T22:13:20.000Z',
				windowActive: false,
				lastMessage: last
					? { ...last, pushName: last.key.fromMe ? 'Você' : last.pushName }
					: { key: { remoteJid: jid, fromMe: false, id: `LAST${index}` }, messageTimestamp: chat.timestamp, messageType: 'conversation', message: { conversation: 'last' } },
				unreadCount: chat.unreadCount,
				isSaved: true,
				// The label ids of the associations Evolution recorded (a JSON column; absent before the first one).
				...(labelStateOf(state).chatLabels.has(jid) ? { labels: labelStateOf(state).chatLabels.get(jid) } : {}),
			};
		})
		.filter((row) => !remoteJid || row.remoteJid === remoteJid);
	// SQL LIMIT/OFFSET as in 2.3.1+; a missing or zero value means none.
	const skip = Number(body.skip) || 0;
	const take = Number(body.take) || rows.length;
	return { status: 200, body: rows.slice(skip, skip + take) };
}

/** archiveChat / markChatUnread: a given lastMessage wins; else Evolution looks the chat's last message up. */
function chatModify(request: RecordedRequest, evolution: EvolutionState, answer: { done: Record<string, unknown>; failed: Record<string, unknown>; doing: string }): ScriptedAnswer {
	const body = bodyOf(request);
	if (body.lastMessage !== undefined) {
		const problems = keyProblems(body.lastMessage?.key, 'lastMessage.key');
		if (problems.length) return badRequest(...problems);
		return { status: 201, body: { chatId: body.lastMessage.key.remoteJid, ...answer.done } };
	}
	const last = typeof body.chat === 'string' ? newestFirst(evolution.messages).find((record) => record.key.remoteJid === body.chat) : undefined;
	if (!last) {
		// Evolution wraps its own "Last message not found" (an object, hence the text) into a 500.
		return error(500, 'Internal Server Error', [{ ...answer.failed, message: [`An error occurred while ${answer.doing} the chat. Open a calling.`, '[object Object]'] }]);
	}
	return { status: 201, body: { chatId: last.key.remoteJid, ...answer.done } };
}

/** The bytes of stored media messages (by message id), as Evolution would download and decrypt them. */
const evolutionMedia = new WeakMap<GatewayState, Map<string, Buffer>>();

export function evolutionMediaOf(state: GatewayState): Map<string, Buffer> {
	let media = evolutionMedia.get(state);
	if (!media) evolutionMedia.set(state, (media = new Map()));
	return media;
}

/** `getBase64FromMediaMessage` `{ message: { key } }`: the stored message by key id, its media as base64 (Evolution 2.3's answer). */
function mediaAsBase64(request: RecordedRequest, evolution: EvolutionState, state: GatewayState): ScriptedAnswer {
	const key = bodyOf(request).message?.key;
	if (!key || typeof key.id !== 'string') return badRequest('message.key.id is required');
	const record = evolution.messages.find((candidate) => candidate.key.id === key.id);
	if (!record) return error(400, 'Bad Request', ['Message not found']);
	const [type, media] = Object.entries(record.message).find(([field]) => /^(image|video|audio|document|sticker)Message$/.test(field)) ?? [];
	const bytes = evolutionMediaOf(state).get(key.id);
	if (!type || !bytes) return error(400, 'Bad Request', ['The message is not of the media type']);
	const facts = (media ?? {}) as Record<string, unknown>;
	return {
		status: 201,
		body: {
			mediaType: type.replace('Message', ''),
			fileName: facts.fileName ?? `${key.id}.${String(facts.mimetype ?? 'application/bin').split('/')[1]}`,
			caption: facts.caption ?? null,
			size: { fileLength: { low: bytes.length, high: 0, unsigned: true }, height: facts.height ?? null, width: facts.width ?? null },
			mimetype: facts.mimetype,
			base64: bytes.toString('base64'),
			buffer: null,
		},
	};
}

/** `POST /label/handleLabel/{instance}` `{ number, labelId, action }` as Evolution's DTO checks it and Baileys applies it. */
function handleLabel(request: RecordedRequest, state: GatewayState): ScriptedAnswer {
	const body = bodyOf(request);
	const problems = ['number', 'labelId', 'action'].filter((field) => typeof body[field] !== 'string').map((field) => `instance requires property "${field}"`);
	if (problems.length) return badRequest(...problems);
	if (body.action !== 'add' && body.action !== 'remove') return badRequest('instance.action is not one of enum values: add,remove');
	const labels = labelStateOf(state);
	if (!labels.labels.some((label) => label.id === body.labelId)) return badRequest('Label not found');
	const jid = String(body.number).includes('@') ? String(body.number) : `${body.number}@s.whatsapp.net`;
	const on = (labels.chatLabels.get(jid) ?? []).filter((id) => id !== body.labelId);
	labels.chatLabels.set(jid, body.action === 'add' ? [...on, body.labelId] : on);
	return { status: 201, body: { numberJid: jid, labelId: body.labelId, [body.action]: true } };
}

export const evolutionRoutes: Route[] = [
	{
		method: 'POST',
		pattern: new RegExp(`^/chat/fetchProfilePictureUrl/${S}$`),
		answer: guarded((req, _i, _n, _e, state) => {
			const number = bodyOf(req).number;
			if (typeof number !== 'string' || !number) return badRequest('instance requires property "number"');
			const wuid = number.includes('@') ? number : `${number.replace(/\D/g, '')}@s.whatsapp.net`;
			return { status: 200, body: { wuid, profilePictureUrl: pictureOf(state, wuid) } };
		}),
	},
	{
		method: 'POST',
		pattern: new RegExp(`^/chat/getBase64FromMediaMessage/${S}$`),
		answer: guarded((req, _i, _n, evolution, state) => mediaAsBase64(req, evolution, state)),
	},
	{
		method: 'GET',
		pattern: new RegExp(`^/label/findLabels/${S}$`),
		answer: guarded((_r, _i, _n, _e, state) => ({
			status: 200,
			body: labelStateOf(state).labels.map(({ id, name, color }) => ({ color, name, id, predefinedId: null })),
		})),
	},
	{ method: 'POST', pattern: new RegExp(`^/label/handleLabel/${S}$`), answer: guarded((req, _i, _n, _e, state) => handleLabel(req, state)) },
	{ method: 'POST', pattern: new RegExp(`^/chat/findChats/${S}$`), answer: guarded((req, _i, _n, evolution, state) => findChats(req, state, evolution)) },
	{ method: 'POST', pattern: new RegExp(`^/chat/findMessages/${S}$`), answer: guarded((req, _i, _n, evolution) => findMessages(req, evolution)) },
	{
		method: 'POST',
		pattern: new RegExp(`^/chat/archiveChat/${S}$`),
		answer: guarded((req, _i, _n, evolution) => {
			if (typeof bodyOf(req).archive !== 'boolean') return badRequest('instance requires property "archive"');
			// Evolution answers archived: true for unarchiving too.
			return chatModify(req, evolution, { done: { archived: true }, failed: { archived: false }, doing: 'archiving' });
		}),
	},
	{
		method: 'POST',
		pattern: new RegExp(`^/chat/markChatUnread/${S}$`),
		answer: guarded((req, _i, _n, evolution) => {
			if (bodyOf(req).lastMessage === undefined) return badRequest('instance requires property "lastMessage"');
			return chatModify(req, evolution, { done: { markedChatUnread: true }, failed: { markedChatUnread: false }, doing: 'marked unread' });
		}),
	},
	{
		method: 'POST',
		pattern: new RegExp(`^/chat/markMessageAsRead/${S}$`),
		answer: guarded((req, _i, _n, evolution) => {
			const readMessages: unknown = bodyOf(req).readMessages;
			if (!Array.isArray(readMessages)) return badRequest('instance requires property "readMessages"');
			const problems = readMessages.flatMap((key, index) => keyProblems(key, `readMessages[${index}]`));
			if (problems.length) return badRequest(...problems);
			// Baileys sends the receipts; the phone's read receipts then mark the stored messages READ.
			for (const key of readMessages as Body[]) {
				evolution.messages.find((record) => record.key.id === key.id && record.key.remoteJid === key.remoteJid)?.MessageUpdate.push({ status: 'READ' });
			}
			return { status: 201, body: { message: 'Read messages', read: 'success' } };
		}),
	},
	{
		method: 'DELETE',
		pattern: new RegExp(`^/chat/deleteMessageForEveryone/${S}$`),
		answer: guarded((req) => {
			const body = bodyOf(req);
			const problems = keyProblems(body, 'instance');
			if (problems.length) return badRequest(...problems);
			return { status: 201, body: sent(body.remoteJid, { protocolMessage: { key: body, type: 'REVOKE' } }) };
		}),
	},
	{
		method: 'POST',
		pattern: new RegExp(`^/chat/updateMessage/${S}$`),
		answer: guarded((req, _i, _n, evolution) => {
			const body = bodyOf(req);
			const problems = [...keyProblems(body.key, 'key'), ...(typeof body.text === 'string' && body.text ? [] : ['The "text" cannot be empty'])];
			if (problems.length) return badRequest(...problems);
			const stored = evolution.messages.find((record) => record.key.id === body.key.id);
			if (!stored) return error(404, 'Not Found', ['Message not found']);
			if (stored.key.remoteJid !== body.number) return badRequest('RemoteJid does not match');
			return {
				status: 200,
				body: sent(body.number, { protocolMessage: { key: body.key, type: 'MESSAGE_EDIT', editedMessage: { conversation: body.text }, timestampMs: '1700009999000' } }),
			};
		}),
	},
	{
		method: 'POST',
		pattern: new RegExp(`^/message/sendReaction/${S}$`),
		answer: guarded((req) => {
			const body = bodyOf(req);
			const problems = [...keyProblems(body.key, 'key'), ...(typeof body.reaction === 'string' ? [] : ['instance requires property "reaction"'])];
			if (problems.length) return badRequest(...problems);
			return { status: 201, body: sent(body.key.remoteJid, { reactionMessage: { key: body.key, text: body.reaction, senderTimestampMs: '1700009999000' } }) };
		}),
	},
	{
		// SendTextDto: { number, text, delay?, quoted?: { key, message }, linkPreview?, ... }; the sent message is stored.
		method: 'POST',
		pattern: new RegExp(`^/message/sendText/${S}$`),
		answer: guarded((req, _i, _n, evolution) => {
			const body = bodyOf(req);
			const problems = [
				...(typeof body.number === 'string' ? [] : ['instance requires property "number"']),
				...(typeof body.text === 'string' ? [] : ['instance requires property "text"']),
				...(body.linkPreview === undefined || typeof body.linkPreview === 'boolean' ? [] : ['instance.linkPreview is not of a type(s) boolean']),
				...(body.quoted === undefined ? [] : typeof body.quoted?.key?.id === 'string' ? [] : ['instance.quoted.key requires property "id"']),
			];
			if (problems.length) return badRequest(...problems);
			const remoteJid = body.number.includes('@') ? body.number : `${body.number}@s.whatsapp.net`;
			const id = `BAE5${String(evolution.messages.length).padStart(12, '0')}`;
			const message = { extendedTextMessage: { text: body.text, ...(body.quoted ? { contextInfo: { stanzaId: body.quoted.key.id } } : {}) } };
			const timestamp = 1_700_010_000 + evolution.messages.length;
			evolution.messages.push(evolutionRecord({ remoteJid, fromMe: true, id }, timestamp, message));
			return { status: 201, body: { key: { remoteJid, fromMe: true, id }, message, messageTimestamp: String(timestamp), status: 'PENDING' } };
		}),
	},
	{
		method: 'GET',
		pattern: new RegExp(`^/instance/connect/${S}$`),
		answer: guarded((req, instance, name) => {
			if (instance.state === 'open') return { status: 200, body: { instance: { instanceName: name, state: 'open' } } };
			if (instance.state === 'close') {
				// A new connection: the first QR arrives, and with `number` Evolution asks for a pairing code.
				instance.state = 'connecting';
				instance.qrCount = 1;
				instance.pairingCode = req.query.number ? 'WZYEH1YY' : null;
			}
			return {
				status: 200,
				body: {
					pairingCode: instance.pairingCode,
					code: '2@evoQrRef0001,evoNoiseKey,evoIdentityKey,evoAdvSecret',
					base64: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
					count: instance.qrCount,
				},
			};
		}),
	},
	{
		method: 'GET',
		pattern: new RegExp(`^/instance/connectionState/${S}$`),
		answer: guarded((_r, instance, name) => ({ status: 200, body: { instance: { instanceName: name, state: instance.state } } })),
	},
	{
		method: 'DELETE',
		pattern: new RegExp(`^/instance/logout/${S}$`),
		answer: guarded((_r, instance, name) => {
			if (instance.state === 'close') return badRequest(`The "${name}" instance is not connected`);
			instance.state = 'close';
			return { status: 200, body: { status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } } };
		}),
	},
	{ method: 'GET', pattern: new RegExp(`^/webhook/find/${S}$`), answer: guarded((_r, instance) => ({ status: 200, body: instance.webhook })) },
	{
		method: 'POST',
		pattern: new RegExp(`^/webhook/set/${S}$`),
		answer: guarded((req, instance) => {
			const webhook: Body | undefined = bodyOf(req).webhook;
			if (!webhook) return badRequest('instance requires property "webhook"');
			const missing = ['enabled', 'url'].filter((field) => !(field in webhook));
			if (missing.length) return badRequest(...missing.map((field) => `webhook requires property "${field}"`));
			const events = !webhook.enabled ? [] : Array.isArray(webhook.events) && webhook.events.length ? webhook.events : ['APPLICATION_STARTUP', 'MESSAGES_UPSERT', '…every event'];
			// A Prisma upsert: fields left undefined keep their stored value.
			const before = instance.webhook ?? { id: 'cmwebhook0001', headers: null, webhookByEvents: false, webhookBase64: false, createdAt: '2025-01-01T00:00:00.000Z', instanceId: INSTANCE_ID };
			instance.webhook = {
				...before,
				url: webhook.url,
				enabled: webhook.enabled,
				events,
				headers: webhook.headers ?? before.headers,
				webhookByEvents: webhook.byEvents ?? before.webhookByEvents,
				webhookBase64: webhook.base64 ?? before.webhookBase64,
				updatedAt: '2025-01-02T00:00:00.000Z',
			};
			return { status: 201, body: instance.webhook };
		}),
	},
];

