/**
 * Issue 14 end to end in a real `n8n start`: the trigger fires on a message from a LID-only sender
 * and the workflow reacts and replies using the `phone` field of the trigger item
 * (`{{ $json.phone }}`), never the LID it arrived with.
 *  - WAHA: a signed `message` webhook whose chat is `…@lid`, the phone number only in the NOWEB
 *    alt field (`_data.key.remoteJidAlt`); the reaction and the reply reach the loopback gateway;
 *  - embedded: the fake WhatsApp server delivers a 1:1 message addressed by LID
 *    (`from="…@lid" addressing_mode="lid" sender_pn="…@s.whatsapp.net"`, as WhatsApp sends it);
 *    the reaction and the reply reach WhatsApp addressed to that chat.
 * Both workflows (test/e2e/workflows/{waha,embedded}-lid-react.json) run in one n8n instance.
 */
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IDataObject } from 'n8n-workflow';
import { importCredentials, importWorkflows, prepareUserFolder, publishWorkflow, type E2eCredential } from '../../scripts/n8n/e2e';
import { request, startN8nServer, type ExecutionDetails, type RestSession, type RunningN8n } from '../../scripts/n8n/server';
import { addLidContact, injectLidMessage, loadBaileys, startFakeWhatsApp, type FakeWhatsApp, type LidContact } from '../fake-whatsapp';
import { GatewayTestServer, TEST_API_KEY, type RecordedRequest } from '../gateway-server/GatewayTestServer';
import { TEST_SECRET, writePairedAuth } from '../embedded/world';
import { installChatSurface, WAHA_SENT_ID, type ChatSurfaceState } from './helpers/chatSurfaceGateway';
import { e2eWorkflow, freshUserFolder, logTiming, requireN8n, waitFor, wahaCredential, WEBHOOK_SECRET } from './helpers/e2e';

/** The contact: known to WhatsApp by this LID; its phone number only in the alt fields. */
const PHONE = '919988066776';
const LID_USER = '184069530861739';
const LID = `${LID_USER}@lid`;
const PN_JID = `${PHONE}@s.whatsapp.net`;
const ME_WAHA = '15550001111@c.us';
const SESSION = 'e2e-lid';
const PRELOAD = path.join(__dirname, 'preload', 'waTestRoot.mjs');
const WORKFLOW = { waha: 'e2eWahaLidReact1', embedded: 'e2eEmbLidReact01' } as const;
const WAHA_WEBHOOK_ID = '5b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

let gateway: GatewayTestServer;
let surface: ChatSurfaceState;
let wa: FakeWhatsApp;
let contact: LidContact;
let n8n: RunningN8n | undefined;
let rest: RestSession;
let wahaWebhookUrl: string;
const timings: Record<string, number> = {};

beforeAll(async () => {
	requireN8n();
	let t = Date.now();
	gateway = await GatewayTestServer.start();
	surface = await installChatSurface(gateway);
	// WAHA's LID look-ups (only the engines that have them; the alt field makes them unnecessary here)
	gateway.use(
		{ method: 'GET', pattern: /^\/api\/([^/]+)\/lids\/pn\/([^/]+)$/, answer: (_r, [, pn]) => ({ status: 200, body: { lid: pn.startsWith(PHONE) ? LID : null, pn: `${pn.split('@')[0]}@c.us` } }) },
		{ method: 'GET', pattern: /^\/api\/([^/]+)\/lids\/([^/]+)$/, answer: (_r, [, lid]) => ({ status: 200, body: { lid, pn: lid === LID ? `${PHONE}@c.us` : null } }) },
	);
	wa = await startFakeWhatsApp();
	contact = addLidContact(wa, PHONE, LID_USER);
	const { WA_CERT_DETAILS } = await loadBaileys();
	const root = WA_CERT_DETAILS as unknown as { PUBLIC_KEY: Uint8Array; SERIAL: number };
	const env = {
		WHATSAPP_CHATS_WA_URL: wa.url,
		WHATSAPP_CHATS_E2E_CERT_ROOT: `${root.SERIAL}:${Buffer.from(root.PUBLIC_KEY).toString('hex')}`,
		NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${pathToFileURL(PRELOAD).href}`].filter(Boolean).join(' '),
	};

	const userFolder = prepareUserFolder({ userFolder: freshUserFolder('lid-trigger') });
	const authFolder = path.join(userFolder, 'whatsapp-session');
	await writePairedAuth(wa, authFolder, {}, SESSION);
	const embedded: E2eCredential = {
		id: 'e2eEmbeddedConn1',
		name: 'E2E embedded connection',
		type: 'whatsAppChatsApi',
		data: { connection: 'embedded', session: SESSION, authFolder, sessionSecret: TEST_SECRET },
	};
	await importCredentials([wahaCredential(gateway), embedded], { userFolder });
	await importWorkflows([e2eWorkflow('waha-lid-react.json'), e2eWorkflow('embedded-lid-react.json')], { userFolder });
	for (const id of Object.values(WORKFLOW)) await publishWorkflow(id, { userFolder, env });
	timings['pair + import + publish'] = Date.now() - t;

	t = Date.now();
	n8n = await startN8nServer({ userFolder, env });
	rest = await n8n.ownerSession();
	const webhooks = await waitFor('the WAHA trigger to register its webhook', () => {
		const list = gateway.state.sessionConfigs.get('default')?.webhooks as IDataObject[] | undefined;
		return list?.find((webhook) => String(webhook.url).includes(`/${WAHA_WEBHOOK_ID}/`));
	});
	wahaWebhookUrl = String(webhooks.url);
	await waitFor('the embedded trigger to log in', () => wa.openConnections === 1);
	await wa.settle();
	timings['n8n start + activation'] = Date.now() - t;
});

afterAll(async () => {
	logTiming('lid trigger', timings);
	await n8n?.stop();
	await wa?.close();
	await surface?.cdn.close();
	await gateway?.close();
});

async function finishedExecution(workflowId: string): Promise<ExecutionDetails> {
	const [execution] = await waitFor(`a finished execution of ${workflowId}`, async () => {
		const list = await rest.executions(workflowId);
		return list.length >= 1 && list.every((e) => e.status !== 'running' && e.status !== 'new') && list;
	});
	return await rest.execution(execution.id);
}

const outputOf = (execution: ExecutionDetails, node: string) =>
	(execution.data.resultData.runData[node]?.[0]?.data?.main?.[0] ?? []).map((item) => item.json);

describe('WAHA: a message from a LID-only sender', () => {
	const rawId = '3A8E1EBFE4943CA06D82';
	const messageId = `false_${LID}_${rawId}`;
	let execution: ExecutionDetails;
	let requests: RecordedRequest[];

	beforeAll(async () => {
		gateway.reset();
		const payload = {
			id: messageId,
			timestamp: Math.floor(Date.now() / 1000),
			from: LID,
			fromMe: false,
			to: ME_WAHA,
			body: 'Hello, is my order ready?',
			hasMedia: false,
			_data: { key: { remoteJid: LID, remoteJidAlt: PN_JID, fromMe: false, id: rawId, addressingMode: 'lid' }, pushName: 'Priya' },
		};
		const raw = JSON.stringify({ id: 'evt_e2e_lid_1', timestamp: Date.now(), event: 'message', session: 'default', me: { id: ME_WAHA }, payload, engine: 'NOWEB', environment: {} });
		const answer = await request('POST', wahaWebhookUrl, {
			body: raw,
			headers: {
				'content-type': 'application/json',
				'X-Webhook-Hmac': createHmac('sha512', WEBHOOK_SECRET).update(raw).digest('hex'),
				'X-Webhook-Hmac-Algorithm': 'sha512',
				'X-Webhook-Timestamp': String(Date.now()),
				'X-Webhook-Request-Id': 'req_e2e_lid_1',
			},
		});
		expect(answer.status).toBe(200);
		execution = await finishedExecution(WORKFLOW.waha);
		requests = [...gateway.requests];
	});

	test('the trigger item carries the LID chat and, next to it, the phone number', () => {
		expect(execution).toMatchObject({ status: 'success', mode: 'webhook' });
		expect(outputOf(execution, 'WhatsApp Chats Trigger')).toEqual([
			expect.objectContaining({ event: 'message', chatId: LID, phone: PHONE, lid: LID, messageId, fromMe: false }),
		]);
	});

	test('React by Phone: the reaction reached WAHA for the message, with the key', () => {
		expect(outputOf(execution, 'React by Phone')).toEqual([expect.objectContaining({ success: true, reaction: '👋' })]);
		const reactions = requests.filter((r) => r.method === 'PUT' && r.path === '/api/reaction');
		expect(reactions.map((r) => r.body)).toEqual([{ session: 'default', messageId, reaction: '👋' }]);
		expect(reactions[0].headers['x-api-key']).toBe(TEST_API_KEY);
	});

	test('Reply by Phone: sendText to the contact, quoting the message', () => {
		expect(outputOf(execution, 'Reply by Phone')).toEqual([expect.objectContaining({ success: true, messageId: WAHA_SENT_ID })]);
		const sends = requests.filter((r) => r.method === 'POST' && r.path === '/api/sendText');
		expect(sends).toHaveLength(1);
		const body = sends[0].body as IDataObject;
		expect(body).toMatchObject({ session: 'default', text: 'Thanks, we got your message.', reply_to: messageId });
		expect([`${PHONE}@c.us`, LID]).toContain(body.chatId);
	});
});

describe('embedded: a 1:1 message addressed by LID', () => {
	let execution: ExecutionDetails;
	let injectedId: string;
	let sentBefore: number;

	beforeAll(async () => {
		sentBefore = wa.messages.length;
		// from="…@lid" addressing_mode="lid" sender_pn="…@s.whatsapp.net"
		const injected = await injectLidMessage(wa, { from: contact, text: 'Hello, is my order ready?', pushName: 'Priya' });
		injectedId = injected.key.id;
		execution = await finishedExecution(WORKFLOW.embedded);
		await wa.settle();
	});

	test('the trigger item carries the LID chat and, next to it, the phone number', () => {
		expect(execution).toMatchObject({ status: 'success', mode: 'trigger' });
		expect(outputOf(execution, 'WhatsApp Chats Trigger')).toEqual([
			expect.objectContaining({ event: 'message', chatId: LID, phone: PHONE, lid: LID, messageId: injectedId, fromMe: false }),
		]);
	});

	test('React by Phone: the reaction reached WhatsApp in the LID chat, for the message', async () => {
		expect(outputOf(execution, 'React by Phone')).toEqual([expect.objectContaining({ success: true, messageId: injectedId, reaction: '👋' })]);
		await wa.waitFor('message', (m) => m.message?.reactionMessage?.key?.id === injectedId, 10_000);
		const reactions = wa.messages.slice(sentBefore).filter((m) => m.type === 'reaction');
		expect(reactions).toHaveLength(1);
		expect(reactions[0].decryptErrors).toEqual([]);
		expect(reactions[0].to).toBe(LID);
		expect(reactions[0].message?.reactionMessage).toMatchObject({ text: '👋', key: { id: injectedId, remoteJid: LID, fromMe: false } });
	});

	test('Reply by Phone: a text quoting the message reached WhatsApp in the LID chat', async () => {
		const reply = await wa.waitFor('message', (m) => m.type !== 'reaction' && m.message?.extendedTextMessage?.contextInfo?.stanzaId === injectedId, 10_000);
		expect(reply.decryptErrors).toEqual([]);
		expect(reply.to).toBe(LID);
		expect(reply.message?.extendedTextMessage?.text).toBe('Thanks, we got your message.');
		expect(outputOf(execution, 'Reply by Phone')).toEqual([expect.objectContaining({ success: true })]);
	});
});
