/**
 * Every operation over the Sessions API gateway, checked against its seed document: method,
 * encoded path, `X-API-Key`, body; and the operations it does not document fail without a request.
 */
import { GatewayTestServer, SESSIONS_API_ID, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { chat, runChatsNode, sessionsApiCredentials } from '../helpers/whatsAppChatsNode';

const BASE = `/sessions/${SESSIONS_API_ID}`;
const JID = '919988066776%40s.whatsapp.net';

let gateway: GatewayTestServer;
beforeAll(async () => (gateway = await GatewayTestServer.start()));
afterAll(async () => await gateway.close());
beforeEach(() => gateway.reset());

const run = (parameters: Record<string, unknown>) =>
	runChatsNode({ credentials: sessionsApiCredentials(gateway), parameters: parameters as never });

test.each([
	['archive', 'POST', `${BASE}/chats/${JID}/archive`, 'Chat archived successfully', { archived: true }],
	['unarchive', 'POST', `${BASE}/chats/${JID}/unarchive`, 'Chat unarchived successfully', { archived: false }],
	['markUnread', 'POST', `${BASE}/chats/${JID}/unread`, 'Chat marked as unread', { unread: true }],
	['delete', 'DELETE', `${BASE}/chats/${JID}`, 'Chat deleted successfully', { deleted: true }],
])('chat %s sends %s %s', async (operation, method, path, message, fields) => {
	const result = await run({ resource: 'chat', operation, chatId: chat('919988066776@c.us') });
	expect(result.error).toBeUndefined();
	expect(gateway.requests).toHaveLength(1);
	expect(gateway.requests[0]).toMatchObject({ method, path, body: undefined });
	expect(gateway.requests[0].headers['x-api-key']).toBe(TEST_API_KEY);
	expect(result.output[0].json).toEqual({
		success: true,
		chatId: '919988066776@s.whatsapp.net',
		phone: '919988066776',
		lid: null,
		...fields,
		raw: { success: true, jid: '919988066776@s.whatsapp.net', message },
	});
});

test.each([
	['edit', { text: 'Updated message text' }, 'PUT', `${BASE}/chats/${JID}/messages/MESSAGE_ID`, { text: 'Updated message text' }],
	['delete', {}, 'DELETE', `${BASE}/chats/${JID}/messages/MESSAGE_ID`, undefined],
	['pin', { duration: 86400 }, 'POST', `${BASE}/chats/${JID}/messages/MESSAGE_ID/pin`, undefined],
	['unpin', {}, 'POST', `${BASE}/chats/${JID}/messages/MESSAGE_ID/unpin`, undefined],
	['star', {}, 'POST', `${BASE}/chats/${JID}/messages/MESSAGE_ID/star`, { star: true }],
	['unstar', {}, 'POST', `${BASE}/chats/${JID}/messages/MESSAGE_ID/star`, { star: false }],
	['react', { emoji: '👍' }, 'PUT', `${BASE}/messages/MESSAGE_ID/reaction`, { chatId: '919988066776@s.whatsapp.net', emoji: '👍' }],
	['react', { emoji: '' }, 'PUT', `${BASE}/messages/MESSAGE_ID/reaction`, { chatId: '919988066776@s.whatsapp.net', emoji: '' }],
])('message %s %j sends %s %s', async (operation, extra, method, path, body) => {
	const result = await run({ resource: 'message', operation, chatId: chat('919988066776'), messageId: 'MESSAGE_ID', ...extra });
	expect(result.error).toBeUndefined();
	expect(gateway.requests).toHaveLength(1);
	expect(gateway.requests[0]).toMatchObject({ method, path });
	expect(gateway.requests[0].body).toEqual(body);
	expect(gateway.requests[0].headers['x-api-key']).toBe(TEST_API_KEY);
	expect(result.output[0].json).toMatchObject({ success: true, chatId: '919988066776@s.whatsapp.net', messageId: 'MESSAGE_ID' });
});

test('a WAHA serialized message id is sent as the bare id', async () => {
	await run({ resource: 'message', operation: 'delete', chatId: chat('919988066776@c.us'), messageId: 'true_919988066776@c.us_3EB0ABC' });
	expect(gateway.requests[0].path).toBe(`${BASE}/chats/${JID}/messages/3EB0ABC`);
});

test.each([
	['chat', 'getMany', {}, 'Chat: Get Many', 'documents no endpoint that lists chats; give the chat as a phone number or chat id'],
	['chat', 'getMessages', { chatId: chat('919988066776') }, 'Chat: Get Messages', 'documents no endpoint that lists messages; take message ids from the WhatsApp Chats Trigger or the gateway'],
	['chat', 'clearMessages', { chatId: chat('919988066776') }, 'Chat: Clear Messages', 'documents no endpoint that clears a chat; clear it on the phone'],
	['session', 'getQr', {}, 'Session: Get QR', 'documents no pairing endpoint; pair the session in the gateway itself'],
	['session', 'status', {}, 'Session: Status', 'documents no status endpoint; the credential test tells whether the session is known and the key accepted'],
])('%s %s is not offered: clear error with what to do instead, no request', async (resource, operation, extra, label, hint) => {
	const result = await run({ resource, operation, ...extra });
	expect(result.error?.message).toBe(`${label} is not supported by Sessions API: the Sessions API gateway ${hint}`);
	expect(gateway.requests).toHaveLength(0);
});

test('success:false on HTTP 200 is a failure with the gateway’s words', async () => {
	gateway.respond('PUT', { status: 200, body: { success: false, error: 'Message cannot be edited (too old or not sent by you)' } });
	const result = await run({ resource: 'message', operation: 'edit', chatId: chat('919988066776'), messageId: 'MESSAGE_ID', text: 'x' });
	expect(result.error?.message).toBe('Sessions API refused the request: Message cannot be edited (too old or not sent by you)');
	expect(gateway.requests).toHaveLength(1);
});

test('an unknown session is named', async () => {
	const result = await runChatsNode({
		credentials: sessionsApiCredentials(gateway, { session: '00000000-0000-4000-8000-000000000000' }),
		parameters: { resource: 'chat', operation: 'archive', chatId: chat('919988066776') } as never,
	});
	expect(result.error?.message).toBe('Sessions API does not know the session "00000000-0000-4000-8000-000000000000": Session not found');
});
