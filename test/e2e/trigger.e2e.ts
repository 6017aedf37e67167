/**
 * Stage 4 (gateway half) in a real `n8n start`: the four example workflows of examples/ are
 * imported with the n8n CLI, published with `n8n publish:workflow`, and n8n is started. On start
 * n8n activates them: the WhatsApp Chats Trigger registers its webhook URL at the (loopback) WAHA
 * gateway. The test then delivers WAHA webhooks to exactly the URLs n8n registered, signed like
 * WAHA signs them, and reads the executions back through n8n's REST API; the WhatsApp Chats nodes
 * in the examples act on the gateway.
 */
import { createHmac } from 'node:crypto';
import type { IDataObject, INode } from 'n8n-workflow';
import { importCredentials, importWorkflows, prepareUserFolder, publishWorkflow } from '../../scripts/n8n/e2e';
import { request, startN8nServer, type ExecutionDetails, type RestSession, type RunningN8n } from '../../scripts/n8n/server';
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { labelStateOf } from '../gateway-server/labelState';
import { example, freshUserFolder, logTiming, requireN8n, TRIGGER_TYPE, wahaCredential, WEBHOOK_SECRET, withCredential } from './helpers/e2e';

const CHAT = '919988066776@c.us';
const CHAT_PATH = '919988066776%40c.us';
const ME = '15550001111@c.us';

const EXAMPLES = {
	archive: { id: 'e2eExArchive0001', file: 'auto-archive-after-reply.json' },
	react: { id: 'e2eExReact000001', file: 'react-to-keyword.json' },
	star: { id: 'e2eExStarOrder01', file: 'star-order-messages.json' },
	label: { id: 'e2eExLabelAck001', file: 'label-and-acknowledge-new-chats.json' },
} as const;
type ExampleKey = keyof typeof EXAMPLES;

let gateway: GatewayTestServer;
let n8n: RunningN8n | undefined;
let rest: RestSession;
/** The webhook URL n8n registered at WAHA for each example. */
const webhookUrl = {} as Record<ExampleKey, string>;

beforeAll(async () => {
	requireN8n();
	const timings: Record<string, number> = {};
	let t = Date.now();
	gateway = await GatewayTestServer.start();
	const userFolder = prepareUserFolder({ userFolder: freshUserFolder('trigger') });
	const credential = wahaCredential(gateway);
	await importCredentials([credential], { userFolder });
	timings['import:credentials'] = Date.now() - t;

	t = Date.now();
	const workflows = Object.values(EXAMPLES).map(({ id, file }) => withCredential(example(file), credential, id));
	await importWorkflows(workflows, { userFolder });
	timings['import:workflow (4)'] = Date.now() - t;

	t = Date.now();
	for (const { id } of Object.values(EXAMPLES)) await publishWorkflow(id, { userFolder });
	timings['publish:workflow (4)'] = Date.now() - t;

	t = Date.now();
	n8n = await startN8nServer({ userFolder });
	timings['n8n start (ready)'] = Date.now() - t;
	rest = await n8n.ownerSession();

	// activation: each trigger adds its own entry to the WAHA session's webhook list
	t = Date.now();
	const webhooks = await waitForRegistrations(Object.keys(EXAMPLES).length);
	for (const [key, { file }] of Object.entries(EXAMPLES) as Array<[ExampleKey, (typeof EXAMPLES)[ExampleKey]]>) {
		const trigger = example(file).nodes.find((node: INode) => node.type === TRIGGER_TYPE)!;
		const entry = webhooks.find((webhook) => String(webhook.url).includes(`/${trigger.webhookId}/`));
		if (!entry) throw new Error(`no webhook registered for ${file}: ${JSON.stringify(webhooks)}`);
		webhookUrl[key] = String(entry.url);
	}
	timings['activation'] = Date.now() - t;
	logTiming('trigger', timings);
});

afterAll(async () => {
	await n8n?.stop();
	await gateway?.close();
});

async function waitForRegistrations(count: number): Promise<IDataObject[]> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const webhooks = gateway.state.sessionConfigs.get('default')?.webhooks;
		if (Array.isArray(webhooks) && webhooks.length >= count) return webhooks as IDataObject[];
		if (Date.now() > deadline) {
			throw new Error(`n8n registered ${JSON.stringify(webhooks)} at WAHA, expected ${count} webhooks\n${n8n?.output().slice(-3000)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

let counter = 0;
function incoming(text: string, fromMe = false): { body: IDataObject; messageId: string } {
	const messageId = `${fromMe}_${CHAT}_E2E${Date.now()}${++counter}`;
	const payload = fromMe
		? { id: messageId, timestamp: Math.floor(Date.now() / 1000), from: ME, to: CHAT, fromMe: true, body: text, hasMedia: false }
		: { id: messageId, timestamp: Math.floor(Date.now() / 1000), from: CHAT, to: ME, fromMe: false, body: text, hasMedia: false };
	return {
		messageId,
		body: { id: `evt_e2e_${counter}`, timestamp: Date.now(), event: 'message.any', session: 'default', me: { id: ME }, payload, engine: 'NOWEB', environment: {} },
	};
}

/** Delivers like WAHA: raw JSON body, X-Webhook-Hmac = hex HMAC-SHA512 of it with the session's key. */
async function deliver(key: ExampleKey, body: IDataObject, secret = WEBHOOK_SECRET) {
	const raw = JSON.stringify(body);
	return await request('POST', webhookUrl[key], {
		body: raw,
		headers: {
			'content-type': 'application/json',
			'X-Webhook-Hmac': createHmac('sha512', secret).update(raw).digest('hex'),
			'X-Webhook-Hmac-Algorithm': 'sha512',
			'X-Webhook-Timestamp': String(Date.now()),
			'X-Webhook-Request-Id': `req_e2e_${counter}`,
		},
	});
}

/** Waits until the workflow has at least `count` executions, all finished; returns them with run data. */
async function finishedExecutions(key: ExampleKey, count: number): Promise<ExecutionDetails[]> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const list = await rest.executions(EXAMPLES[key].id);
		if (list.length >= count && list.every((execution) => execution.finished || (execution.status !== 'running' && execution.status !== 'new'))) {
			const details = await Promise.all(list.map((execution) => rest.execution(execution.id)));
			return details;
		}
		if (Date.now() > deadline) throw new Error(`expected ${count} finished executions of ${key}, have ${JSON.stringify(list)}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

const outputOf = (execution: ExecutionDetails, node: string) =>
	(execution.data.resultData.runData[node]?.[0]?.data?.main?.[0] ?? []).map((item) => item.json);

/** The execution the given WAHA message started (matched on the trigger's output, not on order). */
function startedBy(executions: ExecutionDetails[], messageId: string): ExecutionDetails {
	const found = executions.filter((execution) => outputOf(execution, 'WhatsApp Chats Trigger').some((event) => event.messageId === messageId));
	expect(found).toHaveLength(1);
	return found[0];
}

const requestsTo = (method: string, path: string) => gateway.requests.filter((r) => r.method === method && r.path === path);

test('publishing + n8n start registers each trigger at WAHA: its own URL, message events, the HMAC key', () => {
	const webhooks = gateway.state.sessionConfigs.get('default')?.webhooks as IDataObject[];
	expect(webhooks).toHaveLength(Object.keys(EXAMPLES).length);
	for (const key of Object.keys(EXAMPLES) as ExampleKey[]) {
		expect(webhookUrl[key]).toMatch(new RegExp(`^${n8n!.baseUrl}/webhook/[0-9a-f-]{36}/whatsapp-chats$`));
		expect(webhooks.find((webhook) => webhook.url === webhookUrl[key])).toMatchObject({ events: ['message.any'], hmac: { key: WEBHOOK_SECRET } });
	}
	expect(new Set(Object.values(webhookUrl)).size).toBe(Object.keys(EXAMPLES).length);
	const registrations = gateway.requests.filter((r) => r.method === 'PUT' && r.path === '/api/sessions/default');
	expect(registrations.length).toBeGreaterThanOrEqual(Object.keys(EXAMPLES).length);
	expect(registrations.every((r) => r.headers['x-api-key'] === TEST_API_KEY)).toBe(true);
});

test('forged, unsigned and stale deliveries get 401 and start nothing', async () => {
	const forged = await deliver('react', incoming('thanks!').body, 'not-the-secret');
	expect(forged.status).toBe(401);
	expect(forged.json).toEqual({ error: 'Invalid X-Webhook-Hmac signature' });

	const unsigned = await request('POST', webhookUrl.react, { body: incoming('thanks!').body });
	expect(unsigned.status).toBe(401);
	expect(unsigned.json).toEqual({ error: 'Missing X-Webhook-Hmac signature' });

	const stale = incoming('thanks!').body;
	stale.timestamp = Date.now() - 6 * 60 * 1000;
	const staleAnswer = await deliver('react', stale);
	expect(staleAnswer.status).toBe(401);
	expect(staleAnswer.json).toEqual({ error: 'Stale or undated webhook delivery refused' });
	// n8n decided before answering: no execution exists for any of them
	expect(await rest.executions(EXAMPLES.react.id)).toHaveLength(0);
});

test('react to messages with a keyword: "thanks" gets 🙏, other messages and own messages get nothing', async () => {
	const own = incoming('thanks, I will check', true);
	expect((await deliver('react', own.body)).status).toBe(200); // ignored by the trigger: own message
	const other = incoming('hello there');
	expect((await deliver('react', other.body)).status).toBe(200);
	const thanks = incoming('Many THANKS for the quick answer!');
	expect((await deliver('react', thanks.body)).status).toBe(200);

	const executions = await finishedExecutions('react', 2);
	expect(executions).toHaveLength(2);
	const first = startedBy(executions, other.messageId);
	const second = startedBy(executions, thanks.messageId);
	for (const execution of [first, second]) {
		expect(execution).toMatchObject({ status: 'success', mode: 'webhook' });
	}
	expect(outputOf(first, 'WhatsApp Chats Trigger')).toEqual([
		expect.objectContaining({ event: 'message', session: 'default', chatId: CHAT, messageId: other.messageId, fromMe: false, data: { text: 'hello there', from: CHAT, fromPhone: '919988066776', fromLid: null, hasMedia: false } }),
	]);
	expect(outputOf(first, 'Contains “thanks”?')).toEqual([]);
	expect(first.data.resultData.runData['React 🙏']).toBeUndefined();

	expect(outputOf(second, 'WhatsApp Chats Trigger')).toEqual([expect.objectContaining({ messageId: thanks.messageId, data: expect.objectContaining({ text: 'Many THANKS for the quick answer!' }) })]);
	expect(outputOf(second, 'React 🙏')).toEqual([expect.objectContaining({ success: true, chatId: CHAT, messageId: thanks.messageId, reaction: '🙏', removed: false })]);
	const reactions = requestsTo('PUT', '/api/reaction');
	expect(reactions.map((r) => r.body)).toEqual([{ session: 'default', messageId: thanks.messageId, reaction: '🙏' }]);
});

test('auto-archive after a reply: my reply archives the chat, the incoming message does not', async () => {
	const question = incoming('Can you send the invoice?');
	expect((await deliver('archive', question.body)).status).toBe(200);
	const reply = incoming('Sure, sent it just now.', true);
	expect((await deliver('archive', reply.body)).status).toBe(200);

	const executions = await finishedExecutions('archive', 2);
	expect(executions).toHaveLength(2);
	const first = startedBy(executions, question.messageId);
	const second = startedBy(executions, reply.messageId);
	expect(first).toMatchObject({ status: 'success', mode: 'webhook' });
	expect(outputOf(first, 'WhatsApp Chats Trigger')).toEqual([expect.objectContaining({ messageId: question.messageId, fromMe: false })]);
	expect(first.data.resultData.runData['Archive Chat']).toBeUndefined();

	expect(second).toMatchObject({ status: 'success', mode: 'webhook' });
	expect(outputOf(second, 'WhatsApp Chats Trigger')).toEqual([expect.objectContaining({ messageId: reply.messageId, fromMe: true, chatId: CHAT })]);
	expect(outputOf(second, 'Archive Chat')).toEqual([expect.objectContaining({ success: true, chatId: CHAT, archived: true })]);
	expect(requestsTo('POST', `/api/default/chats/${CHAT_PATH}/archive`)).toHaveLength(1);
});

test('star messages that mention an order number: "order #12345" is starred, the rest is not', async () => {
	const chatter = incoming('See you tomorrow at 10');
	expect((await deliver('star', chatter.body)).status).toBe(200);
	const order = incoming('Hi, where is my Order No. 12345?');
	expect((await deliver('star', order.body)).status).toBe(200);
	// the same delivery again (WAHA retries): de-duplicated, no second execution
	expect((await deliver('star', order.body)).status).toBe(200);

	const executions = await finishedExecutions('star', 2);
	expect(executions).toHaveLength(2);
	const first = startedBy(executions, chatter.messageId);
	const second = startedBy(executions, order.messageId);
	expect(second.status).toBe('success');
	expect(first.data.resultData.runData['Star Message']).toBeUndefined();
	expect(outputOf(second, 'Star Message')).toEqual([expect.objectContaining({ success: true, chatId: CHAT, messageId: order.messageId, starred: true })]);
	const stars = requestsTo('PUT', '/api/star');
	expect(stars.map((r) => r.body)).toEqual([{ session: 'default', chatId: CHAT, messageId: order.messageId, star: true }]);
});

test('label new chats and acknowledge them once: the first message labels the chat "Waiting" and gets a reply, the second nothing', async () => {
	const labels = labelStateOf(gateway.state);
	labels.labels.push({ id: '6', name: 'Waiting', color: 3, colorHex: '#a5b337' });
	labels.chatLabels.set(CHAT, ['2']);

	const first = incoming('Hello, do you ship to Pune?');
	expect((await deliver('label', first.body)).status).toBe(200);
	const [firstRun] = await finishedExecutions('label', 1);
	const second = incoming('Also: is cash on delivery possible?');
	expect((await deliver('label', second.body)).status).toBe(200);
	const executions = await finishedExecutions('label', 2);
	expect(executions).toHaveLength(2);
	const secondRun = startedBy(executions, second.messageId);
	expect(startedBy(executions, first.messageId).id).toBe(firstRun.id);

	// 1st: the label goes on next to the chat's other label, then the reply quotes the message
	expect(firstRun).toMatchObject({ status: 'success', mode: 'webhook' });
	expect(outputOf(firstRun, 'Label “Waiting”')).toEqual([
		expect.objectContaining({ success: true, chatId: CHAT, phone: '919988066776', labelId: '6', labelName: 'Waiting', added: true, changed: true }),
	]);
	expect(outputOf(firstRun, 'Acknowledge')).toEqual([expect.objectContaining({ success: true, chatId: CHAT, phone: '919988066776', replyTo: first.messageId })]);
	// 2nd: the chat has the label already, nothing is written and nothing is sent
	expect(outputOf(secondRun, 'Label “Waiting”')).toEqual([expect.objectContaining({ labelId: '6', added: true, changed: false })]);
	expect(outputOf(secondRun, 'Newly labelled?')).toEqual([]);
	expect(secondRun.data.resultData.runData['Acknowledge']).toBeUndefined();

	expect(requestsTo('PUT', `/api/default/labels/chats/${CHAT_PATH}/`).map((r) => r.body)).toEqual([{ labels: [{ id: '2' }, { id: '6' }] }]);
	expect(labels.chatLabels.get(CHAT)).toEqual(['2', '6']);
	const sends = requestsTo('POST', '/api/sendText');
	expect(sends.map((r) => r.body)).toEqual([
		{ session: 'default', chatId: CHAT, text: 'Thanks for your message! We have it and will answer as soon as we can.', reply_to: first.messageId, linkPreview: false },
	]);
});
