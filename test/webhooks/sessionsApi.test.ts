/**
 * The trigger with Sessions API webhooks (format undocumented): a shared secret header when one
 * is set, known event names mapped, the whole body kept in `raw`, nothing registered.
 */
import { GatewayTestServer } from '../gateway-server/GatewayTestServer';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';
import { sessionsApiCredentials } from '../helpers/whatsAppChatsNode';

let gateway: GatewayTestServer;
let trigger: TriggerUnderTest;
beforeAll(async () => (gateway = await GatewayTestServer.start()));
afterAll(async () => await gateway.close());
beforeEach(async () => {
	gateway.reset();
	trigger = await startTrigger({
		credentials: sessionsApiCredentials(gateway, { webhookSecret: 'shared-secret' }),
		parameters: { source: 'gateway' },
	});
});
afterEach(async () => await trigger.close());

const reaction = {
	event: 'message.reaction',
	chatId: '919988066776@s.whatsapp.net',
	messageId: 'MSG1',
	timestamp: 1_700_000_000,
	data: { emoji: '❤️', from: '919988066776@s.whatsapp.net' },
};

test('a delivery with the shared secret is mapped, with the body in raw', async () => {
	const response = await trigger.post(reaction, { 'X-Webhook-Secret': 'shared-secret' });
	expect(response.status).toBe(200);
	expect(trigger.executions[0][0].json).toEqual({
		event: 'message.reaction',
		session: 'e67a00be-ed45-4356-9488-049cabb9895d',
		chatId: '919988066776@s.whatsapp.net',
		phone: '919988066776',
		lid: null,
		messageId: 'MSG1',
		timestamp: 1_700_000_000,
		data: { emoji: '❤️', from: '919988066776@s.whatsapp.net', fromPhone: '919988066776', fromLid: null },
		raw: reaction,
	});
});

test('Baileys-style names are understood', async () => {
	const upsert = { event: 'messages.upsert', data: { key: { remoteJid: '15550002222@s.whatsapp.net', id: 'ABC', fromMe: false }, fromMe: false, timestamp: 1_700_000_001 } };
	await trigger.post(upsert, { 'X-Webhook-Secret': 'shared-secret' });
	expect(trigger.executions[0][0].json).toMatchObject({ event: 'message', chatId: '15550002222@s.whatsapp.net', messageId: 'ABC', fromMe: false });
});

test('wrong or missing secret: 401 and no execution', async () => {
	expect(await trigger.post(reaction, { 'X-Webhook-Secret': 'guess' })).toEqual({ status: 401, body: { error: 'Invalid X-Webhook-Secret' } });
	expect(await trigger.post(reaction)).toEqual({ status: 401, body: { error: 'Missing X-Webhook-Secret' } });
	expect(trigger.executions).toHaveLength(0);
});

test('the same delivery twice starts one execution; unknown events start none', async () => {
	await trigger.post(reaction, { 'X-Webhook-Secret': 'shared-secret' });
	await trigger.post(reaction, { 'X-Webhook-Secret': 'shared-secret' });
	await trigger.post({ event: 'typing', chatId: '1@s.whatsapp.net' }, { 'X-Webhook-Secret': 'shared-secret' });
	expect(trigger.executions).toHaveLength(1);
});

test('activation registers nothing at the gateway (it has no webhook endpoint)', async () => {
	expect(await trigger.activate()).toEqual({ existedBefore: false });
	expect(await trigger.deactivate()).toBe(true);
	expect(gateway.requests).toHaveLength(0);
});

const withSecret = { 'X-Webhook-Secret': 'shared-secret' };

test('events of another session id answer 200 and start nothing', async () => {
	const other = { ...reaction, sessionId: '0b0b0b0b-1111-4222-8333-444444444444' };
	expect(await trigger.post(other, withSecret)).toEqual({ status: 200, body: { message: 'Webhook call received' } });
	expect(await trigger.post([{ ...reaction, session: 'another-session' }], withSecret)).toEqual({ status: 200, body: { message: 'Webhook call received' } });
	expect(trigger.executions).toHaveLength(0);
	await trigger.post({ ...reaction, sessionId: 'E67A00BE-ED45-4356-9488-049CABB9895D' }, withSecret);
	expect(trigger.executions).toHaveLength(1);
});

test('a message and its edit sharing a body id both fire; a repeat of either does not', async () => {
	const message = { id: 'MSG42', event: 'message', chatId: '919988066776@s.whatsapp.net', messageId: 'MSG42', timestamp: 1_700_000_100, data: { text: 'Order #12' } };
	const edit = { id: 'MSG42', event: 'message.edited', chatId: '919988066776@s.whatsapp.net', messageId: 'MSG42', timestamp: 1_700_000_100, data: { text: 'Order #13' } };
	const secondEdit = { ...edit, data: { text: 'Order #14' } };
	for (const body of [message, edit, message, edit, secondEdit]) await trigger.post(body, withSecret);
	expect(trigger.executions.map((items) => [items[0].json.event, (items[0].json.data as { text: string }).text])).toEqual([
		['message', 'Order #12'],
		['message.edited', 'Order #13'],
		['message.edited', 'Order #14'],
	]);
});

test('a repeat is still refused after 10,001 other events within the window', async () => {
	const first = { event: 'message', chatId: '919988066776@s.whatsapp.net', messageId: 'FIRST', timestamp: 1_700_000_000, data: { text: 'refund me' } };
	await trigger.post(first, withSecret);
	const others = Array.from({ length: 10_001 }, (_, index) => ({ ...first, messageId: `FILL${index}`, data: { text: `n${index}` } }));
	await trigger.post(others, withSecret);
	expect(trigger.executions.map((items) => items.length)).toEqual([1, 10_001]);
	await trigger.post(first, withSecret);
	expect(trigger.executions).toHaveLength(2);
});

test('the trigger panel warns that Sessions API calls are unauthenticated until a secret is set', () => {
	const { gatewayTriggerDescription } = require('../../nodes/WhatsAppChatsTrigger/triggerDescription') as typeof import('../../nodes/WhatsAppChatsTrigger/triggerDescription');
	const notice = gatewayTriggerDescription.properties.find((property) => property.name === 'sessionsApiSecretNotice');
	// the (gateway) WhatsApp Chats Trigger shows it always: a parameter cannot depend on the credentials
	expect(notice).toMatchObject({ type: 'notice' });
	expect(notice?.displayOptions).toBeUndefined();
	expect(notice?.displayName).toMatch(/^Sessions API: until you set a Webhook Secret in the credentials .* calls to this URL are unauthenticated/);
});

test('when the de-dup memory is full of events still in their window, deliveries get 503 with Retry-After, not a second run', async () => {
	const many = Array.from({ length: 100_001 }, (_, index) => ({ event: 'message', chatId: '1@s.whatsapp.net', messageId: `M${index}` }));
	const response = await fetch(trigger.webhookUrl, { method: 'POST', headers: { 'Content-Type': 'application/json', ...withSecret }, body: JSON.stringify(many) });
	expect(response.status).toBe(503);
	expect(response.headers.get('retry-after')).toBe('60');
	expect(await response.json()).toEqual({ error: expect.stringContaining('Too many different events within the de-duplication window (100,000 in 600 s)') });
	expect(trigger.executions).toHaveLength(0);
});
