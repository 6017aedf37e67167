/**
 * The `chat.label` trigger event from the gateways: WAHA's `label.chat.added` / `label.chat.deleted`
 * through n8n's real webhook context (signed), Evolution's `LABELS_ASSOCIATION` through its webhook
 * adapter, and the registrations asking each gateway for those events.
 */
import { createHmac } from 'node:crypto';
import { createEvolutionWebhooks } from '../../nodes/backends/evolution/EvolutionWebhooks';
import type { RegistrationState, WebhookDelivery } from '../../nodes/backends/WebhookAdapter';
import { GatewayHttpClient } from '../../nodes/transport/GatewayHttpClient';
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { EVOLUTION_INSTANCE, EVOLUTION_OWN_JID, evolutionStateOf } from '../gateway-server/evolutionRoutes';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';
import { wahaCredentials } from '../helpers/whatsAppChatsNode';

const SECRET = 'hmac-secret-for-label-tests';
const WAHA_CHAT = '919988066776@c.us';
const JID = '919988066776@s.whatsapp.net';
const URL = 'https://n8n.example.com/webhook/4f1c0b6e/whatsapp-chats';

let gateway: GatewayTestServer;
let trigger: TriggerUnderTest | undefined;
beforeAll(async () => (gateway = await GatewayTestServer.start()));
afterAll(async () => await gateway.close());
beforeEach(() => gateway.reset());
afterEach(async () => {
	await trigger?.close();
	trigger = undefined;
});

describe('WAHA label.chat.added / label.chat.deleted', () => {
	let counter = 0;
	const envelope = (event: string, payload: Record<string, unknown>) => ({
		id: `evt_label_${++counter}`,
		timestamp: Date.now(),
		event,
		session: 'default',
		me: { id: '15550001111@c.us' },
		payload,
		engine: 'WEBJS',
		environment: {},
	});

	async function deliver(body: unknown) {
		const raw = JSON.stringify(body);
		const hmac = createHmac('sha512', SECRET).update(raw).digest('hex');
		return await trigger!.post(undefined, { 'X-Webhook-Hmac': hmac, 'X-Webhook-Hmac-Algorithm': 'sha512', 'X-Webhook-Timestamp': String(Date.now()) }, raw);
	}

	test.each([
		['label.chat.added', true],
		['label.chat.deleted', false],
	])('%s becomes chat.label with the label named', async (event, added) => {
		trigger = await startTrigger({ credentials: wahaCredentials(gateway, { webhookSecret: SECRET }), parameters: { source: 'gateway', events: ['chat.label'] } });
		const body = envelope(event, { labelId: '3', chatId: WAHA_CHAT, label: { id: '3', name: 'Pending payment', color: 0, colorHex: '#ff9485' } });
		expect((await deliver(body)).status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0][0].json).toMatchObject({
			event: 'chat.label',
			session: 'default',
			chatId: WAHA_CHAT,
			phone: '919988066776',
			lid: null,
			data: { labelId: '3', labelName: 'Pending payment', added },
			raw: body,
		});
	});

	test('a label WAHA sends without its details keeps the id, labelName null; the same delivery twice starts one execution', async () => {
		trigger = await startTrigger({ credentials: wahaCredentials(gateway, { webhookSecret: SECRET }), parameters: { source: 'gateway' } });
		const body = envelope('label.chat.added', { labelId: '7', chatId: WAHA_CHAT, label: null });
		expect((await deliver(body)).status).toBe(200);
		expect((await deliver(body)).status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0][0].json).toMatchObject({ event: 'chat.label', data: { labelId: '7', labelName: null, added: true } });
	});

	test('a label on a chat WAHA names by its LID: the item names the LID (its phone number unknown, null)', async () => {
		trigger = await startTrigger({ credentials: wahaCredentials(gateway, { webhookSecret: SECRET }), parameters: { source: 'gateway' } });
		await deliver(envelope('label.chat.added', { labelId: '8', chatId: '184069530861739@lid', label: null }));
		expect(trigger.executions[0][0].json).toMatchObject({ event: 'chat.label', chatId: '184069530861739@lid', phone: null, lid: '184069530861739@lid', data: { labelId: '8', added: true } });
	});

	test('publishing for chat.label registers both WAHA label events', async () => {
		gateway.state.sessionConfigs.set('default', { webhooks: [] });
		trigger = await startTrigger({ credentials: wahaCredentials(gateway, { webhookSecret: SECRET }), parameters: { source: 'gateway', events: ['chat.label'] } });
		await trigger.activate();
		const [ours] = gateway.state.sessionConfigs.get('default')!.webhooks as Array<{ events: string[] }>;
		expect(ours.events).toEqual(['label.chat.added', 'label.chat.deleted']);
		await trigger.deactivate();
	});
});

describe('Evolution LABELS_ASSOCIATION', () => {
	const adapter = () =>
		createEvolutionWebhooks(
			new GatewayHttpClient('Evolution API', { baseUrl: gateway.url, apiKeyHeader: 'apikey', apiKey: TEST_API_KEY, timeoutMs: 5000, maxRetries: 0 }),
			EVOLUTION_INSTANCE,
			'evo-label-secret',
			TEST_API_KEY,
		);
	const delivery = (event: string, data: unknown): WebhookDelivery => {
		const body = { event, instance: EVOLUTION_INSTANCE, data, date_time: '2024-06-06T12:31:37.519Z', sender: EVOLUTION_OWN_JID };
		const rawBody = Buffer.from(JSON.stringify(body));
		return { headers: {}, rawBody, body: JSON.parse(rawBody.toString()) };
	};

	test.each([
		['add', true],
		['remove', false],
	])('%s becomes chat.label (Evolution names no label)', (type, added) => {
		const data = { instance: EVOLUTION_INSTANCE, type, chatId: JID, labelId: '2' };
		const events = adapter().toEvents(delivery('labels.association', data));
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({ event: 'chat.label', session: EVOLUTION_INSTANCE, chatId: JID, data: { labelId: '2', labelName: null, added } });
		expect(events[0].raw).toMatchObject({ event: 'labels.association', data });
	});

	test('the nested form of older releases and the upper-case event name work too; a body without chat or label is nothing', () => {
		const nested = { association: { type: 'label_jid', chatId: JID, labelId: 5 }, type: 'remove' };
		expect(adapter().toEvents(delivery('LABELS_ASSOCIATION', nested))).toMatchObject([{ event: 'chat.label', chatId: JID, data: { labelId: '5', added: false } }]);
		expect(adapter().toEvents(delivery('LABELS_ASSOCIATION', { type: 'add', labelId: '5' }))).toEqual([]);
		// Label edits are not a chat's change.
		expect(adapter().toEvents(delivery('LABELS_EDIT', { id: '5', name: 'VIP', color: 3 }))).toEqual([]);
	});

	test('registering for chat.label asks Evolution for LABELS_ASSOCIATION', async () => {
		const instance = evolutionStateOf(gateway.state).instances.get(EVOLUTION_INSTANCE)!;
		instance.webhook = null;
		const state: RegistrationState = {};
		await adapter().register(URL, ['chat.label', 'message'], state);
		const set = gateway.requests.find((request) => request.path.startsWith('/webhook/set'));
		expect((set?.body as { webhook: { events: string[] } }).webhook.events).toEqual(['LABELS_ASSOCIATION', 'MESSAGES_UPSERT']);
		await adapter().unregister(URL, state);
	});
});
