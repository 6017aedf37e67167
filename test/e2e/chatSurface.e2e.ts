/**
 * Issue 13's chat surface in the real n8n CLI, over the HTTP gateways: `n8n import:workflow` +
 * `n8n execute` of one workflow per backend (test/e2e/workflows/<backend>-chat-surface.json)
 * against the loopback gateway test server (with the chat-surface routes of
 * helpers/chatSurfaceGateway.ts) in this process:
 *  - WAHA and Evolution API: Chat → Mark Read / Mute / Unmute / Pin / Unpin / Get / Get Picture
 *    (as binary), Label → Get Many / Get Chat's Labels / Add to Chat / Remove from Chat, Message →
 *    Get with Download Media (binary), Message → Send Text as a reply, then Edit and React on the id
 *    Send Text returned; every node's output and what reached the gateway (and the picture CDN);
 *  - Sessions API: every new operation refused with its hint, nothing sent.
 * Every node continues on fail, so a failing node shows its own error in its own test.
 */
import type { IBinaryData, IDataObject } from 'n8n-workflow';
import { executeWorkflow, importCredentials, importWorkflows, prepareUserFolder, type E2eExecutionResult } from '../../scripts/n8n/e2e';
import { EVOLUTION_INSTANCE } from '../gateway-server/evolutionRoutes';
import { GatewayTestServer, TEST_API_KEY, type RecordedRequest } from '../gateway-server/GatewayTestServer';
import { binaryBytes } from './helpers/binary';
import {
	CHAT_NAME,
	CHAT_PHONE,
	EVOLUTION_CHAT,
	EVOLUTION_SENT_ID,
	installChatSurface,
	MEDIA_FILE,
	MEDIA_FILE_NAME,
	MEDIA_ID,
	WAHA_CHAT,
	WAHA_MEDIA_MESSAGE,
	WAHA_SENT_ID,
	type ChatSurfaceState,
} from './helpers/chatSurfaceGateway';
import { e2eWorkflow, evolutionCredential, freshUserFolder, logTiming, requireN8n, sessionsApiCredential, wahaCredential } from './helpers/e2e';

const enc = encodeURIComponent;
const WAHA_CHAT_PATH = enc(WAHA_CHAT);
const EVO = (action: string) => `/${action}/${EVOLUTION_INSTANCE}`;
const REPLY_TEXT = 'Thanks, the invoice arrived.';
const EDITED_TEXT = 'Thanks, the invoice arrived. Paying today.';

const WORKFLOWS = {
	waha: 'waha-chat-surface.json',
	evolution: 'evolution-chat-surface.json',
	sessionsApi: 'sessions-api-chat-surface.json',
} as const;
type Backend = keyof typeof WORKFLOWS;

let gateway: GatewayTestServer;
let surface: ChatSurfaceState;
let userFolder: string;
const results = {} as Record<Backend, E2eExecutionResult>;
const requestsOf = {} as Record<Backend, RecordedRequest[]>;
const cdnRequestsOf = {} as Record<Backend, RecordedRequest[]>;
const labelsAfter = {} as Record<Backend, string[] | undefined>;

beforeAll(async () => {
	requireN8n();
	const timings: Record<string, number> = {};
	let t = Date.now();
	gateway = await GatewayTestServer.start();
	surface = await installChatSurface(gateway);
	userFolder = prepareUserFolder({ userFolder: freshUserFolder('chat-surface') });
	await importCredentials([wahaCredential(gateway), evolutionCredential(gateway), sessionsApiCredential(gateway)], { userFolder });
	timings['import:credentials'] = Date.now() - t;
	t = Date.now();
	const ids = await importWorkflows(Object.values(WORKFLOWS).map((file) => e2eWorkflow(file)), { userFolder });
	timings['import:workflow (3)'] = Date.now() - t;

	for (const [index, backend] of (Object.keys(WORKFLOWS) as Backend[]).entries()) {
		gateway.reset();
		surface.cdn.requests.length = 0;
		t = Date.now();
		results[backend] = await executeWorkflow(ids[index], { userFolder });
		timings[`execute ${backend}`] = Date.now() - t;
		requestsOf[backend] = [...gateway.requests];
		cdnRequestsOf[backend] = [...surface.cdn.requests];
		labelsAfter[backend] = surface.chatLabels.get(backend === 'waha' ? WAHA_CHAT : EVOLUTION_CHAT)?.slice();
	}
	logTiming('chat surface', timings);
});

afterAll(async () => {
	await surface?.cdn.close();
	await gateway?.close();
});

const nodesOf = (backend: Backend) => e2eWorkflow(WORKFLOWS[backend]).nodes.map((node) => node.name);

function single(backend: Backend, node: string): { json: IDataObject; binary?: Record<string, IBinaryData> } {
	const items = results[backend].outputOf(node);
	expect(items.map((item) => item.json.error)).toEqual([undefined]);
	expect(items[0].pairedItem).toEqual({ item: 0 });
	return items[0] as { json: IDataObject; binary?: Record<string, IBinaryData> };
}

/** The requests of one execution to `method path`, each with the gateway's API key. */
function requestsTo(backend: Backend, method: string, path: string, header: 'x-api-key' | 'apikey'): RecordedRequest[] {
	const found = requestsOf[backend].filter((request) => request.method === method && request.path === path);
	for (const request of found) expect(request.headers[header]).toBe(TEST_API_KEY);
	return found;
}

function expectRefused(backend: Backend, node: string, label: string, backendName: string): void {
	expect(results[backend].json(node)).toEqual([{ error: expect.stringMatching(new RegExp(`^${label} is not supported by ${backendName}: \\S.+`)) }]);
}

describe.each(['waha', 'evolution'] as const)('%s: the execution', (backend) => {
	test('succeeds, every node ran once, none gave an error item', () => {
		const result = results[backend];
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(Object.keys(result.runData).sort()).toEqual([...nodesOf(backend)].sort());
		const refused = ['Mute 8 Hours', 'Unmute', 'Pin Chat', 'Unpin Chat'];
		const errors = nodesOf(backend)
			.filter((node) => node !== 'Start' && !refused.includes(node))
			.flatMap((node) => result.json(node).filter((json) => json.error).map((json) => `${node}: ${String(json.error)}`));
		expect(errors).toEqual([]);
	});

	test.each([
		['Mute 8 Hours', 'Chat: Mute'],
		['Unmute', 'Chat: Unmute'],
		['Pin Chat', 'Chat: Pin'],
		['Unpin Chat', 'Chat: Unpin'],
	])('%s: refused as "%s is not supported by …" with a hint, nothing sent', (node, label) => {
		expectRefused(backend, node, label, backend === 'waha' ? 'WAHA' : 'Evolution API');
		expect(requestsOf[backend].filter((request) => /mute|\/pin$|\/unpin$|pinChat/i.test(request.path) && !/messages\/[^/]+\/(un)?pin$/.test(request.path))).toEqual([]);
	});

	test('the profile picture came from the CDN without the API key', () => {
		expect(cdnRequestsOf[backend].map((request) => `${request.method} ${request.path}`)).toEqual([`GET /pp/${CHAT_PHONE}.png`]);
		expect(cdnRequestsOf[backend][0].headers['x-api-key']).toBeUndefined();
		expect(cdnRequestsOf[backend][0].headers.apikey).toBeUndefined();
		expect(JSON.stringify(cdnRequestsOf[backend][0].headers)).not.toContain(TEST_API_KEY);
	});

	test('Label → Add to Chat, then Remove from Chat (by name): the chat keeps VIP only', () => {
		expect(labelsAfter[backend]).toEqual(['2']);
	});
});

describe('WAHA', () => {
	const backend = 'waha';
	const waha = (method: string, path: string) => requestsTo(backend, method, path, 'x-api-key');

	test('Chat → Mark Read: POST …/chats/{chat}/messages/read', () => {
		expect(single(backend, 'Mark Read').json).toMatchObject({ success: true, chatId: WAHA_CHAT, unread: false });
		const [request, ...more] = waha('POST', `/api/default/chats/${WAHA_CHAT_PATH}/messages/read`);
		expect(more).toEqual([]);
		expect(request).toBeDefined();
	});

	test('Chat → Get: the chat with its name, unread count and last message', () => {
		const { json } = single(backend, 'Get Chat');
		expect(json).toMatchObject({ chatId: WAHA_CHAT, name: CHAT_NAME, unreadCount: 2 });
		expect(JSON.stringify(json)).toContain(WAHA_MEDIA_MESSAGE);
		expect(JSON.stringify(json)).not.toContain(TEST_API_KEY);
	});

	test('Chat → Get Picture: the URL WAHA gave, the picture as binary "picture"', () => {
		const { json, binary } = single(backend, 'Get Picture');
		expect(json).toMatchObject({ success: true, chatId: WAHA_CHAT, hasPicture: true, pictureUrl: `${surface.cdn.url}/pp/${CHAT_PHONE}.png`, mimeType: 'image/png' });
		expect(waha('GET', `/api/default/chats/${WAHA_CHAT_PATH}/picture`)).toHaveLength(1);
		expect(binary?.picture).toMatchObject({ mimeType: 'image/png', fileExtension: 'png' });
		expect(binaryBytes(userFolder, binary!.picture).equals(surface.picture)).toBe(true);
	});

	test('Label → Get Many: every label with id and name', () => {
		expect(results[backend].json('Get Labels')).toMatchObject([
			{ id: '1', name: 'New customer', color: 0, colorHex: '#ff9485' },
			{ id: '2', name: 'VIP', color: 1, colorHex: '#64c4ff' },
			{ id: '5', name: 'Paid', color: 4, colorHex: '#a62c71' },
		]);
		expect(waha('GET', '/api/default/labels').length).toBeGreaterThanOrEqual(1);
	});

	test("Label → Get Chat's Labels: the chat's one label", () => {
		expect(single(backend, "Get Chat's Labels").json).toMatchObject({ success: true, chatId: WAHA_CHAT, labels: [{ id: '1', name: 'New customer' }] });
	});

	test('Label → Add to Chat / Remove from Chat: read, change, write the whole list (the other label kept)', () => {
		expect(single(backend, 'Add VIP Label').json).toMatchObject({ success: true, chatId: WAHA_CHAT, labelId: '2', labelName: 'VIP', added: true, changed: true });
		expect(single(backend, 'Remove New Customer Label').json).toMatchObject({ success: true, chatId: WAHA_CHAT, labelId: '1', labelName: 'New customer', added: false, changed: true });
		const writes = requestsTo(backend, 'PUT', `/api/default/labels/chats/${WAHA_CHAT_PATH}/`, 'x-api-key').concat(
			requestsTo(backend, 'PUT', `/api/default/labels/chats/${WAHA_CHAT_PATH}`, 'x-api-key'),
		);
		expect(writes.map((request) => request.body)).toEqual([{ labels: [{ id: '1' }, { id: '2' }] }, { labels: [{ id: '2' }] }]);
	});

	test('Message → Get with Download Media: the message, its media as binary (file name, MIME type, bytes), fetched with the key from WAHA', () => {
		const { json, binary } = single(backend, 'Get Media Message');
		// Message: Get outputs the message in Get Messages' shape (id, not messageId), with its media facts
		expect(json).toMatchObject({ id: WAHA_MEDIA_MESSAGE, chatId: WAHA_CHAT, fromMe: false, text: 'the invoice', hasMedia: true, mimeType: 'image/png' });
		expect(JSON.stringify(json)).not.toContain(surface.media.toString('base64').slice(0, 40));
		const [lookup] = waha('GET', `/api/default/chats/${WAHA_CHAT_PATH}/messages/${enc(WAHA_MEDIA_MESSAGE)}`);
		expect(lookup.query).toMatchObject({ downloadMedia: 'true' });
		// the URL WAHA gave, as it gave it (its file names carry the message id, "@" and all)
		expect(waha('GET', `/api/files/default/${MEDIA_FILE}`)).toHaveLength(1);
		expect(binary?.data).toMatchObject({ mimeType: 'image/png', fileName: MEDIA_FILE_NAME, fileExtension: 'png' });
		expect(binaryBytes(userFolder, binary!.data).equals(surface.media)).toBe(true);
	});

	test('Message → Send Text as a reply, link preview off: POST /api/sendText with reply_to; the new id in the output', () => {
		expect(single(backend, 'Send Reply').json).toMatchObject({ success: true, chatId: WAHA_CHAT, messageId: WAHA_SENT_ID });
		expect(waha('POST', '/api/sendText').map((request) => request.body)).toEqual([
			{ session: 'default', chatId: WAHA_CHAT, text: REPLY_TEXT, reply_to: `false_${WAHA_CHAT}_3EB0AAAA0002`, linkPreview: false },
		]);
	});

	test('Edit and React on the id Send Text returned', () => {
		expect(single(backend, 'Edit Sent Message').json).toMatchObject({ success: true, messageId: WAHA_SENT_ID, edited: true, text: EDITED_TEXT });
		expect(waha('PUT', `/api/default/chats/${WAHA_CHAT_PATH}/messages/${enc(WAHA_SENT_ID)}`).map((request) => request.body)).toEqual([{ text: EDITED_TEXT }]);
		expect(single(backend, 'React to Sent Message').json).toMatchObject({ success: true, messageId: WAHA_SENT_ID, reaction: '✅', removed: false });
		expect(waha('PUT', '/api/reaction').map((request) => request.body)).toEqual([{ session: 'default', messageId: WAHA_SENT_ID, reaction: '✅' }]);
	});

	test('every request had the API key and a route (no 404 look-ups)', () => {
		for (const request of requestsOf[backend]) expect(request.headers['x-api-key']).toBe(TEST_API_KEY);
		const unknown = requestsOf[backend].filter(
			(request) => !/^\/api\/(default\/(chats|labels|files)|files|sendText$|reaction$)/.test(request.path),
		);
		expect(unknown.map((request) => `${request.method} ${request.path}`)).toEqual([]);
	});
});

describe('Evolution API', () => {
	const backend = 'evolution';
	const evo = (method: string, action: string) => requestsTo(backend, method, EVO(action), 'apikey');

	test('Chat → Mark Read: POST /chat/markMessageAsRead with the keys of the unread messages', () => {
		expect(single(backend, 'Mark Read').json).toMatchObject({ success: true, chatId: EVOLUTION_CHAT, unread: false });
		const [request, ...more] = evo('POST', 'chat/markMessageAsRead');
		expect(more).toEqual([]);
		const keys = (request.body as { readMessages: IDataObject[] }).readMessages;
		expect(keys).toEqual(expect.arrayContaining([{ remoteJid: EVOLUTION_CHAT, fromMe: false, id: MEDIA_ID }]));
		expect(keys.every((key) => key.remoteJid === EVOLUTION_CHAT && key.fromMe === false)).toBe(true);
	});

	test('Chat → Get: findChats where remoteJid, the chat with its name and unread count', () => {
		expect(single(backend, 'Get Chat').json).toMatchObject({ chatId: EVOLUTION_CHAT, name: CHAT_NAME, unreadCount: 2 });
		expect(evo('POST', 'chat/findChats').map((request) => (request.body as IDataObject).where)).toContainEqual({ remoteJid: EVOLUTION_CHAT });
	});

	test('Chat → Get Picture: fetchProfilePictureUrl, the picture as binary "picture"', () => {
		const { json, binary } = single(backend, 'Get Picture');
		expect(json).toMatchObject({ success: true, chatId: EVOLUTION_CHAT, hasPicture: true, pictureUrl: `${surface.cdn.url}/pp/${CHAT_PHONE}.png`, mimeType: 'image/png' });
		const [request] = evo('POST', 'chat/fetchProfilePictureUrl');
		expect(String((request.body as IDataObject).number)).toMatch(new RegExp(`^${CHAT_PHONE}(@s\\.whatsapp\\.net)?$`));
		expect(binary?.picture).toMatchObject({ mimeType: 'image/png' });
		expect(binaryBytes(userFolder, binary!.picture).equals(surface.picture)).toBe(true);
	});

	test('Label → Get Many and Get Chat\'s Labels', () => {
		expect(results[backend].json('Get Labels')).toMatchObject([{ name: 'New customer' }, { name: 'VIP' }, { name: 'Paid' }]);
		expect(evo('GET', 'label/findLabels').length).toBeGreaterThanOrEqual(1);
		expect(single(backend, "Get Chat's Labels").json).toMatchObject({ success: true, chatId: EVOLUTION_CHAT, labels: [{ id: '1', name: 'New customer' }] });
	});

	test('Label → Add to Chat / Remove from Chat: handleLabel add 2, remove 1 (the name resolved to its id)', () => {
		expect(single(backend, 'Add VIP Label').json).toMatchObject({ success: true, chatId: EVOLUTION_CHAT, labelId: '2', labelName: 'VIP', added: true });
		expect(single(backend, 'Remove New Customer Label').json).toMatchObject({ success: true, chatId: EVOLUTION_CHAT, labelId: '1', labelName: 'New customer', added: false });
		const bodies = evo('POST', 'label/handleLabel').map((request) => request.body as IDataObject);
		expect(bodies).toMatchObject([
			{ labelId: '2', action: 'add' },
			{ labelId: '1', action: 'remove' },
		]);
		for (const body of bodies) expect(String(body.number)).toMatch(new RegExp(`^${CHAT_PHONE}(@s\\.whatsapp\\.net)?$`));
	});

	test('Message → Get with Download Media: getBase64FromMediaMessage, the media as binary, no base64 in the JSON', () => {
		const { json, binary } = single(backend, 'Get Media Message');
		expect(json).toMatchObject({ id: MEDIA_ID, chatId: EVOLUTION_CHAT, fromMe: false, hasMedia: true, mimeType: 'image/png' });
		expect(JSON.stringify(json)).not.toContain(surface.media.toString('base64').slice(0, 40));
		const [request] = evo('POST', 'chat/getBase64FromMediaMessage');
		expect(request.body).toMatchObject({ message: { key: { id: MEDIA_ID } } });
		expect(binary?.data).toMatchObject({ mimeType: 'image/png', fileName: MEDIA_FILE_NAME, fileExtension: 'png' });
		expect(binaryBytes(userFolder, binary!.data).equals(surface.media)).toBe(true);
	});

	test('Message → Send Text as a reply (bare id), link preview off: sendText with quoted; the new id in the output', () => {
		expect(single(backend, 'Send Reply').json).toMatchObject({ success: true, chatId: EVOLUTION_CHAT, messageId: EVOLUTION_SENT_ID });
		const [request, ...more] = evo('POST', 'message/sendText');
		expect(more).toEqual([]);
		expect(request.body).toMatchObject({ text: REPLY_TEXT, linkPreview: false, quoted: { key: { id: '3EB0AAAA0002' } } });
		expect(String((request.body as IDataObject).number)).toMatch(new RegExp(`^${CHAT_PHONE}(@s\\.whatsapp\\.net)?$`));
	});

	test('Edit and React on the id Send Text returned', () => {
		expect(single(backend, 'Edit Sent Message').json).toMatchObject({ success: true, messageId: EVOLUTION_SENT_ID, edited: true, text: EDITED_TEXT });
		expect(evo('POST', 'chat/updateMessage').map((request) => request.body)).toEqual([
			{ number: EVOLUTION_CHAT, key: { remoteJid: EVOLUTION_CHAT, fromMe: true, id: EVOLUTION_SENT_ID }, text: EDITED_TEXT },
		]);
		expect(single(backend, 'React to Sent Message').json).toMatchObject({ success: true, messageId: EVOLUTION_SENT_ID, reaction: '✅' });
		expect(evo('POST', 'message/sendReaction').map((request) => request.body)).toEqual([
			{ key: { remoteJid: EVOLUTION_CHAT, fromMe: true, id: EVOLUTION_SENT_ID }, reaction: '✅' },
		]);
	});

	test('every request had the API key, for the instance', () => {
		for (const request of requestsOf[backend]) {
			expect(request.headers.apikey).toBe(TEST_API_KEY);
			expect(request.path.endsWith(`/${EVOLUTION_INSTANCE}`)).toBe(true);
		}
	});
});

describe('Sessions API: the new operations are refused with a hint, nothing is sent', () => {
	const backend = 'sessionsApi';
	test.each([
		['Mark Read', 'Chat: Mark Read'],
		['Mute 8 Hours', 'Chat: Mute'],
		['Unmute', 'Chat: Unmute'],
		['Pin Chat', 'Chat: Pin'],
		['Unpin Chat', 'Chat: Unpin'],
		['Get Chat', 'Chat: Get'],
		['Get Picture', 'Chat: Get Picture'],
		['Get Labels', 'Label: Get Many'],
		["Get Chat's Labels", "Label: Get Chat's Labels"],
		['Add VIP Label', 'Label: Add to Chat'],
		['Remove New Customer Label', 'Label: Remove from Chat'],
		['Get Media Message', 'Message: Get'],
		['Send Text', 'Message: Send Text'],
	])('%s: "%s is not supported by Sessions API: …"', (node, label) => {
		expect(results[backend].status).toBe('success');
		expectRefused(backend, node, label, 'Sessions API');
	});

	test('no request reached the gateway', () => {
		expect(requestsOf[backend]).toEqual([]);
	});
});
