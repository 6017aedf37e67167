/**
 * The browser check: headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
 * opens the real n8n editor as the dev owner, with an example workflow on the canvas, then opens
 * the WhatsApp Chats node's parameter panel. Asserts that the node, its icon and the operation
 * list render, and saves the screenshots the README shows (docs/editor-screenshot.png,
 * docs/editor-canvas.png).
 *
 * Set up like `npm start` does it: owner dev@example.com, the default (embedded) credential.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { prepareUserFolder } from '../../scripts/n8n/e2e';
import { DEV_OWNER, DEFAULT_CREDENTIAL, ensureDefaultCredential, request, startN8nServer, type RestSession, type RunningN8n } from '../../scripts/n8n/server';
import { example, freshUserFolder, logTiming, NODE_TYPE, requireN8n, ROOT, TRIGGER_TYPE, withCredential } from './helpers/e2e';

/** Code in page.evaluate / waitForFunction runs in Chromium; this project compiles without DOM types. */
type LoadedImage = { complete: boolean; naturalWidth: number };
declare const document: {
	fonts: { ready: Promise<unknown> };
	getAnimations(): Array<{ playState: string }>;
	querySelectorAll(selector: string): Iterable<LoadedImage>;
};

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const DOCS = path.join(ROOT, 'docs');
const ACTION_NODE = 'React 🙏';
const ICON_PATH = '/icons/n8n-nodes-whatsapp-chats/dist/nodes/WhatsAppChats/whatsapp.svg';
const MESSAGE_OPERATIONS = [
	['Delete', 'Delete a message for everyone'],
	['Edit', 'Change the text of a message you sent'],
	['Pin', 'Pin a message in its chat'],
	['React', 'React to a message with an emoji'],
	['Star', 'Star a message'],
	['Unpin', 'Unpin a message'],
	['Unstar', 'Remove the star from a message'],
];

let n8n: RunningN8n | undefined;
let rest: RestSession;
let context: BrowserContext | undefined;
let page: Page;
let userDataDir: string;
let workflowId: string;

beforeAll(async () => {
	requireN8n();
	if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (or set CHROMIUM_PATH)`);
	const timings: Record<string, number> = {};
	let t = Date.now();
	const userFolder = prepareUserFolder({ userFolder: freshUserFolder('editor') });
	n8n = await startN8nServer({ userFolder });
	timings['n8n start (ready)'] = Date.now() - t;
	rest = await n8n.ownerSession();
	const credential = await ensureDefaultCredential(rest);
	const workflow = withCredential(example('react-to-keyword.json'), credential);
	workflowId = (await rest.post('/rest/workflows', { ...workflow, active: false })).id;

	t = Date.now();
	userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-chromium-'));
	context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM,
		headless: true,
		viewport: { width: 1440, height: 900 },
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	page = context.pages()[0] ?? (await context.newPage());
	timings['chromium launch'] = Date.now() - t;
	logTiming('editor', timings);
});

afterAll(async () => {
	await context?.close();
	if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
	await n8n?.stop();
});

const canvasNode = (name: string) => page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);

/** Width of a loaded <img> (0 when the icon did not load). */
const loadedWidth = (selector: string) =>
	page
		.locator(selector)
		.first()
		.evaluate((img) => ((img as unknown as LoadedImage).complete ? (img as unknown as LoadedImage).naturalWidth : 0));

async function screenshot(file: string): Promise<void> {
	await page.evaluate(() => document.fonts.ready);
	// dropdowns fade in: wait for running transitions to end, so the picture is not half-faded
	await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running'), undefined, { timeout: 10_000 });
	fs.mkdirSync(DOCS, { recursive: true });
	await page.screenshot({ path: path.join(DOCS, file), animations: 'disabled', caret: 'hide' });
}

test('the dev owner signs in through the editor’s sign-in form', async () => {
	await page.goto(`${n8n!.baseUrl}/signin`);
	await page.fill('input[name="emailOrLdapLoginId"]', DEV_OWNER.email);
	await page.fill('input[name="password"]', DEV_OWNER.password);
	await page.click('[data-test-id="form-submit-button"]');
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
	expect(new URL(page.url()).pathname).not.toMatch(/^\/signin/);
});

test('the workflow opens with the WhatsApp Chats nodes on the canvas, icons loaded', async () => {
	await page.goto(`${n8n!.baseUrl}/workflow/${workflowId}`);
	const action = canvasNode(ACTION_NODE);
	await action.waitFor({ state: 'visible', timeout: 60_000 });
	expect(await action.getAttribute('data-node-type')).toBe(NODE_TYPE);
	await expect(action.innerText()).resolves.toContain(ACTION_NODE);
	// the subtitle from the node description: resource: operation
	await expect(action.innerText()).resolves.toContain('message: react');
	const trigger = canvasNode('WhatsApp Chats Trigger');
	expect(await trigger.getAttribute('data-node-type')).toBe(TRIGGER_TYPE);
	await expect(trigger.innerText()).resolves.toContain('Gateway webhook');

	// the icons are our SVGs, served by n8n from the package
	await page.waitForFunction(
		(src) => [...document.querySelectorAll(`img[src="${src}"]`)].some((img) => img.complete && img.naturalWidth > 0),
		ICON_PATH,
		{ timeout: 30_000 },
	);
	expect(await loadedWidth(`[data-test-id="canvas-node"][data-node-name="${ACTION_NODE}"] img[src="${ICON_PATH}"]`)).toBeGreaterThan(0);
	expect(
		await loadedWidth('[data-test-id="canvas-node"][data-node-name="WhatsApp Chats Trigger"] img[src$="/WhatsAppChatsTrigger/whatsapp.svg"]'),
	).toBeGreaterThan(0);
	const icon = await request('GET', `${n8n!.baseUrl}${ICON_PATH}`);
	expect(icon.status).toBe(200);
	expect(icon.headers['content-type']).toMatch(/svg/);
	expect(icon.text).toMatch(/^<svg[\s>]/);
	await screenshot('editor-canvas.png');
});

test('double-clicking the node opens its parameter panel: credential, resource, operation, fields', async () => {
	await canvasNode(ACTION_NODE).dblclick();
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.waitFor({ state: 'visible', timeout: 30_000 });
	await expect(ndv.locator('[data-test-id="node-title-container"]').innerText()).resolves.toContain(ACTION_NODE);
	expect(await loadedWidth(`[data-test-id="ndv"] img[src="${ICON_PATH}"]`)).toBeGreaterThan(0);

	await expect(ndv.locator('[data-test-id="node-credentials-select"] input').inputValue()).resolves.toBe(DEFAULT_CREDENTIAL.name);
	await expect(ndv.locator('[data-test-id="parameter-input-resource"] input').inputValue()).resolves.toBe('Message');
	await expect(ndv.locator('[data-test-id="parameter-input-operation"] input').inputValue()).resolves.toBe('React');
	for (const parameter of ['chatId', 'messageId', 'emoji']) {
		await expect(ndv.locator(`[data-test-id="parameter-input-${parameter}"]`).isVisible()).resolves.toBe(true);
	}
	await expect(ndv.locator('[data-test-id="parameter-input-emoji"] input').inputValue()).resolves.toBe('🙏');
});

test('the operation list shows every message operation with its description', async () => {
	await page.click('[data-test-id="parameter-input-operation"]');
	const options = page.locator('.el-select-dropdown__item:visible');
	await options.first().waitFor({ state: 'visible', timeout: 30_000 });
	const texts = (await options.allInnerTexts()).map((text) => text.split('\n').map((line) => line.trim()).filter(Boolean));
	expect(texts).toEqual(MESSAGE_OPERATIONS);
	await screenshot('editor-screenshot.png');
	const png = fs.readFileSync(path.join(DOCS, 'editor-screenshot.png'));
	expect(png.subarray(1, 4).toString()).toBe('PNG');
	expect(png.readUInt32BE(16)).toBe(1440); // IHDR width
});
