/**
 * Evolution API end to end through the trigger node in n8n's real contexts: activation sets the
 * instance webhook, a JWT-signed delivery starts one execution (once, even when retried), a
 * forged token gets 401, deactivation restores the webhook that was there before.
 */
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { EVOLUTION_INSTANCE, EVOLUTION_OWN_JID, evolutionStateOf } from '../gateway-server/evolutionRoutes';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';

const jwt = require('jsonwebtoken') as { sign(payload: object, secret: string, options?: object): string };
const SECRET = 'evo-trigger-secret';

let gateway: GatewayTestServer;
let trigger: TriggerUnderTest;
beforeAll(async () => (gateway = await GatewayTestServer.start()));
afterAll(async () => await gateway.close());
afterEach(async () => await trigger.close());

const upsert = {
	event: 'messages.upsert',
	instance: EVOLUTION_INSTANCE,
	data: {
		key: { remoteJid: '919988066776@s.whatsapp.net', fromMe: false, id: '3EB0EVO1' },
		pushName: 'Asha',
		message: { conversation: 'Order #77 please' },
		messageType: 'conversation',
		messageTimestamp: 1_717_689_097,
	},
	date_time: '2024-06-06T12:31:37.519Z',
	sender: EVOLUTION_OWN_JID,
	apikey: 'instance-key-not-for-outputs',
};

test('activation, a signed delivery, a retry, a forged token, deactivation', async () => {
	const instance = evolutionStateOf(gateway.state).instances.get(EVOLUTION_INSTANCE)!;
	const previous = { enabled: true, url: 'https://crm.example/evolution', events: ['MESSAGES_UPSERT'], headers: {}, byEvents: false, base64: false };
	instance.webhook = { ...previous } as never;
	trigger = await startTrigger({
		credentials: { connection: 'evolution', baseUrl: gateway.url, session: EVOLUTION_INSTANCE, apiKey: TEST_API_KEY, webhookSecret: SECRET },
		parameters: { source: 'gateway', events: ['message', 'message.edited'] },
	});

	await trigger.activate();
	expect(instance.webhook).toMatchObject({ enabled: true, url: trigger.webhookUrl, headers: { jwt_key: SECRET } });

	const token = jwt.sign({ app: 'evolution' }, SECRET, { algorithm: 'HS256', expiresIn: 600 });
	expect((await trigger.post(upsert, { Authorization: `Bearer ${token}` })).status).toBe(200);
	expect((await trigger.post(upsert, { Authorization: `Bearer ${token}` })).status).toBe(200);
	expect(trigger.executions).toHaveLength(1);
	expect(trigger.executions[0][0].json).toMatchObject({
		event: 'message',
		session: EVOLUTION_INSTANCE,
		chatId: '919988066776@s.whatsapp.net',
		messageId: '3EB0EVO1',
		fromMe: false,
		data: { text: 'Order #77 please' },
	});
	expect(JSON.stringify(trigger.executions)).not.toContain('instance-key-not-for-outputs');

	const forged = jwt.sign({ app: 'evolution' }, 'guessed', { algorithm: 'HS256', expiresIn: 600 });
	expect((await trigger.post(upsert, { Authorization: `Bearer ${forged}` })).status).toBe(401);
	expect(trigger.executions).toHaveLength(1);

	expect(await trigger.deactivate()).toBe(true);
	expect(instance.webhook).toMatchObject(previous);
});
