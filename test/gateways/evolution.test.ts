/**
 * Every operation over Evolution API v2, run in n8n's engine against a loopback Evolution: the
 * request on the wire (method, path, `apikey` header, body) as Evolution's routers and DTOs take
 * it, how bare message ids and archive's last message are looked up in its message store, the
 * operations it lacks failing before any request, and its errors in its own words.
 */
import type { IDataObject } from 'n8n-workflow';
import { whatsAppChatsConnectionTest } from '../../nodes/WhatsAppChats/methods/credentialTest';
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import {
	EVOLUTION_INSTANCE,
	EVOLUTION_SPACED_INSTANCE,
	evolutionRecord,
	evolutionStateOf,
	type EvolutionState,
} from '../gateway-server/evolutionRoutes';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';

const JID = '919988066776@s.whatsapp.net';
const GROUP = '120363000009@g.us';
const PAGED = '15550003333@s.whatsapp.net';
const BASE = (group: string, action: string) => `/${group}/${action}/${EVOLUTION_INSTANCE}`;

let gateway: GatewayTestServer;
let evolution: EvolutionState;
beforeAll(async () => {
	gateway = await GatewayTestServer.start();
	evolution = evolutionStateOf(gateway.state);
});
afterAll(async () => await gateway.close());
beforeEach(() => gateway.reset());

const credentials = (overrides: IDataObject = {}): IDataObject => ({
	connection: 'evolution',
	baseUrl: gateway.url,
	session: EVOLUTION_INSTANCE,
	apiKey: TEST_API_KEY,
	...overrides,
});

const attempt = (parameters: Record<string, unknown>, overrides: IDataObject = {}) =>
	runChatsNode({ credentials: credentials(overrides), parameters: parameters as never });

async function run(parameters: Record<string, unknown>) {
	const result = await attempt(parameters);
	expect(result.error).toBeUndefined();
	return result;
}

const wire = () => gateway.requests.map((request) => `${request.method} ${request.path}`);

function expectKeyOnEveryRequest(): void {
	expect(gateway.requests.length).toBeGreaterThan(0);
	for (const request of gateway.requests) expect(request.headers.apikey).toBe(TEST_API_KEY);
}

describe('Evolution chat operations', () => {
	const lastMessage = { key: { remoteJid: JID, fromMe: false, id: '3EB0AAAA0002' }, messageTimestamp: 1_700_000_200 };

	// Evolution's own archive failure: its look-up of the last message found nothing (or failed).
	const archiveLookupFailed = {
		status: 500,
		body: {
			status: 500,
			error: 'Internal Server Error',
			response: { message: [{ archived: false, message: ['An error occurred while archiving the chat. Open a calling.', '[object Object]'] }] },
		},
	};

	test.each([
		['archive', true, { archived: true }],
		// Evolution answers `archived: true` for unarchiving too; the node's own field says what was done.
		['unarchive', false, { archived: false }],
	])('%s sends one request: the chat alone, Evolution finds its last message', async (operation, archive, fields) => {
		const result = await run({ resource: 'chat', operation, chatId: chat('+91 99880-66776') });
		expect(wire()).toEqual([`POST ${BASE('chat', 'archiveChat')}`]);
		expect(gateway.requests[0].body).toEqual({ chat: JID, archive });
		expectKeyOnEveryRequest();
		expect(result.output).toEqual([{ json: { success: true, chatId: JID, phone: '919988066776', lid: null, ...fields, raw: { chatId: JID, archived: true } }, pairedItem: { item: 0 } }]);
	});

	test('markUnread looks up the last message, then sends POST /chat/markChatUnread', async () => {
		const result = await run({ resource: 'chat', operation: 'markUnread', chatId: chat('+91 99880-66776') });
		expect(wire()).toEqual([`POST ${BASE('chat', 'findMessages')}`, `POST ${BASE('chat', 'markChatUnread')}`]);
		expect(gateway.requests[0].body).toEqual({ where: { key: { remoteJid: JID } }, page: 1, offset: 1 });
		expect(gateway.requests[1].body).toEqual({ lastMessage, chat: JID });
		expectKeyOnEveryRequest();
		expect(result.output).toEqual([
			{ json: { success: true, chatId: JID, phone: '919988066776', lid: null, unread: true, raw: { chatId: JID, markedChatUnread: true } }, pairedItem: { item: 0 } },
		]);
	});

	test('when Evolution’s own look-up fails, archive sends the group last message key with its participant', async () => {
		gateway.respond(`POST ${BASE('chat', 'archiveChat')}`, archiveLookupFailed);
		await run({ resource: 'chat', operation: 'archive', chatId: chat(GROUP) });
		expect(wire()).toEqual([`POST ${BASE('chat', 'archiveChat')}`, `POST ${BASE('chat', 'findMessages')}`, `POST ${BASE('chat', 'archiveChat')}`]);
		expect(gateway.requests[2].body).toEqual({
			lastMessage: { key: { remoteJid: GROUP, fromMe: false, id: 'ABCDBBBB0001', participant: '15550002222@s.whatsapp.net' }, messageTimestamp: 1_700_000_300 },
			chat: GROUP,
			archive: true,
		});
	});

	test('archive of a chat without stored messages is explained after Evolution’s own look-up fails, without retrying it', async () => {
		const result = await attempt({ resource: 'chat', operation: 'archive', chatId: chat('+1 555 000 9999') });
		expect(result.error?.message).toBe(
			'Evolution API has no stored message in chat 15550009999@s.whatsapp.net; to archive a chat WhatsApp needs its last message. ' +
				'Send or receive a message in the chat first, or check that Evolution saves messages (DATABASE_SAVE_DATA_NEW_MESSAGE)',
		);
		// findChats: whether Evolution keeps the chat under its LID (2.4) instead.
		expect(wire()).toEqual([`POST ${BASE('chat', 'archiveChat')}`, `POST ${BASE('chat', 'findMessages')}`, `POST ${BASE('chat', 'findChats')}`]);
	});

	test('a last message of another chat (a store ignoring the filter) is never used', async () => {
		gateway.respond(`POST ${BASE('chat', 'archiveChat')}`, archiveLookupFailed);
		const foreign = evolutionRecord({ remoteJid: PAGED, fromMe: true, id: 'PAGE0007' }, 1_700_001_006);
		gateway.respond(`POST ${BASE('chat', 'findMessages')}`, { status: 200, body: { messages: { total: 1, pages: 1, currentPage: 1, records: [foreign] } } });
		const result = await attempt({ resource: 'chat', operation: 'archive', chatId: chat(JID) });
		expect(result.error?.message).toMatch(/^Evolution API has no stored message in chat 919988066776@s\.whatsapp\.net; to archive a chat/);
		expect(gateway.requestsTo('POST', BASE('chat', 'archiveChat'))).toHaveLength(1);
	});

	test('get many pages through every chat with Return All', async () => {
		const result = await run({ resource: 'chat', operation: 'getMany', returnAll: true });
		expect(result.output).toHaveLength(250);
		expect(wire()).toEqual(Array(3).fill(`POST ${BASE('chat', 'findChats')}`));
		expect(gateway.requests.map((request) => request.body)).toEqual([
			{ where: {}, take: 100, skip: 0 },
			{ where: {}, take: 100, skip: 100 },
			{ where: {}, take: 100, skip: 200 },
		]);
		expectKeyOnEveryRequest();
		expect(result.output[9].json).toMatchObject({ id: '120363000009@g.us', name: 'Contact 9', isGroup: true, unreadCount: 0, archived: null, pinned: null });
		expect(result.output[0].json).toMatchObject({ id: '919988000000@s.whatsapp.net', isGroup: false, lastMessageTimestamp: 1_700_000_000 });
		expect(Object.keys(result.output[0].json).sort()).toEqual(
			['id', 'phone', 'lid', 'name', 'isGroup', 'archived', 'pinned', 'muted', 'unreadCount', 'lastMessageTimestamp', 'labels', 'raw'].sort(),
		);
	});

	test('get many honours limit and offset', async () => {
		const result = await run({ resource: 'chat', operation: 'getMany', returnAll: false, limit: 7, offset: 20 });
		expect(gateway.requests[0].body).toEqual({ where: {}, take: 7, skip: 20 });
		expect(result.output.map((item) => item.json.name)).toEqual([20, 21, 22, 23, 24, 25, 26].map((n) => `Contact ${n}`));
	});

	test('get many cuts the page itself when Evolution (2.2.x) ignores take and skip', async () => {
		const everyChat = Array.from({ length: 30 }, (_, n) => ({ remoteJid: `1555000${String(n).padStart(4, '0')}@s.whatsapp.net`, pushName: `Chat ${n}` }));
		gateway.respond('POST /chat/findChats', { status: 200, body: everyChat });
		const result = await run({ resource: 'chat', operation: 'getMany', returnAll: false, limit: 5, offset: 10 });
		expect(result.output.map((item) => item.json.name)).toEqual(['Chat 10', 'Chat 11', 'Chat 12', 'Chat 13', 'Chat 14']);
	});

	test('get messages asks the store for the chat, newest first', async () => {
		const result = await run({ resource: 'chat', operation: 'getMessages', chatId: chat(JID), limit: 100 });
		expect(gateway.requests).toHaveLength(1);
		expect(gateway.requests[0]).toMatchObject({ method: 'POST', path: BASE('chat', 'findMessages') });
		expect(gateway.requests[0].body).toEqual({ where: { key: { remoteJid: JID } }, page: 1, offset: 100 });
		expectKeyOnEveryRequest();
		expect(result.output.map((item) => item.json)).toMatchObject([
			{ id: '3EB0AAAA0002', chatId: JID, fromMe: false, from: JID, text: 'hi there', timestamp: 1_700_000_200, hasMedia: false },
			{ id: '3EB0AAAA0001', chatId: JID, fromMe: true, text: 'hello', timestamp: 1_700_000_100 },
		]);
	});

	test.each([
		// Evolution pages by number and size: the smallest page holding the window is asked for.
		[3, 2, { page: 1, offset: 5 }, ['PAGE0005', 'PAGE0004', 'PAGE0003']],
		[2, 4, { page: 3, offset: 2 }, ['PAGE0003', 'PAGE0002']],
	])('get messages limit %i offset %i asks for %j', async (limit, offset, paging, ids) => {
		const result = await run({ resource: 'chat', operation: 'getMessages', chatId: chat(PAGED), limit, offset });
		expect(gateway.requests[0].body).toEqual({ where: { key: { remoteJid: PAGED } }, ...paging });
		expect(result.output.map((item) => item.json.id)).toEqual(ids);
	});

	test('group messages name their sender and media', async () => {
		const result = await run({ resource: 'chat', operation: 'getMessages', chatId: chat(GROUP), limit: 10 });
		expect(result.output[0].json).toMatchObject({
			id: 'ABCDBBBB0001',
			chatId: GROUP,
			fromMe: false,
			from: '15550002222@s.whatsapp.net',
			text: 'look at this',
			hasMedia: true,
		});
	});
});

describe('Evolution message operations', () => {
	const OWN = 'true_919988066776@c.us_3EB0AAAA0001';
	const ownKey = { remoteJid: JID, fromMe: true, id: '3EB0AAAA0001' };

	test.each([
		['edit', { text: 'Updated text' }, 'POST', BASE('chat', 'updateMessage'), { number: JID, key: ownKey, text: 'Updated text' }, { edited: true }],
		['delete', {}, 'DELETE', BASE('chat', 'deleteMessageForEveryone'), ownKey, { deleted: true }],
		['react', { emoji: '👍' }, 'POST', BASE('message', 'sendReaction'), { key: ownKey, reaction: '👍' }, { reaction: '👍', removed: false }],
		['react', { emoji: '' }, 'POST', BASE('message', 'sendReaction'), { key: ownKey, reaction: '' }, { reaction: '', removed: true }],
	])('%s %j with a full id sends %s %s at once', async (operation, extra, method, path, body, fields) => {
		const result = await run({ resource: 'message', operation, chatId: chat('+91 99880-66776'), messageId: OWN, ...extra });
		expect(gateway.requests).toHaveLength(1);
		expect(gateway.requests[0]).toMatchObject({ method, path });
		expect(gateway.requests[0].body).toEqual(body);
		expectKeyOnEveryRequest();
		expect(result.output[0].json).toMatchObject({ success: true, chatId: JID, messageId: '3EB0AAAA0001', ...fields });
		expect(result.output[0].json.raw).toMatchObject({ key: { fromMe: true }, status: 'PENDING' });
	});

	test('a bare message id is completed through findMessages', async () => {
		const result = await run({ resource: 'message', operation: 'react', chatId: chat(JID), messageId: '3EB0AAAA0002', emoji: '🔥' });
		expect(wire()).toEqual([`POST ${BASE('chat', 'findMessages')}`, `POST ${BASE('message', 'sendReaction')}`]);
		expect(gateway.requests[0].body).toEqual({ where: { key: { id: '3EB0AAAA0002' } }, page: 1, offset: 10 });
		expect(gateway.requests[1].body).toEqual({ key: { remoteJid: JID, fromMe: false, id: '3EB0AAAA0002' }, reaction: '🔥' });
		expectKeyOnEveryRequest();
		expect(result.output[0].json.messageId).toBe('3EB0AAAA0002');
	});

	test('a bare id in a group keeps the participant in the key', async () => {
		await run({ resource: 'message', operation: 'delete', chatId: chat(GROUP), messageId: 'ABCDBBBB0001' });
		expect(gateway.requests[1]).toMatchObject({ method: 'DELETE', path: BASE('chat', 'deleteMessageForEveryone') });
		expect(gateway.requests[1].body).toEqual({ remoteJid: GROUP, fromMe: false, id: 'ABCDBBBB0001', participant: '15550002222@s.whatsapp.net' });
	});

	test('a bare id stored under the chat’s @lid twin is sent with the stored key', async () => {
		const record = evolutionRecord({ remoteJid: '201234567890123@lid', remoteJidAlt: '15550004444@s.whatsapp.net', fromMe: false, id: '3EB0CCCC0001' }, 1_700_000_500);
		evolution.messages.push(record);
		try {
			await run({ resource: 'message', operation: 'react', chatId: chat('+1 555 000 4444'), messageId: '3EB0CCCC0001', emoji: '👍' });
			expect(gateway.requests[1].body).toEqual({ key: { remoteJid: '201234567890123@lid', fromMe: false, id: '3EB0CCCC0001' }, reaction: '👍' });
		} finally {
			evolution.messages.splice(evolution.messages.indexOf(record), 1);
		}
	});

	test('an unknown bare id is explained, and nothing else is sent', async () => {
		const result = await attempt({ resource: 'message', operation: 'delete', chatId: chat(JID), messageId: 'NOPE1234' });
		expect(result.error?.message).toBe(
			`Evolution API has no stored message "NOPE1234" in chat ${JID}, so its full key is unknown. ` +
				'Evolution only knows messages it saved (DATABASE_SAVE_DATA_NEW_MESSAGE); give the full id instead, e.g. ' +
				`true_${JID}_NOPE1234 for your own message or false_${JID}_NOPE1234 for a received one`,
		);
		expect(wire()).toEqual([`POST ${BASE('chat', 'findMessages')}`]);
	});

	test('a bare id of another chat is refused with the chat it belongs to', async () => {
		const result = await attempt({ resource: 'message', operation: 'react', chatId: chat(JID), messageId: 'PAGE0001', emoji: '👍' });
		expect(result.error?.message).toBe(`Message "PAGE0001" belongs to chat ${PAGED}, not to ${JID}; pick the chat it was sent in`);
		// findChats: whether that chat is this one's LID form.
		expect(wire()).toEqual([`POST ${BASE('chat', 'findMessages')}`, `POST ${BASE('chat', 'findChats')}`]);
	});

	test('editing a received message is refused before the edit is sent', async () => {
		const result = await attempt({ resource: 'message', operation: 'edit', chatId: chat(JID), messageId: '3EB0AAAA0002', text: 'mine now' });
		expect(result.error?.message).toBe(`Message "3EB0AAAA0002" in chat ${JID} was not sent by you; WhatsApp lets only the sender edit a message`);
		expect(gateway.requestsTo('POST', BASE('chat', 'updateMessage'))).toHaveLength(0);
	});
});

describe('operations Evolution API lacks fail before any request', () => {
	test.each([
		['message', 'pin', { messageId: '3EB0AAAA0001', duration: 86400 }, 'Message: Pin', 'pins a message; use WAHA, the Sessions API or the embedded connection'],
		['message', 'unpin', { messageId: '3EB0AAAA0001' }, 'Message: Unpin', 'unpins a message; unpin it on the phone, or use WAHA, the Sessions API or the embedded connection'],
		['message', 'star', { messageId: '3EB0AAAA0001' }, 'Message: Star', 'stars a message; use WAHA, the Sessions API or the embedded connection'],
		['message', 'unstar', { messageId: '3EB0AAAA0001' }, 'Message: Unstar', 'unstars a message; unstar it on the phone, or use WAHA, the Sessions API or the embedded connection'],
		['chat', 'delete', {}, 'Chat: Delete', 'deletes a chat; archive it instead (Chat: Archive), or use WAHA or the embedded connection'],
		['chat', 'clearMessages', {}, 'Chat: Clear Messages', 'clears a chat; use WAHA or the embedded connection'],
	])('%s %s', async (resource, operation, extra, label, hint) => {
		const result = await attempt({ resource, operation, chatId: chat(JID), ...extra });
		expect(result.error?.message).toBe(`${label} is not supported by Evolution API: Evolution API has no endpoint that ${hint}`);
		expect(gateway.requests).toHaveLength(0);
	});
});

describe('Evolution session operations', () => {
	afterEach(() => (evolution.instances.get(EVOLUTION_INSTANCE)!.state = 'open'));

	test('get QR starts a connection and gives the QR text and a PNG', async () => {
		evolution.instances.get(EVOLUTION_INSTANCE)!.state = 'close';
		const result = await run({ resource: 'session', operation: 'getQr' });
		expect(gateway.requests).toHaveLength(1);
		expect(gateway.requests[0]).toMatchObject({ method: 'GET', path: BASE('instance', 'connect'), query: {} });
		expectKeyOnEveryRequest();
		expect(result.output[0].json.qr).toBe('2@evoQrRef0001,evoNoiseKey,evoIdentityKey,evoAdvSecret');
		expect(result.output[0].binary?.qr?.mimeType).toBe('image/png');
	});

	test('get QR of a connected instance says so', async () => {
		const result = await attempt({ resource: 'session', operation: 'getQr' });
		expect(result.error?.message).toBe(
			`Evolution API gave no QR code for instance "${EVOLUTION_INSTANCE}": the instance is already connected; log it out first to pair another phone`,
		);
	});

	test('request pairing code passes the number to connect', async () => {
		evolution.instances.get(EVOLUTION_INSTANCE)!.state = 'close';
		const result = await run({ resource: 'session', operation: 'requestPairingCode', phoneNumber: '+1 555 000 1111' });
		expect(gateway.requests[0]).toMatchObject({ method: 'GET', path: BASE('instance', 'connect'), query: { number: '15550001111' } });
		expect(result.output[0].json).toMatchObject({ success: true, code: 'WZYEH1YY', phoneNumber: '15550001111' });
	});

	test('status reads connectionState', async () => {
		const result = await run({ resource: 'session', operation: 'status' });
		expect(gateway.requests[0]).toMatchObject({ method: 'GET', path: BASE('instance', 'connectionState') });
		expectKeyOnEveryRequest();
		expect(result.output[0].json).toEqual({
			success: true,
			backend: 'Evolution API',
			state: 'open',
			connected: true,
			me: null,
			raw: { instance: { instanceName: EVOLUTION_INSTANCE, state: 'open' } },
		});
	});

	test('logout, and logging out again is refused in Evolution’s words', async () => {
		const result = await run({ resource: 'session', operation: 'logout' });
		expect(gateway.requests[0]).toMatchObject({ method: 'DELETE', path: BASE('instance', 'logout') });
		expect(result.output[0].json).toMatchObject({ success: true, loggedOut: true, raw: { status: 'SUCCESS', error: false } });
		const again = await attempt({ resource: 'session', operation: 'logout' });
		expect(again.error?.message).toBe(`Evolution API refused the request (HTTP 400): The "${EVOLUTION_INSTANCE}" instance is not connected`);
	});
});

describe('Evolution errors', () => {
	const archive = (options: IDataObject = {}, overrides: IDataObject = {}) =>
		attempt({ resource: 'chat', operation: 'archive', chatId: chat(JID), options }, overrides);

	test('401: the API key is wrong, and no key is shown', async () => {
		const result = await archive({}, { apiKey: 'wrong-key' });
		expect(result.error?.message).toBe('Evolution API rejected the API key (HTTP 401): Unauthorized');
		expect(result.error?.description).toContain('Check the API key');
		expect(gateway.requests).toHaveLength(1);
		expect(JSON.stringify(result.run)).not.toContain('wrong-key');
		expect(JSON.stringify(result.run)).not.toContain(TEST_API_KEY);
	});

	test('404: an unknown instance is named', async () => {
		const result = await archive({}, { session: 'nope' });
		expect(result.error?.message).toBe('Evolution API does not know the instance "nope": The "nope" instance does not exist');
		expect(JSON.stringify(result.run)).not.toContain(TEST_API_KEY);
	});

	test('500 then success is retried', async () => {
		gateway.respond(`POST ${BASE('chat', 'archiveChat')}`, { status: 500, body: { status: 500, error: 'Internal Server Error', response: { message: ['Connection Closed'] } } });
		const result = await archive();
		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toMatchObject({ success: true, archived: true });
		expect(gateway.requestsTo('POST', BASE('chat', 'archiveChat'))).toHaveLength(2);
	});

	test('a 500 that stays gives Evolution’s nested words', async () => {
		const failure = {
			status: 500,
			error: 'Internal Server Error',
			response: { message: [{ archived: false, message: ['An error occurred while archiving the chat. Open a calling.', 'Error: Connection Closed'] }] },
		};
		gateway.respond(`POST ${BASE('chat', 'archiveChat')}`, { status: 500, body: failure }, { status: 500, body: failure });
		const result = await archive({ maxRetries: 0 });
		// The chat alone, then with the key looked up here: both refused by Evolution.
		expect(gateway.requestsTo('POST', BASE('chat', 'archiveChat'))).toHaveLength(2);
		expect(result.error?.message).toBe('Evolution API failed (HTTP 500): An error occurred while archiving the chat. Open a calling.; Error: Connection Closed');
	});

	test('a 400 gives the schema’s words', async () => {
		gateway.respond(`POST ${BASE('chat', 'updateMessage')}`, { status: 400, body: { status: 400, error: 'Bad Request', response: { message: ['Message is older than 15 minutes'] } } });
		const result = await attempt({ resource: 'message', operation: 'edit', chatId: chat(JID), messageId: 'true_919988066776@c.us_3EB0AAAA0001', text: 'late' });
		expect(result.error?.message).toBe('Evolution API refused the request (HTTP 400): Message is older than 15 minutes');
	});

	test('a number that is not on WhatsApp is said plainly', async () => {
		gateway.respond(`POST ${BASE('message', 'sendReaction')}`, {
			status: 400,
			body: { status: 400, error: 'Bad Request', response: { message: [{ jid: '15550009999@s.whatsapp.net', exists: false, number: '15550009999' }] } },
		});
		const result = await attempt({ resource: 'message', operation: 'react', chatId: chat('+1 555 000 9999'), messageId: 'true_15550009999@c.us_3EB0DDDD', emoji: '👍' });
		expect(result.error?.message).toBe('Evolution API refused the request (HTTP 400): 15550009999 is not on WhatsApp');
	});

	test.each([
		['', 'Invalid Instance ""'],
		['../admin', 'Invalid Instance "../admin"'],
		['a/b', 'Invalid Instance "a/b"'],
	])('instance %j is refused before any request', async (session, message) => {
		const result = await archive({}, { session });
		expect(result.error?.message).toContain(message);
		expect(result.error?.message).toContain('the name of an Evolution API instance');
		expect(gateway.requests).toHaveLength(0);
	});

	test('an instance name with a space is percent-encoded in the path', async () => {
		const result = await attempt({ resource: 'chat', operation: 'getMany', returnAll: false, limit: 1 }, { session: EVOLUTION_SPACED_INSTANCE });
		expect(result.error).toBeUndefined();
		expect(gateway.requests[0].path).toBe('/chat/findChats/Sales%20Bot');
	});
});

describe('Evolution credential test', () => {
	const test_ = (data: IDataObject) => whatsAppChatsConnectionTest.call({} as never, { id: '1', name: 'Evolution', type: 'whatsAppChatsApi', data } as never);

	test('a reachable instance with the right key', async () => {
		expect(await test_(credentials())).toEqual({ status: 'OK', message: `Connected to Evolution API; instance "${EVOLUTION_INSTANCE}" is open` });
		expect(gateway.requests[0]).toMatchObject({ method: 'GET', path: BASE('instance', 'connectionState') });
	});

	test.each([
		['a wrong key', { apiKey: 'wrong' }, 'Evolution API rejected the API key (HTTP 401): Unauthorized'],
		['an unknown instance', { session: 'ghost' }, 'Evolution API does not know the instance "ghost": The "ghost" instance does not exist'],
		['an unreachable gateway', { baseUrl: 'http://127.0.0.1:9' }, 'Cannot reach Evolution API at http://127.0.0.1:9: connection refused'],
	])('%s', async (_case, overrides, message) => {
		expect(await test_(credentials(overrides))).toEqual({ status: 'Error', message });
	});
});
