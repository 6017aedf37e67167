/**
 * Every operation over WAHA, run in n8n's engine against a loopback WAHA: the request on the wire
 * (method, encoded path, API key header, body) as the seed's Chats page and WAHA's OpenAPI say,
 * and the node's output.
 */
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { chat, runChatsNode, wahaCredentials } from '../helpers/whatsAppChatsNode';

const PHONE = '+91 99880-66776';
const CHAT = '919988066776%40c.us';
const MSG = 'true_919988066776@c.us_3EB0AAAA0001';
const MSG_PATH = 'true_919988066776%40c.us_3EB0AAAA0001';

let gateway: GatewayTestServer;
beforeAll(async () => (gateway = await GatewayTestServer.start()));
afterAll(async () => await gateway.close());
beforeEach(() => gateway.reset());

async function run(parameters: Record<string, unknown>) {
	const result = await runChatsNode({ credentials: wahaCredentials(gateway), parameters: parameters as never });
	expect(result.error).toBeUndefined();
	return result;
}

describe('WAHA chat operations', () => {
	test.each([
		['archive', 'POST', `/api/default/chats/${CHAT}/archive`, { archived: true }],
		['unarchive', 'POST', `/api/default/chats/${CHAT}/unarchive`, { archived: false }],
		['markUnread', 'POST', `/api/default/chats/${CHAT}/unread`, { unread: true }],
		['delete', 'DELETE', `/api/default/chats/${CHAT}`, { deleted: true }],
		['clearMessages', 'DELETE', `/api/default/chats/${CHAT}/messages`, { cleared: true }],
	])('%s sends %s %s', async (operation, method, path, fields) => {
		const result = await run({ resource: 'chat', operation, chatId: chat(PHONE) });
		expect(gateway.requests).toHaveLength(1);
		const [request] = gateway.requests;
		expect(request).toMatchObject({ method, path, body: undefined });
		expect(request.headers['x-api-key']).toBe(TEST_API_KEY);
		expect(result.output).toHaveLength(1);
		expect(result.output[0].json).toMatchObject({ success: true, chatId: '919988066776@c.us', ...fields });
		expect(result.output[0].json).toHaveProperty('raw');
		expect(result.output[0].pairedItem).toEqual({ item: 0 });
	});

	test('get many pages through every chat with Return All', async () => {
		const result = await run({ resource: 'chat', operation: 'getMany', returnAll: true });
		expect(result.output).toHaveLength(250);
		expect(gateway.requests.map((r) => r.query)).toEqual([
			{ limit: '100', offset: '0' },
			{ limit: '100', offset: '100' },
			{ limit: '100', offset: '200' },
		]);
		expect(gateway.requests.every((r) => r.path === '/api/default/chats')).toBe(true);
		expect(result.output[9].json).toMatchObject({ id: '120363000009@g.us', name: 'Contact 9', isGroup: true, unreadCount: 0 });
		expect(result.output[0].json).toMatchObject({ id: '919988000000@c.us', isGroup: false, lastMessageTimestamp: 1_700_000_000 });
	});

	test('get many honours limit and offset', async () => {
		const result = await run({ resource: 'chat', operation: 'getMany', returnAll: false, limit: 7, offset: 20 });
		expect(gateway.requests[0].query).toEqual({ limit: '7', offset: '20' });
		expect(result.output.map((item) => item.json.name)).toEqual([20, 21, 22, 23, 24, 25, 26].map((n) => `Contact ${n}`));
	});

	test('get messages passes limit and downloadMedia', async () => {
		const result = await run({ resource: 'chat', operation: 'getMessages', chatId: chat(PHONE), limit: 100, downloadMedia: false });
		expect(gateway.requests[0]).toMatchObject({
			method: 'GET',
			path: `/api/default/chats/${CHAT}/messages`,
			query: { limit: '100', offset: '0', downloadMedia: 'false' },
		});
		expect(result.output.map((item) => item.json)).toMatchObject([
			{ id: MSG, chatId: '919988066776@c.us', fromMe: true, text: 'hello', timestamp: 1_700_000_100 },
			{ id: 'false_919988066776@c.us_3EB0AAAA0002', fromMe: false, text: 'hi there' },
		]);
	});
});

describe('WAHA message operations', () => {
	test.each([
		['edit', { text: 'Updated text' }, 'PUT', `/api/default/chats/${CHAT}/messages/${MSG_PATH}`, { text: 'Updated text' }, { edited: true }],
		['delete', {}, 'DELETE', `/api/default/chats/${CHAT}/messages/${MSG_PATH}`, undefined, { deleted: true }],
		['pin', { duration: 604800 }, 'POST', `/api/default/chats/${CHAT}/messages/${MSG_PATH}/pin`, { duration: 604800 }, { pinned: true, durationSeconds: 604800 }],
		['unpin', {}, 'POST', `/api/default/chats/${CHAT}/messages/${MSG_PATH}/unpin`, undefined, { pinned: false }],
		['star', {}, 'PUT', '/api/star', { session: 'default', chatId: '919988066776@c.us', messageId: MSG, star: true }, { starred: true }],
		['unstar', {}, 'PUT', '/api/star', { session: 'default', chatId: '919988066776@c.us', messageId: MSG, star: false }, { starred: false }],
		['react', { emoji: '👍' }, 'PUT', '/api/reaction', { session: 'default', messageId: MSG, reaction: '👍' }, { reaction: '👍', removed: false }],
		['react', { emoji: '' }, 'PUT', '/api/reaction', { session: 'default', messageId: MSG, reaction: '' }, { reaction: '', removed: true }],
	])('%s %j sends %s %s', async (operation, extra, method, path, body, fields) => {
		const result = await run({ resource: 'message', operation, chatId: chat(PHONE), messageId: MSG, ...extra });
		expect(gateway.requests).toHaveLength(1);
		expect(gateway.requests[0]).toMatchObject({ method, path });
		expect(gateway.requests[0].body).toEqual(body);
		expect(gateway.requests[0].headers['x-api-key']).toBe(TEST_API_KEY);
		expect(result.output[0].json).toMatchObject({ success: true, chatId: '919988066776@c.us', messageId: MSG, ...fields });
	});

	test('a bare message id is completed from the chat’s recent messages', async () => {
		const result = await run({ resource: 'message', operation: 'react', chatId: chat('919988066776@s.whatsapp.net'), messageId: '3EB0AAAA0002', emoji: '🔥' });
		expect(gateway.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /api/default/chats/${CHAT}/messages`, 'PUT /api/reaction']);
		expect(gateway.requests[1].body).toEqual({ session: 'default', messageId: 'false_919988066776@c.us_3EB0AAAA0002', reaction: '🔥' });
		expect(result.output[0].json.messageId).toBe('false_919988066776@c.us_3EB0AAAA0002');
	});

	test('an unknown bare message id is explained', async () => {
		const result = await runChatsNode({
			credentials: wahaCredentials(gateway),
			parameters: { resource: 'message', operation: 'delete', chatId: chat(PHONE), messageId: 'NOPE1234' } as never,
		});
		expect(result.error?.message).toMatch(/Message "NOPE1234" is not among the last 100 messages of chat 919988066776@c.us/);
		expect(gateway.requestsTo('DELETE', '/')).toHaveLength(0);
	});

	test('group messages keep their participant', async () => {
		const id = 'false_120363000009@g.us_3EB0BBBB_15550002222@c.us';
		await run({ resource: 'message', operation: 'star', chatId: chat('120363000009@g.us'), messageId: id });
		expect(gateway.requests[0].body).toEqual({ session: 'default', chatId: '120363000009@g.us', messageId: id, star: true });
	});
});

describe('WAHA session operations', () => {
	test('get QR gives the QR text and a PNG', async () => {
		const result = await run({ resource: 'session', operation: 'getQr' });
		expect(gateway.requests[0]).toMatchObject({ method: 'GET', path: '/api/default/auth/qr', query: { format: 'raw' } });
		expect(result.output[0].json.qr).toBe('2@fakeQrRef,fakeNoiseKey,fakeIdentityKey,fakeAdvSecret');
		const png = result.output[0].binary?.qr;
		expect(png?.mimeType).toBe('image/png');
		expect(Buffer.from(png!.data, 'base64').subarray(1, 4).toString()).toBe('PNG');
	});

	test('request pairing code', async () => {
		const result = await run({ resource: 'session', operation: 'requestPairingCode', phoneNumber: '+1 555 000 1111' });
		expect(gateway.requests[0]).toMatchObject({ method: 'POST', path: '/api/default/auth/request-code', body: { phoneNumber: '15550001111' } });
		expect(result.output[0].json).toMatchObject({ code: 'ABCD-EFGH', phoneNumber: '15550001111' });
	});

	test('status', async () => {
		const result = await run({ resource: 'session', operation: 'status' });
		expect(gateway.requests[0]).toMatchObject({ method: 'GET', path: '/api/sessions/default' });
		expect(result.output[0].json).toMatchObject({ backend: 'WAHA', state: 'WORKING', connected: true, me: '15550001111@c.us' });
	});
});
