/**
 * Evolution API end to end through the trigger node in n8n's real contexts: activation sets the
 * instance webhook, a JWT-signed delivery starts one execution (once, even when retried), a
 * forged token gets 401, deactivation restores the webhook that was there before.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
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

test('another receiver’s webhook headers are not readable in static data, and deactivation still restores them', async () => {
	const instance = evolutionStateOf(gateway.state).instances.get(EVOLUTION_INSTANCE)!;
	const crmHeaders = { Authorization: 'Bearer crm-token-8c1f2e', jwt_key: 'crm-jwt-key-5d9a0b' };
	const previous = { enabled: true, url: 'https://crm.example/evolution?token=crm-url-token-77', events: ['MESSAGES_UPSERT', 'SEND_MESSAGE'], headers: crmHeaders, byEvents: true, base64: true };
	instance.webhook = { ...previous, webhookByEvents: true, webhookBase64: true } as never;
	trigger = await startTrigger({
		credentials: { connection: 'evolution', baseUrl: gateway.url, session: EVOLUTION_INSTANCE, apiKey: TEST_API_KEY, webhookSecret: SECRET },
		parameters: { source: 'gateway', events: ['message'] },
	});

	await trigger.activate();
	const stored = JSON.stringify(trigger.staticData);
	for (const secret of [...Object.values(crmHeaders), 'crm-url-token-77']) expect(stored).not.toContain(secret);
	expect(stored).toContain('aes-256-gcm');
	expect(instance.webhook).toMatchObject({ url: trigger.webhookUrl, headers: { jwt_key: SECRET } });

	expect(await trigger.deactivate()).toBe(true);
	expect(instance.webhook).toMatchObject({ url: previous.url, headers: crmHeaders, events: previous.events, webhookByEvents: true, webhookBase64: true });
	expect(JSON.stringify(trigger.staticData)).not.toContain('aes-256-gcm');
});

test('without a Webhook Secret, activation signs the registration with a generated one; unsigned and forged calls get 401', async () => {
	const instance = evolutionStateOf(gateway.state).instances.get(EVOLUTION_INSTANCE)!;
	instance.webhook = null;
	trigger = await startTrigger({
		credentials: { connection: 'evolution', baseUrl: gateway.url, session: EVOLUTION_INSTANCE, apiKey: TEST_API_KEY },
		parameters: { source: 'gateway', events: ['message'] },
	});
	// Before activation there is no secret at all: nothing is accepted.
	expect((await trigger.post(upsert)).status).toBe(401);

	expect(await trigger.activate()).toEqual({ existedBefore: false });
	const jwtKey = (instance.webhook!.headers as { jwt_key?: string }).jwt_key!;
	expect(jwtKey).toMatch(/^[0-9a-f]{64}$/);
	expect(await trigger.activate()).toEqual({ existedBefore: true });

	const unsigned = await trigger.post(upsert);
	expect(unsigned).toEqual({ status: 401, body: { error: 'Missing "Authorization: Bearer" token; the webhook is not from your Evolution API instance' } });
	const forged = jwt.sign({ app: 'evolution' }, 'guessed', { algorithm: 'HS256', expiresIn: 600 });
	expect((await trigger.post(upsert, { Authorization: `Bearer ${forged}` })).status).toBe(401);
	expect(trigger.executions).toHaveLength(0);

	const token = jwt.sign({ app: 'evolution' }, jwtKey, { algorithm: 'HS256', expiresIn: 600 });
	expect((await trigger.post(upsert, { Authorization: `Bearer ${token}` })).status).toBe(200);
	expect(trigger.executions).toHaveLength(1);

	// A registration whose key is not the one kept (changed at the gateway) counts as missing.
	(instance.webhook!.headers as Record<string, unknown>).jwt_key = 'changed-by-someone';
	expect(await trigger.activate()).toEqual({ existedBefore: false });
	expect((instance.webhook!.headers as { jwt_key?: string }).jwt_key).toBe(jwtKey);

	expect(await trigger.deactivate()).toBe(true);
	expect(JSON.stringify(trigger.staticData)).not.toContain(jwtKey);
	expect((await trigger.post(upsert, { Authorization: `Bearer ${token}` })).status).toBe(401);
});

test('with the API key changed while active, deactivation cannot restore, says why in n8n’s log, and works once the key is back', async () => {
	const instance = evolutionStateOf(gateway.state).instances.get(EVOLUTION_INSTANCE)!;
	const previous = { enabled: true, url: 'https://crm.example/evolution', events: ['MESSAGES_UPSERT'], headers: { Authorization: 'Bearer crm-token-3e7d' }, byEvents: false, base64: false };
	instance.webhook = { ...previous } as never;
	const credentials = { connection: 'evolution', baseUrl: gateway.url, session: EVOLUTION_INSTANCE, apiKey: TEST_API_KEY };
	trigger = await startTrigger({ credentials, parameters: { source: 'gateway', events: ['message'] } });
	await trigger.activate();

	const warn = jest.spyOn(Container.get(Logger), 'warn');
	gateway.state.apiKey = credentials.apiKey = 'rotated-evolution-key-0c9e';
	try {
		expect(await trigger.deactivate()).toBe(false);
		expect(instance.webhook).toMatchObject({ url: trigger.webhookUrl });
		const logged = warn.mock.calls.map(([message]) => String(message)).join('\n');
		expect(logged).toContain(`could not remove its webhook at the gateway: Invalid API Key "(hidden)": expected the API key the workflow was activated with`);
		expect(logged).not.toContain('rotated-evolution-key-0c9e');
		expect(logged).not.toContain(TEST_API_KEY);
		expect(logged).not.toContain('crm-token-3e7d');
	} finally {
		gateway.state.apiKey = credentials.apiKey = TEST_API_KEY;
		warn.mockRestore();
	}
	expect(await trigger.deactivate()).toBe(true);
	expect(instance.webhook).toMatchObject(previous);
});
