/**
 * "Listen for test event" as n8n runs it, in n8n-core's real WorkflowExecute (manual mode):
 * - gateway trigger: n8n's test webhook hands the webhook's items to a manual execution that
 *   starts at the trigger node (as the cli's TestWebhooks does); the run must end with those items
 *   as the trigger's output, for a signed WAHA post, a Sessions API post and an Evolution post;
 * - embedded trigger: the manual execution runs trigger() and ends at the first inbound message,
 *   then closes the listener (the shared connection is released).
 */
import { createHmac } from 'node:crypto';
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import { WhatsAppChatsApi } from '../../credentials/WhatsAppChatsApi.credentials';
import { configureEmbedded } from '../../nodes/backends/embedded/settings';
import { WhatsAppChatsEmbeddedTrigger } from '../../nodes/WhatsAppChatsEmbeddedTrigger/WhatsAppChatsEmbeddedTrigger.node';
import { WhatsAppChatsTrigger } from '../../nodes/WhatsAppChatsTrigger/WhatsAppChatsTrigger.node';
import { eventually, startWorld, type EmbeddedWorld } from '../embedded/world';
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { EVOLUTION_INSTANCE } from '../gateway-server/evolutionRoutes';
import { runWorkflow, type RunWorkflowResult } from '../helpers/n8nEngine';
import { EMBEDDED_TRIGGER_TYPE, startTrigger, TRIGGER_TYPE } from '../helpers/n8nTrigger';
import { sessionsApiCredentials, wahaCredentials } from '../helpers/whatsAppChatsNode';

const jwt = require('jsonwebtoken') as { sign(payload: object, secret: string, options?: object): string };

jest.setTimeout(30_000);

const SECRET = 'listen-test-secret';
const CHAT = '919988066776@c.us';
const TRIGGER_NAME = 'WhatsApp Chats Trigger';

/** Fails instead of hanging: before the fix a manual run of the gateway trigger never ended. */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
	});
	try {
		return await Promise.race([work, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

const triggerNode = (type: string, parameters: IDataObject = {}): INode => ({
	id: 'listen-trigger',
	name: TRIGGER_NAME,
	type,
	typeVersion: 1,
	position: [0, 0],
	webhookId: '5b0c3f4e-1111-4000-8000-000000000001',
	parameters: parameters as INode['parameters'],
});

/** What TestWebhooks does once the webhook answered: a manual execution starting at the trigger with its items. */
async function runTestExecution(items: INodeExecutionData[], credentials: IDataObject): Promise<RunWorkflowResult> {
	return await within(
		5000,
		'the manual execution of the webhook trigger',
		runWorkflow({
			nodes: [triggerNode(TRIGGER_TYPE)],
			connections: {},
			nodeTypes: { [TRIGGER_TYPE]: new WhatsAppChatsTrigger() },
			credentials: { whatsAppChatsApi: credentials as never },
			credentialTypes: { whatsAppChatsApi: new WhatsAppChatsApi() },
			startNode: TRIGGER_NAME,
			input: items,
			mode: 'manual',
		}),
	);
}

describe('gateway trigger: the test webhook call ends the manual run with its event', () => {
	let gateway: GatewayTestServer;
	beforeAll(async () => (gateway = await GatewayTestServer.start()));
	afterAll(async () => await gateway.close());

	test('the node type is a webhook node only, so n8n never waits for an emit', () => {
		const type = new WhatsAppChatsTrigger() as unknown as Record<string, unknown>;
		expect(typeof type.webhook).toBe('function');
		expect(type.trigger).toBeUndefined();
		expect(type.poll).toBeUndefined();
	});

	const cases: Array<[string, () => IDataObject, () => { body: unknown; raw?: string; headers: Record<string, string> }, IDataObject]> = [
		[
			'a signed WAHA post',
			() => wahaCredentials(gateway, { webhookSecret: SECRET }),
			() => {
				const body = {
					id: 'evt_listen_1',
					timestamp: Date.now(),
					event: 'message',
					session: 'default',
					me: { id: '15550001111@c.us' },
					payload: { id: `false_${CHAT}_LISTEN1`, timestamp: 1_700_000_001, from: CHAT, fromMe: false, body: 'test event', hasMedia: false },
				};
				const raw = JSON.stringify(body);
				const hmac = createHmac('sha512', SECRET).update(raw).digest('hex');
				return { body, raw, headers: { 'X-Webhook-Hmac': hmac, 'X-Webhook-Hmac-Algorithm': 'sha512', 'X-Webhook-Timestamp': String(Date.now()) } };
			},
			{ event: 'message', chatId: CHAT, messageId: `false_${CHAT}_LISTEN1`, data: { text: 'test event', from: CHAT, fromPhone: '919988066776', fromLid: null, hasMedia: false } },
		],
		[
			'a Sessions API post',
			() => sessionsApiCredentials(gateway, { webhookSecret: SECRET }),
			() => ({
				body: { event: 'message', chatId: '919988066776@s.whatsapp.net', messageId: 'LISTEN2', fromMe: false, timestamp: 1_700_000_002, data: { text: 'test event' } },
				headers: { 'X-Webhook-Secret': SECRET },
			}),
			{ event: 'message', chatId: '919988066776@s.whatsapp.net', messageId: 'LISTEN2' },
		],
		[
			'an Evolution post',
			() => ({ connection: 'evolution', baseUrl: gateway.url, session: EVOLUTION_INSTANCE, apiKey: TEST_API_KEY, webhookSecret: SECRET }),
			() => ({
				body: {
					event: 'messages.upsert',
					instance: EVOLUTION_INSTANCE,
					data: {
						key: { remoteJid: '919988066776@s.whatsapp.net', fromMe: false, id: '3EB0LISTEN3' },
						message: { conversation: 'test event' },
						messageType: 'conversation',
						messageTimestamp: 1_700_000_003,
					},
				},
				headers: { Authorization: `Bearer ${jwt.sign({ app: 'evolution' }, SECRET, { algorithm: 'HS256', expiresIn: 600 })}` },
			}),
			{ event: 'message', chatId: '919988066776@s.whatsapp.net', messageId: '3EB0LISTEN3', data: expect.objectContaining({ text: 'test event' }) },
		],
	];

	test.each(cases)('%s appears as the trigger output of the manual run', async (_name, credentials, delivery, expected) => {
		const webhook = await startTrigger({ credentials: credentials(), parameters: {} });
		try {
			const { body, raw, headers } = delivery();
			expect((await webhook.post(body, headers, raw)).status).toBe(200);
			expect(webhook.executions).toHaveLength(1);
			const result = await runTestExecution(webhook.executions[0], credentials());
			expect(result.status).toBe('success');
			expect(result.json(TRIGGER_NAME)).toEqual([expect.objectContaining(expected)]);
		} finally {
			await webhook.close();
		}
	});

	test('credentials for the embedded connection fail at once when listening starts, naming the node to use', async () => {
		const webhook = await startTrigger({ credentials: { connection: 'embedded', session: 'default' }, parameters: {} });
		try {
			await expect(webhook.activate()).rejects.toThrow(/Embedded \(Baileys\).*WhatsApp Chats Embedded Trigger/);
		} finally {
			await webhook.close();
		}
	});
});

describe('embedded trigger: a manual run ends at the first inbound message and stops listening', () => {
	let world: EmbeddedWorld;
	beforeAll(async () => {
		world = await startWorld();
		configureEmbedded({ lingerMs: 100 });
	});
	afterAll(async () => await world?.close());

	test('an inbound message is the trigger output; the connection is released after the run', async () => {
		const run = runWorkflow({
			nodes: [triggerNode(EMBEDDED_TRIGGER_TYPE)],
			connections: {},
			nodeTypes: { [EMBEDDED_TRIGGER_TYPE]: new WhatsAppChatsEmbeddedTrigger() },
			credentials: { whatsAppChatsApi: world.credentials as never },
			credentialTypes: { whatsAppChatsApi: new WhatsAppChatsApi() },
			startNode: TRIGGER_NAME,
			mode: 'manual',
		});
		await eventually(() => world.wa.openConnections === 1, 10_000, 'the manual run to connect');
		const injected = await world.wa.injectMessage({ chat: '15554000007@s.whatsapp.net', text: 'test event' });
		const result = await within(5000, 'the manual run of the embedded trigger', run);
		expect(result.status).toBe('success');
		expect(result.json(TRIGGER_NAME)).toEqual([expect.objectContaining({ event: 'message', messageId: injected.key.id, data: expect.objectContaining({ text: 'test event' }) })]);
		await eventually(() => world.wa.openConnections === 0, 5000, 'the listener to release the connection');
	});

	test('gateway credentials fail at once with the node to use', async () => {
		const result = await within(
			5000,
			'the manual run with gateway credentials',
			runWorkflow({
				nodes: [triggerNode(EMBEDDED_TRIGGER_TYPE)],
				connections: {},
				nodeTypes: { [EMBEDDED_TRIGGER_TYPE]: new WhatsAppChatsEmbeddedTrigger() },
				credentials: { whatsAppChatsApi: { connection: 'waha', baseUrl: 'http://127.0.0.1:9', session: 'default' } },
				credentialTypes: { whatsAppChatsApi: new WhatsAppChatsApi() },
				startNode: TRIGGER_NAME,
				mode: 'manual',
			}),
		);
		expect(result.status).toBe('error');
		expect(result.errorOf(TRIGGER_NAME)?.message).toMatch(/credentials connect to WAHA/);
		expect(result.errorOf(TRIGGER_NAME)?.description).toMatch(/WhatsApp Chats Trigger node/);
	});
});
