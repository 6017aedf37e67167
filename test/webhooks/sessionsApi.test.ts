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
		messageId: 'MSG1',
		timestamp: 1_700_000_000,
		data: { emoji: '❤️', from: '919988066776@s.whatsapp.net' },
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
