/**
 * The trigger's side of Evolution API: its webhook deliveries (payloads as Evolution 2.3.6 builds
 * them) mapped to ChatEvents, its JWT (signed here with jsonwebtoken, the library Evolution signs
 * with) checked, and registration that keeps and restores the instance's one webhook, asserted on
 * the requests a loopback Evolution recorded.
 */
import { createEvolutionWebhooks, PREVIOUS_WEBHOOK } from '../../nodes/backends/evolution/EvolutionWebhooks';
import { InvalidInputError } from '../../nodes/backends/errors';
import { WebhookRejectedError, type RegistrationState, type WebhookAdapter, type WebhookDelivery } from '../../nodes/backends/WebhookAdapter';
import { GatewayHttpClient } from '../../nodes/transport/GatewayHttpClient';
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { EVOLUTION_INSTANCE, EVOLUTION_OWN_JID, evolutionStateOf, type EvolutionInstance } from '../gateway-server/evolutionRoutes';

// jsonwebtoken comes with n8n-core; Evolution signs its webhook tokens with the same library.
const jwt = require('jsonwebtoken') as {
	sign(payload: object, secret: string, options?: { algorithm?: string; header?: object }): string;
};

const SECRET = 'evo-webhook-secret-3b9f';
const INSTANCE_KEY = 'B6D711FCDE4D4FD5936544120E713976';
const CHAT = '919988066776@s.whatsapp.net';
const GROUP = '120363000009@g.us';
const URL = 'https://n8n.example.com/webhook/4f1c0b6e/whatsapp-chats';
const NOW_MS = 1_717_689_100_000;

let gateway: GatewayTestServer;
let instance: EvolutionInstance;
beforeAll(async () => {
	gateway = await GatewayTestServer.start();
	instance = evolutionStateOf(gateway.state).instances.get(EVOLUTION_INSTANCE)!;
});
afterAll(async () => await gateway.close());
beforeEach(() => {
	gateway.reset();
	instance.webhook = null;
});

function adapter(secret?: string, instanceName = EVOLUTION_INSTANCE): WebhookAdapter {
	const http = new GatewayHttpClient('Evolution API', { baseUrl: gateway.url, apiKeyHeader: 'apikey', apiKey: TEST_API_KEY, timeoutMs: 5000, maxRetries: 0 });
	return createEvolutionWebhooks(http, instanceName, secret, TEST_API_KEY);
}

/** A delivery as Evolution's webhook controller posts it. */
function delivery(event: string, data: unknown, extra: Record<string, unknown> = {}, headers: WebhookDelivery['headers'] = {}): WebhookDelivery {
	const body = {
		event,
		instance: EVOLUTION_INSTANCE,
		data,
		destination: URL,
		date_time: '2024-06-06T12:31:37.519Z',
		sender: EVOLUTION_OWN_JID,
		server_url: 'https://evolution.example.com',
		apikey: INSTANCE_KEY,
		...extra,
	};
	const rawBody = Buffer.from(JSON.stringify(body));
	return { headers, rawBody, body: JSON.parse(rawBody.toString()) };
}

const events = (event: string, data: unknown, extra?: Record<string, unknown>) => adapter().toEvents(delivery(event, data, extra));

describe('Evolution events become ChatEvents', () => {
	test('MESSAGES_UPSERT: a received text, without the instance key in raw', () => {
		const data = {
			key: { remoteJid: CHAT, fromMe: false, id: '3EB0C431C26A1916E07A' },
			pushName: 'Priya',
			status: 'DELIVERY_ACK',
			message: { conversation: 'Is the order ready?', messageContextInfo: {} },
			contextInfo: null,
			messageType: 'conversation',
			messageTimestamp: 1_717_689_097,
			instanceId: 'b2c6a1de-4f3e-4c9a-9b1e-6c2f0e7d1a11',
			source: 'android',
		};
		const [event, ...rest] = events('messages.upsert', data);
		expect(rest).toEqual([]);
		expect(event).toMatchObject({
			event: 'message',
			session: EVOLUTION_INSTANCE,
			chatId: CHAT,
			messageId: '3EB0C431C26A1916E07A',
			fromMe: false,
			timestamp: 1_717_689_097,
			data: { text: 'Is the order ready?', from: CHAT, hasMedia: false },
			dedupeKey: 'message:3EB0C431C26A1916E07A',
		});
		expect(event.raw).toMatchObject({ event: 'messages.upsert', instance: EVOLUTION_INSTANCE, data });
		expect(JSON.stringify(event)).not.toContain(INSTANCE_KEY);
	});

	test('MESSAGES_UPSERT: a group image names its sender; upper-case event names work too', () => {
		const data = {
			key: { remoteJid: GROUP, fromMe: false, id: 'ABCD1234', participant: '15550002222@s.whatsapp.net' },
			messageType: 'imageMessage',
			message: { imageMessage: { caption: 'look at this', mimetype: 'image/jpeg' } },
			messageTimestamp: 1_717_689_098,
		};
		expect(events('MESSAGES_UPSERT', data)).toMatchObject([
			{ event: 'message', chatId: GROUP, data: { text: 'look at this', from: '15550002222@s.whatsapp.net', hasMedia: true } },
		]);
	});

	test('MESSAGES_UPSERT: an own message from the phone is from this account', () => {
		const data = { key: { remoteJid: CHAT, fromMe: true, id: '3EB0OWN1' }, messageType: 'conversation', message: { conversation: 'yes' }, messageTimestamp: 1_717_689_099 };
		expect(events('messages.upsert', data)).toMatchObject([{ event: 'message', fromMe: true, data: { from: EVOLUTION_OWN_JID } }]);
	});

	test.each([
		['👍', false],
		['', true],
	])('MESSAGES_UPSERT: a reaction %j is message.reaction (removed: %s)', (emoji, removed) => {
		const data = {
			key: { remoteJid: CHAT, fromMe: false, id: '3EB0REACT01' },
			messageType: 'reactionMessage',
			message: { reactionMessage: { key: { remoteJid: CHAT, fromMe: true, id: '3EB0AAAA0001' }, text: emoji, senderTimestampMs: '1717689101000' } },
			messageTimestamp: 1_717_689_101,
		};
		expect(events('messages.upsert', data)).toEqual([
			expect.objectContaining({
				event: 'message.reaction',
				chatId: CHAT,
				messageId: '3EB0AAAA0001',
				fromMe: false,
				data: { emoji, removed, reactionMessageId: '3EB0REACT01', from: CHAT, fromPhone: '919988066776', fromLid: null },
				dedupeKey: 'reaction:3EB0REACT01',
			}),
		]);
	});

	test('MESSAGES_EDITED: an edit, with enum names or numbers', () => {
		const asName = { key: { remoteJid: CHAT, fromMe: true, id: '3EB0AAAA0001' }, type: 'MESSAGE_EDIT', editedMessage: { conversation: 'fixed typo' }, timestampMs: '1717689200123' };
		const asNumber = { ...asName, type: 14, editedMessage: { extendedTextMessage: { text: 'fixed typo' } } };
		for (const data of [asName, asNumber]) {
			expect(events('messages.edited', data)).toEqual([
				expect.objectContaining({
					event: 'message.edited',
					chatId: CHAT,
					messageId: '3EB0AAAA0001',
					timestamp: 1_717_689_200,
					data: { text: 'fixed typo' },
					dedupeKey: 'edited:3EB0AAAA0001:1717689200123',
				}),
			]);
		}
	});

	test('MESSAGES_EDITED: another person’s edit in a direct chat has our JID as remoteJid, so no chat is claimed', () => {
		const data = { key: { remoteJid: EVOLUTION_OWN_JID, fromMe: true, id: '3EB0THEIRS' }, type: 'MESSAGE_EDIT', editedMessage: { conversation: 'edited by them' } };
		expect(events('messages.edited', data)).toMatchObject([{ event: 'message.edited', chatId: null, messageId: '3EB0THEIRS' }]);
	});

	test.each(['REVOKE', 'APP_STATE_SYNC_KEY_SHARE', 'HISTORY_SYNC_NOTIFICATION'])('MESSAGES_EDITED: other protocol messages (%s) are not edits', (type) => {
		expect(events('messages.edited', { key: { remoteJid: CHAT, fromMe: false, id: '3EB0PROTO' }, type })).toEqual([]);
	});

	test('MESSAGES_DELETE: a revoke from Baileys and an API delete give the same revoke', () => {
		const fromBaileys = events('messages.delete', { remoteJid: CHAT, fromMe: false, id: '3EB0GONE01' });
		const fromApi = events('messages.delete', {
			id: 'cmx1y2z3',
			instanceId: 'b2c6a1de',
			key: { remoteJid: CHAT, fromMe: false, id: '3EB0GONE01' },
			messageType: 'conversation',
			status: 'DELETED',
			messageTimestamp: 1_717_689_000,
		});
		for (const list of [fromBaileys, fromApi]) {
			expect(list).toEqual([
				expect.objectContaining({ event: 'message.revoked', chatId: CHAT, messageId: '3EB0GONE01', fromMe: false, data: {}, dedupeKey: 'revoked:3EB0GONE01' }),
			]);
		}
	});

	test('MESSAGES_UPDATE: reading a received message is chat.read, the server’s own ack is nothing, DELETED is a revoke', () => {
		const update = (status: string, fromMe: boolean) => ({ keyId: '3EB0AAAA0002', remoteJid: CHAT, fromMe, participant: null, status, instanceId: 'b2c6a1de', messageId: 'cmx' });
		expect(events('messages.update', update('READ', false))).toEqual([
			expect.objectContaining({ event: 'chat.read', chatId: CHAT, data: {}, dedupeKey: `read:${CHAT}:2024-06-06T12:31:37` }),
		]);
		// Receipts of own messages are message.ack (test/webhooks/messageAck.test.ts); the server's own are nothing.
		expect(events('messages.update', update('SERVER_ACK', true))).toEqual([]);
		expect(events('messages.update', update('DELETED', true))).toMatchObject([{ event: 'message.revoked', messageId: '3EB0AAAA0002', fromMe: true }]);
	});

	test('CHATS_UPDATE: Evolution’s own payload says nothing that changed, so nothing is emitted', () => {
		expect(events('chats.update', [{ remoteJid: CHAT, instanceId: 'b2c6a1de' }])).toEqual([]);
	});

	test('CHATS_UPDATE: flags, when a version sends them, become chat events', () => {
		const list = events('chats.update', [
			{ remoteJid: CHAT, archived: true },
			{ remoteJid: GROUP, unreadCount: -1 },
			{ remoteJid: '15550003333@s.whatsapp.net', pinned: 1_717_689_000 },
			{ remoteJid: '15550004444@s.whatsapp.net', unreadCount: 0 },
		]);
		expect(list.map(({ event, chatId, data }) => ({ event, chatId, data }))).toEqual([
			{ event: 'chat.archive', chatId: CHAT, data: { archived: true } },
			{ event: 'chat.unread', chatId: GROUP, data: {} },
			{ event: 'chat.pin', chatId: '15550003333@s.whatsapp.net', data: { pinned: true } },
			{ event: 'chat.read', chatId: '15550004444@s.whatsapp.net', data: {} },
		]);
	});

	test('CHATS_DELETE: a list of JIDs, one event each', () => {
		expect(events('chats.delete', [CHAT, GROUP])).toEqual([
			expect.objectContaining({ event: 'chat.delete', chatId: CHAT, dedupeKey: `delete:${CHAT}:2024-06-06T12:31:37.519Z` }),
			expect.objectContaining({ event: 'chat.delete', chatId: GROUP }),
		]);
	});

	test('CONNECTION_UPDATE is session.status', () => {
		const data = { instance: EVOLUTION_INSTANCE, wuid: EVOLUTION_OWN_JID, profileName: 'Sales', state: 'open', statusReason: 200 };
		expect(events('connection.update', data)).toEqual([
			expect.objectContaining({ event: 'session.status', chatId: null, data: { status: 'open' }, dedupeKey: 'status:open:2024-06-06T12:31:37.519Z' }),
		]);
	});

	test('a retried delivery gives the same dedupe keys; other instances and events give nothing', () => {
		const data = { key: { remoteJid: CHAT, fromMe: false, id: '3EB0RETRY' }, message: { conversation: 'x' }, messageTimestamp: 1 };
		expect(events('messages.upsert', data)[0].dedupeKey).toBe(events('messages.upsert', data)[0].dedupeKey);
		expect(events('messages.upsert', data, { instance: 'another-instance' })).toEqual([]);
		expect(events('presence.update', { id: CHAT, presences: {} })).toEqual([]);
		expect(adapter().toEvents({ headers: {}, rawBody: Buffer.from('x'), body: 'x' })).toEqual([]);
	});
});

describe('the webhook JWT', () => {
	const nowSeconds = NOW_MS / 1000;
	/** Exactly what Evolution's generateJwtToken signs. */
	const evolutionToken = (secret = SECRET, iat = nowSeconds - 5, exp = iat + 600) =>
		jwt.sign({ iat, exp, app: 'evolution', action: 'webhook' }, secret, { algorithm: 'HS256' });
	const check = (authorization?: string | string[]) =>
		adapter(SECRET).verify(delivery('messages.upsert', {}, {}, authorization === undefined ? {} : { authorization }), NOW_MS);
	const rejection = (authorization?: string) => {
		try {
			check(authorization);
		} catch (error) {
			expect(error).toBeInstanceOf(WebhookRejectedError);
			expect((error as WebhookRejectedError).status).toBe(401);
			return (error as Error).message;
		}
		throw new Error('the delivery was accepted');
	};
	const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

	test('a token Evolution signed with the secret passes', () => {
		expect(() => check(`Bearer ${evolutionToken()}`)).not.toThrow();
		expect(() => check([`Bearer ${evolutionToken()}`])).not.toThrow();
	});

	test('a token expired less than the clock skew ago still passes', () => {
		expect(() => check(`Bearer ${evolutionToken(SECRET, nowSeconds - 630, nowSeconds - 30)}`)).not.toThrow();
	});

	test('without a secret in the credentials or a registration, every call is refused', () => {
		expect(() => adapter().verify(delivery('messages.upsert', {}), NOW_MS)).toThrow(
			'Unsigned webhook call refused: this trigger has no webhook secret yet. Deactivate and activate the workflow again so it registers a signed webhook, or set a Webhook Secret in the credentials',
		);
	});

	test('without a secret in the credentials, the registration generates one and calls must be signed with it', async () => {
		const state: RegistrationState = {};
		await adapter().register(URL, ['message'], state);
		const jwtKey = (instance.webhook?.headers as { jwt_key?: string }).jwt_key!;
		expect(jwtKey).toMatch(/^[0-9a-f]{64}$/);
		expect(state.webhookSecret).toBe(jwtKey);
		const verify = (authorization?: string) => adapter().verify(delivery('messages.upsert', {}, {}, authorization ? { authorization } : {}), NOW_MS, state);
		expect(() => verify(`Bearer ${evolutionToken(jwtKey)}`)).not.toThrow();
		expect(() => verify()).toThrow(WebhookRejectedError);
		expect(() => verify(`Bearer ${evolutionToken('guessed')}`)).toThrow('Invalid webhook token signature');
		await adapter().unregister(URL, state);
		expect(state).toEqual({});
	});

	test.each([
		['missing', undefined, 'Missing "Authorization: Bearer" token; the webhook is not from your Evolution API instance'],
		['not a bearer token', 'Basic dXNlcjpwYXNz', 'Missing "Authorization: Bearer" token; the webhook is not from your Evolution API instance'],
		['malformed', 'Bearer abc.def', 'Malformed webhook token'],
	])('%s is refused', (_case, authorization, message) => {
		expect(rejection(authorization)).toBe(message);
	});

	test('signed with another secret is refused', () => {
		expect(rejection(`Bearer ${evolutionToken('someone-elses-secret')}`)).toBe('Invalid webhook token signature; check the Webhook Secret in the credentials');
	});

	test('a changed payload is refused', () => {
		const [header, , signature] = evolutionToken().split('.');
		const forged = b64({ iat: nowSeconds, exp: nowSeconds + 60 * 60 * 24 * 365, app: 'evolution', action: 'webhook' });
		expect(rejection(`Bearer ${header}.${forged}.${signature}`)).toBe('Invalid webhook token signature; check the Webhook Secret in the credentials');
	});

	test('an expired token is refused', () => {
		expect(rejection(`Bearer ${evolutionToken(SECRET, nowSeconds - 700, nowSeconds - 100)}`)).toBe('Webhook token has expired');
	});

	test('a token from the future is refused', () => {
		expect(rejection(`Bearer ${evolutionToken(SECRET, nowSeconds + 600)}`)).toBe('Webhook token is not valid yet; check the clocks of Evolution API and n8n');
	});

	test('alg "none" and tokens without expiry are refused', () => {
		const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iat: nowSeconds, exp: nowSeconds + 600 })}.AAAA`;
		expect(rejection(`Bearer ${unsigned}`)).toBe('Unsupported webhook token algorithm "none"');
		const eternal = jwt.sign({ iat: nowSeconds, app: 'evolution' }, SECRET, { algorithm: 'HS256' });
		expect(rejection(`Bearer ${eternal}`)).toBe('Webhook token has no expiry');
	});

	test('the secret registered as jwt_key signs tokens the trigger accepts', async () => {
		await adapter(SECRET).register(URL, ['message'], {});
		const jwtKey = (instance.webhook?.headers as { jwt_key?: string }).jwt_key!;
		expect(() => check(`Bearer ${evolutionToken(jwtKey)}`)).not.toThrow();
	});
});

describe('registering the webhook', () => {
	const PATH_FIND = `/webhook/find/${EVOLUTION_INSTANCE}`;
	const PATH_SET = `/webhook/set/${EVOLUTION_INSTANCE}`;
	const wire = () => gateway.requests.map((request) => `${request.method} ${request.path}`);
	const crmWebhook = () => ({
		id: 'cmcrm0001',
		url: 'https://crm.example.com/hooks/evolution',
		headers: { Authorization: 'Bearer crm-token' },
		enabled: true,
		events: ['MESSAGES_UPSERT', 'SEND_MESSAGE'],
		webhookByEvents: true,
		webhookBase64: true,
		createdAt: '2024-01-01T00:00:00.000Z',
		updatedAt: '2024-01-01T00:00:00.000Z',
		instanceId: 'b2c6a1de',
	});

	test('with no webhook before: set ours, then switch it off again', async () => {
		const hooks = adapter(SECRET);
		const state: RegistrationState = {};
		await hooks.register(URL, ['message', 'message.reaction', 'message.edited', 'chat.delete', 'session.status'], state);
		expect(wire()).toEqual([`GET ${PATH_FIND}`, `POST ${PATH_SET}`]);
		expect(gateway.requests.every((request) => request.headers.apikey === TEST_API_KEY)).toBe(true);
		expect(gateway.requests[1].body).toEqual({
			webhook: {
				enabled: true,
				url: URL,
				events: ['MESSAGES_UPSERT', 'MESSAGES_EDITED', 'CHATS_DELETE', 'CONNECTION_UPDATE'],
				headers: { jwt_key: SECRET },
				byEvents: false,
				base64: false,
			},
		});
		expect(state).toEqual({ [PREVIOUS_WEBHOOK]: null });
		expect(await hooks.isRegistered(URL)).toBe(true);

		gateway.reset();
		await hooks.unregister(URL, state);
		expect(wire()).toEqual([`GET ${PATH_FIND}`, `POST ${PATH_SET}`]);
		expect(gateway.requests[1].body).toEqual({ webhook: { enabled: false, url: URL, events: [], headers: {}, byEvents: false, base64: false } });
		expect(state).toEqual({});
		expect(await hooks.isRegistered(URL)).toBe(false);
	});

	test('an existing webhook is kept in the state and restored as it was', async () => {
		instance.webhook = crmWebhook();
		const hooks = adapter();
		const state: RegistrationState = {};
		await hooks.register(URL, ['message.revoked', 'chat.read'], state);
		const previous = {
			enabled: true,
			url: 'https://crm.example.com/hooks/evolution',
			events: ['MESSAGES_UPSERT', 'SEND_MESSAGE'],
			headers: { Authorization: 'Bearer crm-token' },
			byEvents: true,
			base64: true,
		};
		// Kept sealed: the CRM's token is not readable in the workflow's static data.
		expect(state[PREVIOUS_WEBHOOK]).toMatchObject({ sealed: 'aes-256-gcm+scrypt' });
		expect(JSON.stringify(state)).not.toContain('crm-token');
		expect(JSON.stringify(state)).not.toContain('crm.example.com');
		const generated = state.webhookSecret as string;
		expect(gateway.requests[1].body).toEqual({
			webhook: { enabled: true, url: URL, events: ['MESSAGES_DELETE', 'MESSAGES_UPDATE', 'CHATS_UPDATE'], headers: { jwt_key: generated }, byEvents: false, base64: false },
		});
		// The CRM's token must not be sent to n8n: Evolution keeps stored headers unless told otherwise.
		expect(instance.webhook).toMatchObject({ url: URL, headers: { jwt_key: generated }, webhookByEvents: false });

		gateway.reset();
		await hooks.unregister(URL, state);
		expect(wire()).toEqual([`GET ${PATH_FIND}`, `POST ${PATH_SET}`]);
		expect(gateway.requests[1].body).toEqual({ webhook: previous });
		expect(instance.webhook).toMatchObject({ ...crmWebhook(), createdAt: expect.any(String), updatedAt: expect.any(String) });
	});

	test('registering again (e.g. after a restart) keeps the webhook from before the first time', async () => {
		instance.webhook = crmWebhook();
		const hooks = adapter();
		const state: RegistrationState = {};
		await hooks.register(URL, ['message'], state);
		await hooks.register(URL, ['message', 'chat.delete'], state);
		await hooks.unregister(URL, state);
		expect(instance.webhook?.url).toBe('https://crm.example.com/hooks/evolution');
	});

	test('the kept webhook opens only with the API key it was sealed with; a failed restore can be repeated', async () => {
		instance.webhook = crmWebhook();
		const state: RegistrationState = {};
		await adapter().register(URL, ['message'], state);
		const http = new GatewayHttpClient('Evolution API', { baseUrl: gateway.url, apiKeyHeader: 'apikey', apiKey: TEST_API_KEY, timeoutMs: 5000, maxRetries: 0 });
		const otherKey = createEvolutionWebhooks(http, EVOLUTION_INSTANCE, undefined, 'a-rotated-api-key');
		const failure = otherKey.unregister(URL, state);
		await expect(failure).rejects.toThrow(InvalidInputError);
		await expect(otherKey.unregister(URL, state)).rejects.toThrow(
			`the API key the workflow was activated with: the webhook to restore on instance "${EVOLUTION_INSTANCE}" cannot be read with the current credentials`,
		);
		expect(instance.webhook?.url).toBe(URL);
		expect(state[PREVIOUS_WEBHOOK]).toMatchObject({ sealed: 'aes-256-gcm+scrypt' });
		await adapter().unregister(URL, state);
		expect(instance.webhook).toMatchObject({ url: 'https://crm.example.com/hooks/evolution', headers: { Authorization: 'Bearer crm-token' } });
	});

	test('a webhook kept in plain text by an older version is sealed on the next registration, and still restored', async () => {
		const previous = { enabled: true, url: 'https://crm.example.com/hooks/evolution', events: ['MESSAGES_UPSERT'], headers: { Authorization: 'Bearer crm-token' }, byEvents: false, base64: false };
		// Our webhook is set (by the older version, which kept the CRM's in plain text).
		instance.webhook = { ...crmWebhook(), url: URL, headers: {}, events: ['MESSAGES_UPSERT'] };
		const state: RegistrationState = { [PREVIOUS_WEBHOOK]: previous };
		await adapter(SECRET).register(URL, ['message'], state);
		expect(state[PREVIOUS_WEBHOOK]).toMatchObject({ sealed: 'aes-256-gcm+scrypt' });
		expect(JSON.stringify(state)).not.toContain('crm-token');
		await adapter(SECRET).unregister(URL, state);
		expect(gateway.requests.at(-1)?.body).toEqual({ webhook: previous });
	});

	test('a webhook someone set after ours is left alone', async () => {
		const hooks = adapter();
		const state: RegistrationState = {};
		await hooks.register(URL, ['message'], state);
		instance.webhook = crmWebhook();
		gateway.reset();
		await hooks.unregister(URL, state);
		expect(wire()).toEqual([`GET ${PATH_FIND}`]);
		expect(instance.webhook?.url).toBe('https://crm.example.com/hooks/evolution');
		expect(state).toEqual({});
	});

	test('events Evolution does not report are refused before any request', async () => {
		await expect(adapter().register(URL, ['message.star'], {})).rejects.toThrow(InvalidInputError);
		await expect(adapter().register(URL, ['message.star'], {})).rejects.toThrow(/Invalid Events "message\.star": expected at least one event Evolution API reports/);
		expect(gateway.requests).toHaveLength(0);
	});

	test('an unknown instance is named', async () => {
		await expect(adapter(undefined, 'ghost').register(URL, ['message'], {})).rejects.toThrow(
			'Evolution API does not know the instance "ghost": The "ghost" instance does not exist',
		);
	});
});
