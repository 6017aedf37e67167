/**
 * The trigger event `message.ack` from the gateways' webhooks, through the trigger node in n8n's
 * real webhook contexts: WAHA's `message.ack` (ack numbers and names) and Evolution's
 * `MESSAGES_UPDATE` statuses of own messages become `{ status, from }` (the Sessions API's
 * generic body `{ event: "message.ack", … }` passes as sent); the server's own acks
 * start nothing; a repeat starts nothing; publishing subscribes the gateway to the event.
 */
import { createHmac } from 'node:crypto';
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { EVOLUTION_INSTANCE, EVOLUTION_OWN_JID, evolutionStateOf } from '../gateway-server/evolutionRoutes';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';
import { sessionsApiCredentials, wahaCredentials } from '../helpers/whatsAppChatsNode';

const jwt = require('jsonwebtoken') as { sign(payload: object, secret: string, options?: object): string };
const SECRET = 'ack-secret-for-tests';
const CUS = '919988066776@c.us';
const JID = '919988066776@s.whatsapp.net';
const GROUP = '120363000009@g.us';

let gateway: GatewayTestServer;
let trigger: TriggerUnderTest;
beforeAll(async () => (gateway = await GatewayTestServer.start()));
afterAll(async () => await gateway.close());
afterEach(async () => await trigger?.close());

const acks = () => trigger.executions.map(([item]) => item.json);

describe('WAHA message.ack', () => {
	let counter = 0;
	const deliver = async (payload: Record<string, unknown>) => {
		const body = { id: `evt_ack_${++counter}`, timestamp: Date.now(), event: 'message.ack', session: 'default', me: { id: '15550001111@c.us' }, payload, engine: 'WEBJS' };
		const raw = JSON.stringify(body);
		const headers = { 'X-Webhook-Hmac': createHmac('sha512', SECRET).update(raw).digest('hex'), 'X-Webhook-Hmac-Algorithm': 'sha512', 'X-Webhook-Timestamp': String(Date.now()) };
		expect((await trigger.post(undefined, headers, raw)).status).toBe(200);
		return body;
	};

	beforeEach(async () => {
		gateway.reset();
		gateway.state.sessionConfigs.clear();
		trigger = await startTrigger({ credentials: wahaCredentials(gateway, { webhookSecret: SECRET }), parameters: { source: 'gateway', events: ['message.ack'] } });
	});

	test('publishing subscribes the webhook to message.ack', async () => {
		await trigger.activate();
		const hooks = (gateway.state.sessionConfigs.get('default') as { webhooks: Array<{ url: string; events: string[] }> }).webhooks;
		expect(hooks.find((hook) => hook.url === trigger.webhookUrl)?.events).toEqual(['message.ack']);
	});

	test.each([
		[{ ack: 2, ackName: 'DEVICE' }, 'delivered'],
		[{ ack: 3, ackName: 'READ' }, 'read'],
		[{ ack: 4, ackName: 'PLAYED' }, 'played'],
		[{ ack: 3 }, 'read'],
		[{ ackName: 'PLAYED' }, 'played'],
	])('%j is %s, from the chat of the serialized id', async (ack, status) => {
		const id = `true_${CUS}_3EB0ACK${status}`;
		const body = await deliver({ id, from: CUS, participant: null, fromMe: true, ...ack });
		expect(acks()).toEqual([
			expect.objectContaining({ event: 'message.ack', session: 'default', chatId: CUS, phone: '919988066776', lid: null, messageId: id, fromMe: true, data: { status, from: CUS, fromPhone: '919988066776', fromLid: null }, raw: body }),
		]);
	});

	test('in a group, `from` is the member who read it; a repeat of the same ack starts nothing', async () => {
		const id = `true_${GROUP}_3EB0GRP1_15550001111@c.us`;
		await deliver({ id, from: GROUP, participant: '15550002222@c.us', fromMe: true, ack: 3, ackName: 'READ' });
		await deliver({ id, from: GROUP, participant: '15550002222@c.us', fromMe: true, ack: 3, ackName: 'READ' });
		expect(acks()).toEqual([expect.objectContaining({ chatId: GROUP, messageId: id, data: { status: 'read', from: '15550002222@c.us', fromPhone: '15550002222', fromLid: null } })]);
	});

	test.each([
		[{ ack: -1, ackName: 'ERROR' }],
		[{ ack: 0, ackName: 'PENDING' }],
		[{ ack: 1, ackName: 'SERVER' }],
	])('the server’s own %j starts nothing', async (ack) => {
		await deliver({ id: `true_${CUS}_3EB0SRV`, from: CUS, fromMe: true, ...ack });
		expect(acks()).toEqual([]);
	});

	test('Ignore Own Messages (on by default) does not drop acks: they are the recipient’s doing', async () => {
		await trigger.close();
		trigger = await startTrigger({
			credentials: wahaCredentials(gateway, { webhookSecret: SECRET }),
			parameters: { source: 'gateway', events: ['message.ack', 'message'], options: { ignoreOwnMessages: true } },
		});
		await deliver({ id: `true_${CUS}_3EB0OWN`, from: CUS, fromMe: true, ack: 3, ackName: 'READ' });
		expect(acks()).toHaveLength(1);
	});
});

describe('Evolution API MESSAGES_UPDATE', () => {
	const credentials = { connection: 'evolution', baseUrl: gateway?.url, session: EVOLUTION_INSTANCE, apiKey: TEST_API_KEY, webhookSecret: SECRET };
	let counter = 0;
	const deliver = async (data: Record<string, unknown>) => {
		const body = { event: 'messages.update', instance: EVOLUTION_INSTANCE, data, date_time: `2024-06-06T12:31:${String(++counter).padStart(2, '0')}.000Z`, sender: EVOLUTION_OWN_JID };
		const token = jwt.sign({ app: 'evolution' }, SECRET, { algorithm: 'HS256', expiresIn: 600 });
		expect((await trigger.post(body, { Authorization: `Bearer ${token}` })).status).toBe(200);
		return body;
	};
	const update = (status: string, extra: Record<string, unknown> = {}) => ({
		messageId: 'cmx1',
		keyId: '3EB0EVOACK1',
		remoteJid: JID,
		fromMe: true,
		participant: null,
		status,
		instanceId: 'b2c6a1de',
		...extra,
	});

	beforeEach(async () => {
		gateway.reset();
		trigger = await startTrigger({ credentials: { ...credentials, baseUrl: gateway.url }, parameters: { source: 'gateway', events: ['message.ack'] } });
	});

	test('publishing subscribes the instance webhook to MESSAGES_UPDATE', async () => {
		await trigger.activate();
		expect(evolutionStateOf(gateway.state).instances.get(EVOLUTION_INSTANCE)?.webhook).toMatchObject({ events: ['MESSAGES_UPDATE'] });
		await trigger.deactivate();
	});

	test.each([
		['DELIVERY_ACK', 'delivered'],
		['READ', 'read'],
		['PLAYED', 'played'],
	])('%s of an own message is %s', async (evolutionStatus, status) => {
		const body = await deliver(update(evolutionStatus));
		expect(acks()).toEqual([
			expect.objectContaining({ event: 'message.ack', session: EVOLUTION_INSTANCE, chatId: JID, phone: '919988066776', lid: null, messageId: '3EB0EVOACK1', fromMe: true, data: { status, from: JID, fromPhone: '919988066776', fromLid: null }, raw: body }),
		]);
	});

	test('in a group, `from` is the participant; the same receipt delivered again starts nothing', async () => {
		const groupRead = update('READ', { remoteJid: GROUP, keyId: '3EB0EVOGRP', participant: '15550002222@s.whatsapp.net' });
		await deliver(groupRead);
		await deliver(groupRead);
		expect(acks()).toEqual([expect.objectContaining({ chatId: GROUP, messageId: '3EB0EVOGRP', data: { status: 'read', from: '15550002222@s.whatsapp.net', fromPhone: '15550002222', fromLid: null } })]);
	});

	test('SERVER_ACK and PENDING (the server’s), and READ of a received message (this account reading) are no ack', async () => {
		await deliver(update('SERVER_ACK'));
		await deliver(update('PENDING'));
		await deliver(update('READ', { fromMe: false, keyId: '3EB0THEIRS' }));
		expect(acks()).toEqual([]);
	});
});

describe('Sessions API', () => {
	test('a `message.ack` body is the event, its data as sent; Ignore Own Messages keeps it', async () => {
		gateway.reset();
		trigger = await startTrigger({
			credentials: sessionsApiCredentials(gateway, { webhookSecret: 'shared-secret' }),
			parameters: { source: 'gateway', events: ['message.ack'], options: { ignoreOwnMessages: true } },
		});
		const body = { event: 'message.ack', chatId: JID, messageId: '3EB0SAPI1', fromMe: true, timestamp: 1_700_000_400, data: { status: 'read', from: JID } };
		expect((await trigger.post(body, { 'X-Webhook-Secret': 'shared-secret' })).status).toBe(200);
		expect(acks()).toEqual([expect.objectContaining({ event: 'message.ack', chatId: JID, messageId: '3EB0SAPI1', fromMe: true, data: { status: 'read', from: JID, fromPhone: '919988066776', fromLid: null }, raw: body })]);
	});
});
