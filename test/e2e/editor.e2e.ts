/**
 * First contact, from nothing, in the browser: the README's `npm start` (scripts/n8n/start.js) in a
 * fresh n8n user folder, then headless Chromium (/usr/bin/chromium, playwright-core) signed in as
 * the dev owner does what a new user does:
 *  - tests the credential `npm start` created (embedded, not paired): n8n shows "not paired yet";
 *  - Session → Get QR on it: the QR image is visible in the output panel; the fake WhatsApp
 *    server's phone scans the QR text shown there, which pairs the session;
 *  - "Listen for test event" on the WhatsApp Chats Embedded Trigger with that credential: an
 *    inbound message at the fake WhatsApp server appears as the trigger's output;
 *  - "Listen for test event" on the WhatsApp Chats Trigger for WAHA, Sessions API and Evolution API
 *    (loopback gateway): a signed post to the test URL appears as the output, and listening ends
 *    with the test registration removed at the gateway;
 *  - Message → Get with Download Media over WAHA: the media is a binary in the output panel (file
 *    name, MIME type) and its preview renders;
 *  - the node panel, canvas, parameter panel and operation list of the action node.
 * Workflows are created through n8n's REST API (as importing an example does); everything after
 * that is clicks in the editor. Each step asserts what is on screen and saves a screenshot in docs/.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IDataObject, INode } from 'n8n-workflow';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { DEV_OWNER, DEFAULT_CREDENTIAL, request, RestSession } from '../../scripts/n8n/server';
import { loadBaileys, startFakeWhatsApp, type FakeWhatsApp } from '../fake-whatsapp';
import { GatewayTestServer, SESSIONS_API_ID, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { EVOLUTION_INSTANCE, evolutionStateOf } from '../gateway-server/evolutionRoutes';
import { installChatSurface, MEDIA_FILE_NAME, WAHA_MEDIA_MESSAGE, type ChatSurfaceState } from './helpers/chatSurfaceGateway';
import { EMBEDDED_TRIGGER_TYPE, example, freshUserFolder, logTiming, NODE_TYPE, requireN8n, ROOT, TRIGGER_TYPE, waitFor, withCredential } from './helpers/e2e';
import { npmStart, type NpmStartedN8n } from './helpers/npmStart';

const jwt = require('jsonwebtoken') as { sign(payload: object, secret: string, options?: object): string };

/** Code in page.evaluate / waitForFunction runs in Chromium; this project compiles without DOM types. */
type LoadedImage = { complete: boolean; naturalWidth: number; src: string };
declare const document: {
	fonts: { ready: Promise<unknown> };
	getAnimations(): Array<{ playState: string }>;
	querySelectorAll(selector: string): Iterable<LoadedImage>;
};

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const DOCS = path.join(ROOT, 'docs');
const PRELOAD = path.join(__dirname, 'preload', 'waTestRoot.mjs');
const ACTION_NODE = 'React 🙏';
const ICON_PATH = '/icons/n8n-nodes-whatsapp-chats/dist/nodes/WhatsAppChats/whatsapp.svg';
const WEBHOOK_SECRET = 'e2e-first-contact-secret';
const MESSAGE_OPERATIONS = [
	['Delete', 'Delete a message for everyone'],
	['Edit', 'Change the text of a message you sent'],
	['Get', 'Get one message, optionally with its media as binary data'],
	['Pin', 'Pin a message in its chat'],
	['React', 'React to a message with an emoji'],
	['Send Text', 'Send a text message, optionally as a reply'],
	['Star', 'Star a message'],
	['Unpin', 'Unpin a message'],
	['Unstar', 'Remove the star from a message'],
];
/** What a user may wait for an event to show up in the editor (issue 9: within 2 s). */
const SHOWS_WITHIN_MS = 2000;

let wa: FakeWhatsApp;
let gateway: GatewayTestServer;
let surface: ChatSurfaceState;
let n8n: NpmStartedN8n | undefined;
let rest: RestSession;
let context: BrowserContext | undefined;
let page: Page;
let userDataDir: string;
let startCredential: { id: string; name: string };
const workflows: Record<string, string> = {};
const timings: Record<string, number> = {};

const triggerWorkflow = (name: string, node: Partial<INode>) => ({
	name,
	active: false,
	settings: { executionOrder: 'v1' },
	connections: {},
	nodes: [{ id: 'trigger-1', typeVersion: 1, position: [0, 0], parameters: {}, ...node }],
});

beforeAll(async () => {
	requireN8n();
	if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (or set CHROMIUM_PATH)`);
	let t = Date.now();
	wa = await startFakeWhatsApp();
	gateway = await GatewayTestServer.start();
	surface = await installChatSurface(gateway);
	// n8n's Baileys trusts the fake server's test certificate root (see embedded.e2e.ts)
	const { WA_CERT_DETAILS } = await loadBaileys();
	const root = WA_CERT_DETAILS as unknown as { PUBLIC_KEY: Uint8Array; SERIAL: number };
	n8n = await npmStart({
		userFolder: freshUserFolder('first-contact'),
		env: {
			WHATSAPP_CHATS_WA_URL: wa.url,
			WHATSAPP_CHATS_E2E_CERT_ROOT: `${root.SERIAL}:${Buffer.from(root.PUBLIC_KEY).toString('hex')}`,
			NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${pathToFileURL(PRELOAD).href}`].filter(Boolean).join(' '),
		},
	});
	timings['npm start (owner + credential ready)'] = Date.now() - t;

	t = Date.now();
	rest = await RestSession.login(n8n.baseUrl, DEV_OWNER);
	const credentials = (await rest.get('/rest/credentials')) as Array<{ id: string; name: string; type: string }>;
	const created = credentials.find((credential) => credential.name === DEFAULT_CREDENTIAL.name);
	if (!created) throw new Error(`npm start created no "${DEFAULT_CREDENTIAL.name}" credential:\n${n8n.output().slice(-3000)}`);
	startCredential = { id: created.id, name: created.name };
	const useStartCredential = { whatsAppChatsApi: startCredential };

	workflows.pair = (
		await rest.post('/rest/workflows', {
			name: 'Pair WhatsApp',
			active: false,
			settings: { executionOrder: 'v1' },
			connections: { Start: { main: [[{ node: 'Get QR', type: 'main', index: 0 }]] } },
			nodes: [
				{ id: 'pair-1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{ id: 'pair-2', name: 'Get QR', type: NODE_TYPE, typeVersion: 1, position: [240, 0], parameters: { resource: 'session', operation: 'getQr' }, credentials: useStartCredential },
				// not connected: only its empty Chat field is looked at
				{
					id: 'pair-3',
					name: 'Archive Chat',
					type: NODE_TYPE,
					typeVersion: 1,
					position: [240, 240],
					parameters: { resource: 'chat', operation: 'archive', chatId: { __rl: true, mode: 'id', value: '' } },
					credentials: useStartCredential,
				},
			],
		})
	).id;
	workflows.gatewayWithStartCredential = (
		await rest.post(
			'/rest/workflows',
			triggerWorkflow('Gateway trigger, embedded credential', {
				name: 'WhatsApp Chats Trigger',
				type: TRIGGER_TYPE,
				webhookId: '5e2e0000-0000-4000-8000-00000000ffff',
				credentials: useStartCredential,
			}),
		)
	).id;
	workflows.embedded = (
		await rest.post('/rest/workflows', triggerWorkflow('Embedded trigger', { name: 'WhatsApp Chats Embedded Trigger', type: EMBEDDED_TRIGGER_TYPE, credentials: useStartCredential }))
	).id;
	const gateways = {
		waha: { connection: 'waha', baseUrl: gateway.url, session: 'default', apiKey: TEST_API_KEY, webhookSecret: WEBHOOK_SECRET },
		sessionsApi: { connection: 'sessionsApi', baseUrl: gateway.url, session: SESSIONS_API_ID, apiKey: TEST_API_KEY, webhookSecret: WEBHOOK_SECRET },
		evolution: { connection: 'evolution', baseUrl: gateway.url, session: EVOLUTION_INSTANCE, apiKey: TEST_API_KEY, webhookSecret: WEBHOOK_SECRET },
	};
	for (const [key, data] of Object.entries(gateways)) {
		const credential = await rest.post('/rest/credentials', { name: `E2E ${key}`, type: 'whatsAppChatsApi', data });
		if (key === 'waha') {
			workflows.media = (
				await rest.post('/rest/workflows', {
					name: 'Message media',
					active: false,
					settings: { executionOrder: 'v1' },
					connections: { Start: { main: [[{ node: 'Get Media Message', type: 'main', index: 0 }]] } },
					nodes: [
						{ id: 'media-1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
						{
							id: 'media-2',
							name: 'Get Media Message',
							type: NODE_TYPE,
							typeVersion: 1,
							position: [240, 0],
							parameters: { resource: 'message', operation: 'get', chatId: { __rl: true, mode: 'id', value: '+91 99880-66776' }, messageId: WAHA_MEDIA_MESSAGE, downloadMedia: true },
							credentials: { whatsAppChatsApi: { id: credential.id, name: credential.name } },
						},
					],
				})
			).id;
		}
		workflows[key] = (
			await rest.post(
				'/rest/workflows',
				triggerWorkflow(`${key} trigger`, {
					name: 'WhatsApp Chats Trigger',
					type: TRIGGER_TYPE,
					webhookId: `5e2e0000-0000-4000-8000-${String(Object.keys(workflows).length).padStart(12, '0')}`,
					credentials: { whatsAppChatsApi: { id: credential.id, name: credential.name } },
				}),
			)
		).id;
	}
	workflows.example = (await rest.post('/rest/workflows', { ...withCredential(example('react-to-keyword.json'), startCredential), active: false })).id;
	timings['workflows created'] = Date.now() - t;

	t = Date.now();
	userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-chromium-'));
	context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM,
		headless: true,
		viewport: { width: 1440, height: 900 },
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	page = context.pages()[0] ?? (await context.newPage());
	timings['chromium launch'] = Date.now() - t;
});

afterAll(async () => {
	logTiming('first contact (browser)', timings);
	await context?.close();
	if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
	await n8n?.stop();
	await surface?.cdn.close();
	await gateway?.close();
	await wa?.close();
});

const canvasNode = (name: string) => page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
const ndv = () => page.locator('[data-test-id="ndv"]');
const outputPanel = () => page.locator('[data-test-id="output-panel"]');

/** Width of a loaded <img> (0 when it did not load). */
const loadedWidth = (locator: Locator) =>
	locator.first().evaluate((img) => ((img as unknown as LoadedImage).complete ? (img as unknown as LoadedImage).naturalWidth : 0));

async function screenshot(file: string): Promise<void> {
	await page.evaluate(() => document.fonts.ready);
	// dropdowns fade in: wait for running transitions to end, so the picture is not half-faded
	await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running'), undefined, { timeout: 10_000 });
	fs.mkdirSync(DOCS, { recursive: true });
	await page.screenshot({ path: path.join(DOCS, file), animations: 'disabled', caret: 'hide' });
	const png = fs.readFileSync(path.join(DOCS, file));
	expect(png.subarray(1, 4).toString()).toBe('PNG');
}

async function openNode(workflowId: string, nodeName: string): Promise<void> {
	await page.goto(`${n8n!.baseUrl}/workflow/${workflowId}`);
	const node = canvasNode(nodeName);
	await node.waitFor({ state: 'visible', timeout: 60_000 });
	await node.dblclick();
	await ndv().waitFor({ state: 'visible', timeout: 30_000 });
	await expect(ndv().locator('[data-test-id="node-title-container"]').innerText()).resolves.toContain(nodeName);
}

/** Clicks the panel's "Execute step" (for a trigger: listen for a test event). */
const executeStep = () => ndv().locator('[data-test-id="node-execute-button"]').click();

/** The JSON of the output panel's items, as the JSON view shows them. */
async function outputJson(): Promise<IDataObject[]> {
	await outputPanel().locator('[data-test-id="radio-button-json"]').click();
	// the JSON view renders after the switch, and indents with non-breaking spaces
	return await waitFor(
		'the JSON view of the output',
		async () => {
			const text = await outputPanel().locator('[data-test-id="ndv-data-container"]').innerText();
			return JSON.parse(text.replace(/[\u00a0\u2000-\u200b\u202f]/g, ' ')) as IDataObject[];
		},
		10_000,
	);
}

test('the dev owner signs in through the editor’s sign-in form', async () => {
	await page.goto(`${n8n!.baseUrl}/signin`);
	await page.fill('input[name="emailOrLdapLoginId"]', DEV_OWNER.email);
	await page.fill('input[name="password"]', DEV_OWNER.password);
	await page.click('[data-test-id="form-submit-button"]');
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
	expect(new URL(page.url()).pathname).not.toMatch(/^\/signin/);
});

test('testing the credential npm start created (embedded, never paired) shows "not paired yet"', async () => {
	await page.goto(`${n8n!.baseUrl}/home/credentials/${startCredential.id}`);
	const modal = page.locator('[data-test-id="editCredential-modal"]');
	await modal.waitFor({ state: 'visible', timeout: 30_000 });
	await expect(modal.locator('[data-test-id="parameter-input-connection"] input').inputValue()).resolves.toBe('Embedded (Baileys)');
	// n8n tests a credential when it is saved: change the session name and back, then save
	const session = modal.locator('[data-test-id="parameter-input-session"] input');
	await session.fill('default-x');
	await session.fill('default');
	await modal.locator('[data-test-id="credential-save-button"]').click();
	await waitFor('the credential test result', async () => /tested successfully|not paired yet|Couldn’t connect|Couldn't connect/i.test(await modal.innerText()), 30_000);
	expect(await modal.innerText()).not.toContain('Connection tested successfully');
	// n8n shows "Couldn't connect with these settings"; the package's words are under "More details"
	await modal.getByText('More details').first().click();
	await page.getByText(/not paired yet/).first().waitFor({ state: 'visible', timeout: 10_000 });
	await screenshot('credential-test-not-paired.png');
	const text = await page.locator('body').innerText();
	expect(text).toContain('not paired yet');
	expect(text).toContain('Get QR');
	await page.keyboard.press('Escape');
});

test('Session → Get QR on the new embedded credential shows the QR image in the output panel; scanning it pairs', async () => {
	await openNode(workflows.pair, 'Get QR');
	await expect(ndv().locator('[data-test-id="node-credentials-select"] input').inputValue()).resolves.toBe(startCredential.name);
	const t = Date.now();
	await executeStep();
	const view = outputPanel().locator('[data-test-id="ndv-view-binary-data"]');
	await view.waitFor({ state: 'visible', timeout: 30_000 });
	timings['Get QR: click → binary in output'] = Date.now() - t;
	await expect(outputPanel().locator('[data-test-id="ndv-binary-data_0"]').innerText()).resolves.toMatch(/whatsapp-qr\.png[\s\S]*image\/png/);
	await view.click();
	const image = outputPanel().locator('img[src*="/rest/binary-data"]');
	await image.waitFor({ state: 'visible', timeout: 10_000 });
	await page.waitForFunction(() => [...document.querySelectorAll('img')].some((img) => img.src.includes('/rest/binary-data') && img.complete && img.naturalWidth > 0), undefined, { timeout: 10_000 });
	expect(await loadedWidth(image)).toBeGreaterThanOrEqual(200);
	await screenshot('get-qr.png');

	// the phone scans the QR text the JSON view shows
	const [item] = await outputJson();
	expect(item).toMatchObject({ success: true, qr: expect.stringMatching(/^https:\/\/wa\.me\/settings\/linked_devices#/) });
	const device = await wa.completePairing(item.qr as string);
	expect(device.jid).toMatch(/@s\.whatsapp\.net$/);
	await page.keyboard.press('Escape');
});

test('the gateway trigger with the embedded credential npm start made says at once which trigger to use', async () => {
	expect(n8n!.output()).toContain('WhatsApp Chats Embedded Trigger'); // npm start's first steps
	await openNode(workflows.gatewayWithStartCredential, 'WhatsApp Chats Trigger');
	await executeStep();
	await page.getByText(/use the WhatsApp Chats Embedded Trigger node/).first().waitFor({ state: 'visible', timeout: 10_000 });
	await expect(ndv().getByText('Listening for test event').count()).resolves.toBe(0);
	await screenshot('gateway-trigger-embedded-credential.png');
	await page.keyboard.press('Escape');
});

test('"Listen for test event" on the Embedded Trigger: an inbound message is the trigger output', async () => {
	await openNode(workflows.embedded, 'WhatsApp Chats Embedded Trigger');
	await expect(ndv().locator('[data-test-id="node-credentials-select"] input').inputValue()).resolves.toBe(startCredential.name);
	const panel = await ndv().innerText();
	expect(panel).toContain('Pair the session first');
	expect(panel).not.toMatch(/Webhook URLs/i); // no webhook for the embedded connection
	await executeStep();
	await outputPanel().locator('[data-test-id="ndv-executing"]').waitFor({ state: 'visible', timeout: 10_000 });
	// The trigger subscribes to the (just paired, reconnecting) connection inside n8n: send until one shows.
	let shown: { text: string; ms: number } | undefined;
	for (let attempt = 1; attempt <= 10 && !shown; attempt++) {
		const text = `Hello from the e2e phone #${attempt}`;
		const sent = await wa.injectMessage({ chat: '15551000001@s.whatsapp.net', text, pushName: 'Alice' }).then(() => true, () => false);
		if (!sent) {
			await new Promise((resolve) => setTimeout(resolve, 1000)); // still logging in after pairing
			continue;
		}
		const sentAt = Date.now();
		const found = await outputPanel().getByText(text).first().waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
		if (found) shown = { text, ms: Date.now() - sentAt };
	}
	expect(shown).toBeDefined();
	timings['embedded: message → visible'] = shown!.ms;
	expect(shown!.ms).toBeLessThan(SHOWS_WITHIN_MS);
	await waitFor('listening to end', async () => (await outputPanel().locator('[data-test-id="ndv-executing"]').count()) === 0, 10_000);
	const [item] = await outputJson();
	expect(item).toMatchObject({ event: 'message', chatId: '15551000001@s.whatsapp.net', fromMe: false, data: { text: shown!.text, hasMedia: false } });
	await screenshot('embedded-trigger-test-event.png');
	await page.keyboard.press('Escape');
});

type GatewayCase = {
	key: 'waha' | 'sessionsApi' | 'evolution';
	label: string;
	/** The test URL the gateway was given while listening (undefined: none yet / removed). */
	registeredUrl(): string | undefined;
	post(url: string): Promise<{ status: number | undefined }>;
	expected: IDataObject;
};

const wahaBody = () => ({
	id: `evt_fc_${Date.now()}`,
	timestamp: Date.now(),
	event: 'message.any',
	session: 'default',
	me: { id: '15550001111@c.us' },
	payload: { id: 'false_919988066776@c.us_E2EFIRST1', timestamp: Math.floor(Date.now() / 1000), from: '919988066776@c.us', fromMe: false, body: 'Order #123?', hasMedia: false },
});

const GATEWAY_CASES: GatewayCase[] = [
	{
		key: 'waha',
		label: 'WAHA (signed post)',
		registeredUrl: () => ((gateway.state.sessionConfigs.get('default')?.webhooks ?? []) as IDataObject[]).map((hook) => String(hook.url)).find((url) => url.includes('/webhook-test/')),
		post: async (url) => {
			const raw = JSON.stringify(wahaBody());
			const hmac = createHmac('sha512', WEBHOOK_SECRET).update(raw).digest('hex');
			return await request('POST', url, { body: raw, headers: { 'content-type': 'application/json', 'X-Webhook-Hmac': hmac, 'X-Webhook-Hmac-Algorithm': 'sha512', 'X-Webhook-Timestamp': String(Date.now()) } });
		},
		expected: { event: 'message', chatId: '919988066776@c.us', messageId: 'false_919988066776@c.us_E2EFIRST1', data: { text: 'Order #123?', from: '919988066776@c.us', hasMedia: false } },
	},
	{
		key: 'sessionsApi',
		label: 'Sessions API (shared secret)',
		// the Sessions API registers nothing: the user enters the Test URL the panel shows
		registeredUrl: () => undefined,
		post: async (url) =>
			await request('POST', url, {
				body: { event: 'message', chatId: '919988066776@s.whatsapp.net', messageId: 'SAPIFIRST1', fromMe: false, timestamp: 1_700_000_002, data: { text: 'Order #456?' } },
				headers: { 'X-Webhook-Secret': WEBHOOK_SECRET },
			}),
		expected: { event: 'message', chatId: '919988066776@s.whatsapp.net', messageId: 'SAPIFIRST1' },
	},
	{
		key: 'evolution',
		label: 'Evolution API (JWT)',
		registeredUrl: () => {
			const webhook = evolutionStateOf(gateway.state).instances.get(EVOLUTION_INSTANCE)?.webhook as IDataObject | null | undefined;
			return webhook?.enabled && String(webhook.url).includes('/webhook-test/') ? String(webhook.url) : undefined;
		},
		post: async (url) =>
			await request('POST', url, {
				body: {
					event: 'messages.upsert',
					instance: EVOLUTION_INSTANCE,
					data: { key: { remoteJid: '919988066776@s.whatsapp.net', fromMe: false, id: '3EB0EVOFIRST1' }, message: { conversation: 'Order #789?' }, messageType: 'conversation', messageTimestamp: 1_700_000_003 },
				},
				headers: { Authorization: `Bearer ${jwt.sign({ app: 'evolution' }, WEBHOOK_SECRET, { algorithm: 'HS256', expiresIn: 600 })}` },
			}),
		expected: { event: 'message', chatId: '919988066776@s.whatsapp.net', messageId: '3EB0EVOFIRST1', data: expect.objectContaining({ text: 'Order #789?' }) },
	},
];

test.each(GATEWAY_CASES)('"Listen for test event" on the WhatsApp Chats Trigger, $label: the post is the trigger output, listening ends', async (gatewayCase) => {
	await openNode(workflows[gatewayCase.key], 'WhatsApp Chats Trigger');
	const panel = await ndv().innerText();
	expect(panel).toContain('when you Publish');
	expect(panel).not.toMatch(/\bactivated\b/);
	await executeStep();
	await ndv().getByText('Listening for test event').first().waitFor({ state: 'visible', timeout: 15_000 });
	const webhookId = `/webhook-test/`;
	let url: string;
	if (gatewayCase.key === 'sessionsApi') {
		// what the panel shows under "Webhook URLs" → Test URL
		const node = (await rest.get(`/rest/workflows/${workflows.sessionsApi}`)).nodes[0] as INode;
		url = `${n8n!.baseUrl}/webhook-test/${node.webhookId}/whatsapp-chats`;
	} else {
		url = await waitFor(`${gatewayCase.label} to get the test URL`, gatewayCase.registeredUrl, 15_000);
	}
	expect(url).toContain(webhookId);
	const sentAt = Date.now();
	expect((await gatewayCase.post(url)).status).toBe(200);
	await outputPanel().locator('[data-test-id="ndv-items-count"], [data-test-id="run-data-item-count"]').first().waitFor({ state: 'visible', timeout: 10_000 });
	const ms = Date.now() - sentAt;
	timings[`${gatewayCase.key}: post → visible`] = ms;
	expect(ms).toBeLessThan(SHOWS_WITHIN_MS);
	const [item] = await outputJson();
	expect(item).toMatchObject(gatewayCase.expected);
	await waitFor('listening to end', async () => (await ndv().getByText('Listening for test event').count()) === 0, 10_000);
	// listening ended cleanly: the gateway no longer sends to the test URL
	await waitFor(`${gatewayCase.label} test registration to be removed`, () => gatewayCase.registeredUrl() === undefined, 10_000);
	if (gatewayCase.key === 'waha') await screenshot('gateway-trigger-test-event.png');
	await page.keyboard.press('Escape');
});

test('Message → Get with Download Media (WAHA): the media is a binary in the output panel, its preview renders', async () => {
	await openNode(workflows.media, 'Get Media Message');
	await executeStep();
	const view = outputPanel().locator('[data-test-id="ndv-view-binary-data"]');
	await view.waitFor({ state: 'visible', timeout: 30_000 });
	const card = await outputPanel().locator('[data-test-id="ndv-binary-data_0"]').innerText();
	expect(card).toMatch(new RegExp(`File Name:\\s*${MEDIA_FILE_NAME.replace('.', '\\.')}\\s`));
	expect(card).toContain('image/png');
	await screenshot('message-media-binary.png');
	await view.click();
	const image = outputPanel().locator('img[src*="/rest/binary-data"]');
	await image.waitFor({ state: 'visible', timeout: 10_000 });
	await page.waitForFunction(() => [...document.querySelectorAll('img')].some((img) => img.src.includes('/rest/binary-data') && img.complete && img.naturalWidth > 0), undefined, { timeout: 10_000 });
	// the test media is a 96 px PNG: n8n served the very bytes the gateway gave
	expect(await image.first().evaluate((img) => (img as unknown as LoadedImage).naturalWidth)).toBe(96);
	await screenshot('message-media-preview.png');
	// what the preview shows is byte for byte the media WAHA served
	const src = (await image.first().getAttribute('src'))!;
	const shown = await page.evaluate(async (url) => {
		const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
		return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
	}, src);
	expect(shown).toBe(surface.media.toString('hex'));
	await page.keyboard.press('Escape');
});

test('the node panel shows the action node’s description for WhatsApp Chats, and both triggers', async () => {
	await page.goto(`${n8n!.baseUrl}/workflow/${workflows.example}`);
	await canvasNode(ACTION_NODE).waitFor({ state: 'visible', timeout: 60_000 });
	await page.click('[data-test-id="node-creator-plus-button"]');
	await page.keyboard.type('WhatsApp Chats');
	const names = page.locator('[data-test-id="node-creator"] [data-test-id="node-creator-item-name"]');
	await names.first().waitFor({ state: 'visible', timeout: 10_000 });
	expect(await names.allInnerTexts()).toEqual(['WhatsApp Chats', 'WhatsApp Chats Embedded']);
	await names.first().click();
	const creator = page.locator('[data-test-id="node-creator"]');
	await creator.getByText('Actions').first().waitFor({ state: 'visible', timeout: 10_000 });
	const text = await creator.innerText();
	expect(text).toContain('Manage WhatsApp chats and messages');
	expect(text).not.toContain('Starts the workflow');
	expect(text).toContain('Archive a chat');
	expect(text).toContain('Add a label to a chat');
	expect(text).toContain('Send a text message');
	await screenshot('node-panel.png');
	// n8n renders the first resources' actions at once (27 of 31 here); the Session ones show after typing in its search.
	await page.keyboard.type('pairing');
	await creator.getByText('Get the pairing QR code').first().waitFor({ state: 'visible', timeout: 10_000 });
	await screenshot('node-panel-search.png');
	await page.keyboard.press('Escape');
});

test('the example workflow opens with the WhatsApp Chats nodes on the canvas, icons loaded', async () => {
	await page.goto(`${n8n!.baseUrl}/workflow/${workflows.example}`);
	const action = canvasNode(ACTION_NODE);
	await action.waitFor({ state: 'visible', timeout: 60_000 });
	expect(await action.getAttribute('data-node-type')).toBe(NODE_TYPE);
	await expect(action.innerText()).resolves.toContain('message: react');
	const trigger = canvasNode('WhatsApp Chats Trigger');
	expect(await trigger.getAttribute('data-node-type')).toBe(TRIGGER_TYPE);
	await expect(trigger.innerText()).resolves.toContain('Gateway webhook');
	await page.waitForFunction(
		(src) => [...document.querySelectorAll(`img[src="${src}"]`)].some((img) => img.complete && img.naturalWidth > 0),
		ICON_PATH,
		{ timeout: 30_000 },
	);
	expect(await loadedWidth(page.locator(`[data-test-id="canvas-node"][data-node-name="${ACTION_NODE}"] img[src="${ICON_PATH}"]`))).toBeGreaterThan(0);
	expect(await loadedWidth(page.locator('[data-test-id="canvas-node"][data-node-name="WhatsApp Chats Trigger"] img[src$="/WhatsAppChatsTrigger/whatsapp.svg"]'))).toBeGreaterThan(0);
	const icon = await request('GET', `${n8n!.baseUrl}${ICON_PATH}`);
	expect(icon.status).toBe(200);
	expect(icon.text).toMatch(/^<svg[\s>]/);
	await screenshot('editor-canvas.png');
});

test('an empty Chat field: its mode reads "By ID", as the texts say, and its placeholder fits', async () => {
	await openNode(workflows.pair, 'Archive Chat');
	const chat = ndv().locator('[data-test-id="parameter-input-chatId"]');
	await chat.waitFor({ state: 'visible', timeout: 10_000 });
	const input = chat.locator('input[placeholder]').last();
	const placeholder = await input.getAttribute('placeholder');
	expect(placeholder).toBe('e.g. +91 99880-66776');
	// the placeholder's rendered width (the input's own font) against the room the input has
	const fits = await input.evaluate((element) => {
		const el = element as unknown as { placeholder: string; clientWidth: number; ownerDocument: any };
		const style = el.ownerDocument.defaultView.getComputedStyle(element);
		const ctx = el.ownerDocument.createElement('canvas').getContext('2d');
		ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
		const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
		return { text: ctx.measureText(el.placeholder).width, room };
	});
	expect(fits.text).toBeLessThanOrEqual(fits.room);
	const shownValues = await chat.locator('input').evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value));
	expect(shownValues).toContain('By ID');
	await expect(ndv().innerText()).resolves.not.toContain('By Phone or ID');
	await screenshot('chat-field.png');
	await page.keyboard.press('Escape');
});

test('the action node’s panel: credential, resource, operation, fields', async () => {
	await page.goto(`${n8n!.baseUrl}/workflow/${workflows.example}`);
	await canvasNode(ACTION_NODE).waitFor({ state: 'visible', timeout: 60_000 });
	await canvasNode(ACTION_NODE).dblclick();
	await ndv().waitFor({ state: 'visible', timeout: 30_000 });
	await expect(ndv().locator('[data-test-id="node-credentials-select"] input').inputValue()).resolves.toBe(DEFAULT_CREDENTIAL.name);
	await expect(ndv().locator('[data-test-id="parameter-input-resource"] input').inputValue()).resolves.toBe('Message');
	await expect(ndv().locator('[data-test-id="parameter-input-operation"] input').inputValue()).resolves.toBe('React');
	await expect(ndv().locator('[data-test-id="parameter-input-emoji"] input').inputValue()).resolves.toBe('🙏');
});

test('the operation list shows every message operation with its description', async () => {
	await page.click('[data-test-id="parameter-input-operation"]');
	const options = page.locator('.el-select-dropdown__item:visible');
	await options.first().waitFor({ state: 'visible', timeout: 30_000 });
	const texts = (await options.allInnerTexts()).map((text) => text.split('\n').map((line) => line.trim()).filter(Boolean));
	expect(texts).toEqual(MESSAGE_OPERATIONS);
	await screenshot('editor-screenshot.png');
	expect(fs.readFileSync(path.join(DOCS, 'editor-screenshot.png')).readUInt32BE(16)).toBe(1440); // IHDR width
});
