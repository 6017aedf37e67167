/**
 * The trigger with WAHA webhooks, through n8n's real webhook and hook contexts: signed deliveries
 * start executions with one event shape, forged / unsigned / stale ones get 401, repeats start
 * nothing, and activation edits only our own entry in the session's webhook list.
 */
import { createHmac } from 'node:crypto';
import { WahaWebhooks } from '../../nodes/backends/waha/WahaWebhooks';
import { GatewayHttpClient } from '../../nodes/transport/GatewayHttpClient';
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';
import { wahaCredentials } from '../helpers/whatsAppChatsNode';

const SECRET = 'hmac-secret-for-tests';
const CHAT = '919988066776@c.us';

let gateway: GatewayTestServer;
let trigger: TriggerUnderTest;
beforeAll(async () => (gateway = await GatewayTestServer.start()));
afterAll(async () => await gateway.close());
afterEach(async () => await trigger?.close());

async function start(options: Record<string, unknown> = {}, events?: string[]) {
	trigger = await startTrigger({
		credentials: wahaCredentials(gateway, { webhookSecret: SECRET }),
		parameters: { source: 'gateway', ...(events ? { events } : {}), options },
	});
	return trigger;
}

let eventCounter = 0;
function envelope(event: string, payload: Record<string, unknown>, timestamp = Date.now()) {
	return { id: `evt_${++eventCounter}`, timestamp, event, session: 'default', me: { id: '15550001111@c.us' }, payload, engine: 'NOWEB', environment: {} };
}

function signed(body: unknown, secret = SECRET) {
	const raw = JSON.stringify(body);
	const hmac = createHmac('sha512', secret).update(raw).digest('hex');
	return { raw, headers: { 'X-Webhook-Hmac': hmac, 'X-Webhook-Hmac-Algorithm': 'sha512', 'X-Webhook-Timestamp': String(Date.now()), 'X-Webhook-Request-Id': `req_${eventCounter}` } };
}

async function deliver(body: unknown, secret = SECRET) {
	const { raw, headers } = signed(body, secret);
	return await trigger.post(undefined, headers, raw);
}

describe('mapping WAHA events', () => {
	test.each([
		[
			'message',
			{ id: `false_${CHAT}_AAA1`, timestamp: 1_700_000_001, from: CHAT, fromMe: false, to: '15550001111@c.us', body: 'Order #123?', hasMedia: false },
			{ event: 'message', chatId: CHAT, messageId: `false_${CHAT}_AAA1`, fromMe: false, timestamp: 1_700_000_001, data: { text: 'Order #123?', from: CHAT, hasMedia: false } },
		],
		[
			'message.edited',
			{ id: `false_${CHAT}_EDIT1`, timestamp: 1_700_000_002, from: CHAT, fromMe: false, body: 'Order #124?', editedMessageId: `false_${CHAT}_AAA1` },
			{ event: 'message.edited', chatId: CHAT, messageId: `false_${CHAT}_AAA1`, data: { text: 'Order #124?' } },
		],
		[
			'message.revoked',
			{ revokedMessageId: 'AAA1', after: { id: `false_${CHAT}_REV1`, timestamp: 1_700_000_003, from: CHAT, fromMe: false } },
			{ event: 'message.revoked', chatId: CHAT, messageId: 'AAA1', fromMe: false, data: {} },
		],
		[
			'message.reaction',
			{ id: `false_${CHAT}_R1`, timestamp: 1_700_000_004, from: CHAT, fromMe: false, reaction: { text: '👍', messageId: `true_${CHAT}_MINE1` } },
			{ event: 'message.reaction', chatId: CHAT, messageId: `true_${CHAT}_MINE1`, data: { emoji: '👍', removed: false, reactionMessageId: `false_${CHAT}_R1` } },
		],
		[
			'chat.archive',
			{ id: CHAT, timestamp: 1_700_000_005, archived: true },
			{ event: 'chat.archive', chatId: CHAT, timestamp: 1_700_000_005, data: { archived: true } },
		],
		['session.status', { status: 'WORKING' }, { event: 'session.status', chatId: null, data: { status: 'WORKING' } }],
	])('%s', async (event, payload, expected) => {
		await start();
		const body = envelope(event, payload);
		const response = await deliver(body);
		expect(response.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0]).toHaveLength(1);
		expect(trigger.executions[0][0].json).toMatchObject({ session: 'default', ...expected, raw: body });
		expect(trigger.executions[0][0].json).not.toHaveProperty('dedupeKey');
	});

	test('events WAHA does not map (presence, the server’s own ack) start nothing', async () => {
		await start();
		expect((await deliver(envelope('presence.update', { id: CHAT }))).status).toBe(200);
		expect((await deliver(envelope('message.ack', { id: `true_${CHAT}_X1`, fromMe: true, ack: 1, ackName: 'SERVER' }))).status).toBe(200);
		expect(trigger.executions).toHaveLength(0);
	});
});

describe('signatures', () => {
	const message = () => envelope('message', { id: `false_${CHAT}_S${++eventCounter}`, from: CHAT, fromMe: false, body: 'hi' });

	test('a wrong HMAC is refused with 401', async () => {
		await start();
		const response = await deliver(message(), 'not-the-secret');
		expect(response).toEqual({ status: 401, body: { error: 'Invalid X-Webhook-Hmac signature' } });
		expect(trigger.executions).toHaveLength(0);
	});

	test('a missing HMAC is refused with 401', async () => {
		await start();
		const response = await trigger.post(message());
		expect(response).toEqual({ status: 401, body: { error: 'Missing X-Webhook-Hmac signature' } });
	});

	test('a body changed after signing is refused', async () => {
		await start();
		const { headers } = signed(message());
		const response = await trigger.post(undefined, headers, JSON.stringify(message()));
		expect(response.status).toBe(401);
	});

	test('a validly signed but stale delivery is refused as a replay', async () => {
		await start();
		const response = await deliver(envelope('message', { id: `false_${CHAT}_OLD`, from: CHAT, body: 'old' }, Date.now() - 6 * 60 * 1000));
		expect(response).toEqual({ status: 401, body: { error: 'Stale or undated webhook delivery refused' } });
	});

	test('a valid signature followed by junk is refused', async () => {
		await start();
		const body = message();
		const { raw, headers } = signed(body);
		for (const junk of ['zz', ' 00', 'ff', 'g']) {
			const response = await trigger.post(undefined, { ...headers, 'X-Webhook-Hmac': headers['X-Webhook-Hmac'] + junk }, raw);
			expect(response).toEqual({ status: 401, body: { error: 'Invalid X-Webhook-Hmac signature' } });
		}
		expect(trigger.executions).toHaveLength(0);
		expect((await trigger.post(undefined, { ...headers, 'X-Webhook-Hmac': headers['X-Webhook-Hmac'].toUpperCase() }, raw)).status).toBe(200);
	});

	test('without a secret in the credentials and before activation, nothing is accepted, not even a forged event dated 1970', async () => {
		trigger = await startTrigger({ credentials: wahaCredentials(gateway), parameters: { source: 'gateway' } });
		const forged = { ...message(), timestamp: 0 };
		expect(await trigger.post(forged)).toEqual({
			status: 401,
			body: {
				error: 'Unsigned webhook call refused: this trigger has no webhook secret yet. Deactivate and activate the workflow again so it registers a signed webhook, or set a Webhook Secret in the credentials',
			},
		});
		expect(trigger.executions).toHaveLength(0);
	});

	test('without a secret in the credentials, activation registers a generated one: unsigned and forged calls get 401, signed ones pass', async () => {
		gateway.state.sessionConfigs.set('default', { webhooks: [] });
		trigger = await startTrigger({ credentials: wahaCredentials(gateway), parameters: { source: 'gateway' } });
		expect(await trigger.activate()).toEqual({ existedBefore: false });
		const [ours] = gateway.state.sessionConfigs.get('default')!.webhooks as Array<{ url: string; hmac: { key: string } }>;
		expect(ours.url).toBe(trigger.webhookUrl);
		expect(ours.hmac.key).toMatch(/^[0-9a-f]{64}$/);
		expect(Object.values(trigger.staticData).map((node) => (node as { webhookSecret?: string }).webhookSecret)).toEqual([ours.hmac.key]);

		expect(await trigger.post(message())).toEqual({ status: 401, body: { error: 'Missing X-Webhook-Hmac signature' } });
		expect((await deliver({ ...message(), timestamp: 0 }, 'guessed')).status).toBe(401);
		expect(trigger.executions).toHaveLength(0);
		expect((await deliver(message(), ours.hmac.key)).status).toBe(200);
		expect(trigger.executions).toHaveLength(1);

		// Activated again (n8n restarted): the same registration, the same secret.
		expect(await trigger.activate()).toEqual({ existedBefore: true });
		expect(await trigger.deactivate()).toBe(true);
		expect(gateway.state.sessionConfigs.get('default')!.webhooks).toEqual([]);
		expect(JSON.stringify(trigger.staticData)).not.toContain(ours.hmac.key);
		expect((await deliver(message(), ours.hmac.key)).status).toBe(401);
	});
});

describe('duplicates and filters', () => {
	test('a retried delivery and message + message.any of one message start one execution', async () => {
		await start();
		const payload = { id: `false_${CHAT}_DUP1`, from: CHAT, fromMe: false, body: 'once' };
		const first = envelope('message', payload);
		await deliver(first);
		await deliver(first);
		await deliver(envelope('message.any', payload));
		expect(trigger.executions).toHaveLength(1);
	});

	test('own messages are ignored by default, and can be included', async () => {
		await start();
		await deliver(envelope('message.any', { id: `true_${CHAT}_OWN1`, from: '15550001111@c.us', to: CHAT, fromMe: true, body: 'sent by the workflow' }));
		expect(trigger.executions).toHaveLength(0);
		await trigger.close();
		await start({ ignoreOwnMessages: false });
		await deliver(envelope('message.any', { id: `true_${CHAT}_OWN2`, from: '15550001111@c.us', to: CHAT, fromMe: true, body: 'mine' }));
		expect(trigger.executions[0][0].json).toMatchObject({ chatId: CHAT, fromMe: true });
	});

	test('only the chosen events, chats and no groups', async () => {
		await start({ onlyChats: '+91 99880-66776, 120363000009@g.us', ignoreGroups: true }, ['message']);
		await deliver(envelope('chat.archive', { id: CHAT, archived: true, timestamp: 1 }));
		await deliver(envelope('message', { id: `false_15550009999@c.us_X1`, from: '15550009999@c.us', body: 'other chat' }));
		await deliver(envelope('message', { id: 'false_120363000009@g.us_X2_15550002222@c.us', from: '120363000009@g.us', participant: '15550002222@c.us', body: 'group' }));
		await deliver(envelope('message', { id: `false_${CHAT}_X3`, from: CHAT, body: 'wanted' }));
		expect(trigger.executions.map((items) => items[0].json.messageId)).toEqual([`false_${CHAT}_X3`]);
	});
});

describe('registration in the WAHA session', () => {
	const foreign = { url: 'https://crm.example/hooks/waha', events: ['message'], hmac: null };

	test('activation adds our webhook and keeps the others; deactivation removes only ours', async () => {
		gateway.state.sessionConfigs.set('default', { metadata: { team: 'support' }, webhooks: [foreign] });
		await start({}, ['message', 'chat.archive', 'message.reaction', 'chat.pin']);

		expect(await trigger.activate()).toEqual({ existedBefore: false });
		const config = gateway.state.sessionConfigs.get('default')!;
		expect(config.metadata).toEqual({ team: 'support' });
		expect(config.webhooks).toEqual([
			foreign,
			{ url: trigger.webhookUrl, events: ['message.any', 'chat.archive', 'message.reaction'], hmac: { key: SECRET }, retries: { attempts: 5, delaySeconds: 2 } },
		]);
		expect(trigger.webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook\/0c1d2e3f-0000-4000-8000-\d{12}\/whatsapp-chats$/);

		expect(await trigger.activate()).toEqual({ existedBefore: true });
		expect(gateway.state.sessionConfigs.get('default')!.webhooks).toHaveLength(2);

		expect(await trigger.deactivate()).toBe(true);
		expect(gateway.state.sessionConfigs.get('default')).toEqual({ metadata: { team: 'support' }, webhooks: [foreign] });
	});
});

describe('other sessions', () => {
	test('a delivery for another session answers 200 and starts nothing', async () => {
		await start();
		const other = { ...envelope('message', { id: `false_${CHAT}_SUPPORT1`, from: CHAT, fromMe: false, body: 'for support' }), session: 'support' };
		expect(await deliver(other)).toEqual({ status: 200, body: { message: 'Webhook call received' } });
		expect(trigger.executions).toHaveLength(0);
		await deliver(envelope('message', { id: `false_${CHAT}_DEFAULT1`, from: CHAT, fromMe: false, body: 'for us' }));
		expect(trigger.executions.map((items) => items[0].json.session)).toEqual(['default']);
	});
});

describe('de-duplication on WAHA’s event id', () => {
	test('a signed delivery replayed with the same event id starts nothing, whatever it carries', async () => {
		await start();
		const first = envelope('message', { id: `false_${CHAT}_REPLAY1`, from: CHAT, fromMe: false, body: 'pay invoice 42' });
		const { raw, headers } = signed(first);
		expect((await trigger.post(undefined, headers, raw)).status).toBe(200);
		expect((await trigger.post(undefined, { ...headers, 'X-Webhook-Request-Id': 'req_other' }, raw)).status).toBe(200);
		// Same event id, other content: a second delivery of WAHA's one event, not a new change.
		await deliver({ ...first, payload: { ...first.payload, id: `false_${CHAT}_REPLAY2` } });
		expect(trigger.executions).toHaveLength(1);
	});

	test('changes without an id of their own are told apart by the event id, and repeats of one event id start nothing', async () => {
		await start({}, ['session.status', 'message']);
		const timestamp = Date.now();
		const working = envelope('session.status', { status: 'WORKING' }, timestamp);
		const failed = envelope('session.status', { status: 'FAILED' }, timestamp);
		const workingAgain = envelope('session.status', { status: 'WORKING' }, timestamp);
		for (const body of [working, failed, workingAgain, working]) await deliver(body);
		expect(trigger.executions.map((items) => items[0].json.data)).toEqual([{ status: 'WORKING' }, { status: 'FAILED' }, { status: 'WORKING' }]);

		// Messages WAHA sends without a payload id are not all one message.
		await deliver(envelope('message', { from: CHAT, fromMe: false, body: 'first' }));
		await deliver(envelope('message', { from: CHAT, fromMe: false, body: 'second' }));
		expect(trigger.executions.slice(3).map((items) => items[0].json.data)).toMatchObject([{ text: 'first' }, { text: 'second' }]);
	});

	test('an envelope without an id is de-duplicated on X-Webhook-Request-Id', async () => {
		await start({}, ['session.status']);
		const { id: _id, ...body } = envelope('session.status', { status: 'STARTING' });
		const { raw, headers } = signed(body);
		await trigger.post(undefined, { ...headers, 'X-Webhook-Request-Id': 'req_same' }, raw);
		await trigger.post(undefined, { ...headers, 'X-Webhook-Request-Id': 'req_same' }, raw);
		expect(trigger.executions).toHaveLength(1);
	});
});

describe('registration races and lost registrations', () => {
	afterEach(() => (gateway.latencyMs = 0));

	const webhookUrls = () => ((gateway.state.sessionConfigs.get('default')?.webhooks ?? []) as Array<{ url: string }>).map((webhook) => webhook.url);

	test('two triggers activated at the same moment on one session both end up registered', async () => {
		gateway.state.sessionConfigs.set('default', { webhooks: [{ url: 'https://crm.example/hooks/waha', events: ['message'], hmac: null }] });
		// Every request takes a while, so both activations read the list before either writes it.
		gateway.latencyMs = 40;
		const first = await startTrigger({ credentials: wahaCredentials(gateway), parameters: { source: 'gateway', events: ['message'] } });
		const second = await startTrigger({ credentials: wahaCredentials(gateway), parameters: { source: 'gateway', events: ['message'] } });
		try {
			await Promise.all([first.activate(), second.activate()]);
			expect(webhookUrls().sort()).toEqual(['https://crm.example/hooks/waha', first.webhookUrl, second.webhookUrl].sort());
			expect(await first.activate()).toEqual({ existedBefore: true });
			expect(await second.activate()).toEqual({ existedBefore: true });
			await Promise.all([first.deactivate(), second.deactivate()]);
			expect(webhookUrls()).toEqual(['https://crm.example/hooks/waha']);
		} finally {
			await first.close();
			await second.close();
		}
	});

	test('registrations from several processes at once converge (write, read back, write again)', async () => {
		gateway.state.sessionConfigs.set('default', { webhooks: [] });
		gateway.latencyMs = 25;
		const http = () => new GatewayHttpClient('WAHA', { baseUrl: gateway.url, apiKeyHeader: 'X-Api-Key', apiKey: TEST_API_KEY, timeoutMs: 5000, maxRetries: 0 });
		// A queue of its own each, as in separate n8n processes: nothing in this process orders them.
		const processes = [1, 2, 3].map((n) => ({
			url: `https://n8n-${n}.example/webhook/${n}/whatsapp-chats`,
			hooks: new WahaWebhooks(http(), 'default', `secret-${n}`, `process-${n}`),
		}));
		await Promise.all(processes.map(({ url, hooks }) => hooks.register(url, ['message'], {})));
		expect(webhookUrls().sort()).toEqual(processes.map(({ url }) => url).sort());
		for (const { url, hooks } of processes) expect(await hooks.isRegistered(url, ['message'], {})).toBe(true);
		await Promise.all(processes.map(({ url, hooks }) => hooks.unregister(url, {})));
		expect(webhookUrls()).toEqual([]);
	});

	test('checkExists notices a registration that was lost or overwritten with another key, and activation makes it again', async () => {
		gateway.state.sessionConfigs.set('default', { webhooks: [] });
		await start({}, ['message']);
		expect(await trigger.activate()).toEqual({ existedBefore: false });
		const config = gateway.state.sessionConfigs.get('default')!;
		const ours = (config.webhooks as Array<Record<string, unknown>>)[0];

		// A stale writer put back an older entry of ours (unsigned, other events).
		config.webhooks = [{ ...ours, hmac: null, events: ['message.any', 'session.status'] }];
		expect(await trigger.activate()).toEqual({ existedBefore: false });
		expect(config.webhooks).toBeDefined();
		expect(gateway.state.sessionConfigs.get('default')!.webhooks).toEqual([ours]);

		// Lost altogether.
		gateway.state.sessionConfigs.set('default', { webhooks: [] });
		expect(await trigger.activate()).toEqual({ existedBefore: false });
		expect(gateway.state.sessionConfigs.get('default')!.webhooks).toEqual([ours]);

		// The events changed in the node: the registration no longer matches.
		await trigger.close();
		await start({}, ['message', 'message.revoked']);
		expect(await trigger.activate()).toEqual({ existedBefore: false });
	});
});
