/**
 * Who may open an embedded session: only a credential with its Session Secret. Several
 * credentials on one n8n (same Session Name, other or no secret, an Auth Folder aimed at another
 * session) cannot read, open or delete it; files on disk hold no plaintext; a changed file fails
 * authentication; a session paired before encryption is adopted on first open.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { loadBaileys } from '../../nodes/backends/embedded/loadBaileys';
import { MARKER_FILE, sessionPaths } from '../../nodes/backends/embedded/paths';
import { closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { DEFAULT_CREDENTIAL, ensureDefaultCredential, type RestSession } from '../../scripts/n8n/server';
import { startFakeWhatsApp, type FakeWhatsApp } from '../fake-whatsapp';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { eventually, tempFolder, useTestSettings, writePairedAuth } from './world';
import { resetEmbeddedSettings } from '../../nodes/backends/embedded/settings';

jest.setTimeout(40_000);

const SECRET_A = 'alice-secret-Zx81-very-long';
const SECRET_B = 'bob-secret-Q2-also-long-enough';
const CONTACT = '15550004444@s.whatsapp.net';
const PRIVATE_TEXT = 'my private message for alice only';

let wa: FakeWhatsApp;
let userFolder: string;
let previousUserFolder: string | undefined;

beforeEach(async () => {
	wa = await startFakeWhatsApp();
	userFolder = await tempFolder('wa-users-');
	previousUserFolder = process.env.N8N_USER_FOLDER;
	process.env.N8N_USER_FOLDER = userFolder;
	process.env.WHATSAPP_CHATS_WA_URL = wa.url;
	useTestSettings();
});

afterEach(async () => {
	await wa.settle();
	await closeAllSessions();
	await wa.close();
	delete process.env.WHATSAPP_CHATS_WA_URL;
	if (previousUserFolder === undefined) delete process.env.N8N_USER_FOLDER;
	else process.env.N8N_USER_FOLDER = previousUserFolder;
	resetEmbeddedSettings();
	await rm(userFolder, { recursive: true, force: true });
});

const credential = (overrides: IDataObject): IDataObject => ({ connection: 'embedded', session: 'shared', ...overrides });
const run = (credentials: IDataObject, parameters: Record<string, unknown>) => runChatsNode({ credentials, parameters: parameters as never });

/** Alice's session, paired, in its default folder, with one private message in its store. */
async function pairAlice(): Promise<{ credentials: IDataObject; folder: string }> {
	const folder = sessionPaths('shared', undefined, SECRET_A).folder;
	await writePairedAuth(wa, folder, {}, 'shared', SECRET_A);
	const credentials = credential({ sessionSecret: SECRET_A });
	const status = await eventually(async () => {
		const json = (await run(credentials, { resource: 'session', operation: 'status' })).output[0]?.json;
		return json?.connected ? json : undefined;
	}, 10_000, 'alice connected');
	expect(status.me).toBe('15550001111@s.whatsapp.net');
	await wa.injectMessage({ chat: CONTACT, text: PRIVATE_TEXT });
	await eventually(async () => {
		const messages = await run(credentials, { resource: 'chat', operation: 'getMessages', chatId: chat(CONTACT), limit: 10 });
		return messages.output.some((item) => item.json.text === PRIVATE_TEXT);
	}, 5000, 'the private message in alice\'s store');
	return { credentials, folder };
}

function allFiles(folder: string): string[] {
	return readdirSync(folder, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => path.join(entry.parentPath, entry.name));
}

test('a second credential with the same Session Name and another or no secret cannot read the first one\'s messages', async () => {
	const alice = await pairAlice();

	// Bob: same Session Name, his own secret. Another folder: an unpaired session of his own.
	const bob = credential({ sessionSecret: SECRET_B });
	const bobMessages = await run(bob, { resource: 'chat', operation: 'getMessages', chatId: chat(CONTACT), limit: 10 });
	expect(bobMessages.error?.message).toContain('The embedded session "shared" is not paired yet');
	expect(JSON.stringify(bobMessages.output)).not.toContain(PRIVATE_TEXT);
	const bobStatus = (await run(bob, { resource: 'session', operation: 'status' })).output[0].json;
	expect(bobStatus).toMatchObject({ state: 'notPaired', connected: false, me: null });

	// Carol: no secret at all.
	const carol = await run(credential({}), { resource: 'chat', operation: 'getMessages', chatId: chat(CONTACT), limit: 10 });
	expect(carol.error?.message).toMatch(/^The embedded credential has no Session Secret\. Edit the WhatsApp Chats credential and fill in Session Secret/);

	// Alice still reads hers.
	const mine = await run(alice.credentials, { resource: 'chat', operation: 'getMessages', chatId: chat(CONTACT), limit: 10 });
	expect(mine.output.map((item) => item.json.text)).toContain(PRIVATE_TEXT);
});

test('a credential with its Auth Folder aimed at another session\'s folder cannot open, read or delete it', async () => {
	const alice = await pairAlice();
	const mallory = credential({ sessionSecret: SECRET_B, authFolder: alice.folder });
	const refused = `The Auth Folder "${alice.folder}" belongs to an embedded session with another Session Secret, so this credential cannot open, read or delete it. ` +
		'Use the credential that paired that session; to pair this credential on its own, leave its Auth Folder empty or choose a new folder';

	// While Alice's session is open in this process (the shared connection is not handed out)…
	for (const parameters of [
		{ resource: 'chat', operation: 'getMessages', chatId: chat(CONTACT), limit: 10 },
		{ resource: 'session', operation: 'status' },
		{ resource: 'session', operation: 'logout' },
	]) {
		const result = await run(mallory, parameters);
		expect(result.error?.message).toBe(refused);
		expect(JSON.stringify(result.output)).not.toContain(PRIVATE_TEXT);
	}
	// …and once it is closed (the folder's marker tells the secrets apart).
	await wa.settle();
	await closeAllSessions();
	const before = allFiles(alice.folder).map((file) => [file, readFileSync(file, 'utf-8')]);
	for (const parameters of [{ resource: 'chat', operation: 'getMessages', chatId: chat(CONTACT), limit: 10 }, { resource: 'session', operation: 'logout' }]) {
		expect((await run(mallory, parameters)).error?.message).toBe(refused);
	}
	// Nothing read, changed or deleted.
	expect(allFiles(alice.folder).map((file) => [file, readFileSync(file, 'utf-8')])).toEqual(before);
	expect(before.map(([file]) => path.basename(file))).toEqual(expect.arrayContaining(['creds.json', 'store.json']));

	const mine = await run(alice.credentials, { resource: 'chat', operation: 'getMessages', chatId: chat(CONTACT), limit: 10 });
	expect(mine.output.map((item) => item.json.text)).toContain(PRIVATE_TEXT);
});

test('files on disk hold no plaintext: no keys, no message text; Status shows no folder path and no secret', async () => {
	const alice = await pairAlice();
	const status = await run(alice.credentials, { resource: 'session', operation: 'status' });
	await wa.settle();
	await closeAllSessions();

	const B = await loadBaileys();
	const paths = sessionPaths('shared', undefined, SECRET_A);
	const creds = JSON.parse(paths.access.cipher.open('creds.json', readFileSync(paths.creds, 'utf-8')), B.BufferJSON.reviver);
	const secrets = [
		Buffer.from(creds.noiseKey.private).toString('base64'),
		Buffer.from(creds.signedIdentityKey.private).toString('base64'),
		Buffer.from(creds.signedPreKey.keyPair.private).toString('base64'),
		creds.advSecretKey as string,
	];
	const files = allFiles(alice.folder);
	expect(files.length).toBeGreaterThan(3);
	for (const file of files) {
		const text = readFileSync(file, 'utf-8');
		for (const secret of secrets) expect(text).not.toContain(secret);
		expect(text).not.toContain(PRIVATE_TEXT);
		expect(text).not.toContain('noiseKey');
		expect(text).not.toContain(SECRET_A);
		if (!file.endsWith(MARKER_FILE) && !file.endsWith('session.lock')) expect(text).toMatch(/^wachats-aes256gcm-v1:/);
	}
	expect(statSync(alice.folder).mode & 0o777).toBe(0o700);

	const shown = JSON.stringify(status.output);
	expect(status.output[0].json.raw).not.toHaveProperty('authFolder');
	expect(shown).not.toContain(userFolder);
	expect(shown).not.toContain(path.basename(alice.folder));
	expect(shown).not.toContain(SECRET_A);
});

test('a changed creds.json fails authentication with a clear error; a changed store.json is kept aside', async () => {
	const alice = await pairAlice();
	await wa.settle();
	await closeAllSessions();
	const paths = sessionPaths('shared', undefined, SECRET_A);

	const store = readFileSync(paths.store, 'utf-8');
	writeFileSync(paths.store, store.slice(0, -8) + (store.endsWith('AAAAAAAA') ? 'BBBBBBBB' : 'AAAAAAAA'));
	const sealed = readFileSync(paths.creds, 'utf-8');
	const at = sealed.length - 20;
	writeFileSync(paths.creds, sealed.slice(0, at) + (sealed[at] === 'A' ? 'B' : 'A') + sealed.slice(at + 1));

	const result = await run(alice.credentials, { resource: 'session', operation: 'status' });
	expect(result.error?.message).toBe(
		`The auth state of the embedded session "shared" (creds.json in the session folder "whatsapp-chats/${path.basename(alice.folder)}" in the n8n user folder) ` +
			'failed its integrity check: it was changed outside n8n or written with another Session Secret. Restore the folder from a backup, ' +
			'or delete creds.json and the keys folder there and pair again with Session → Get QR',
	);
	expect(result.error?.message).not.toContain(SECRET_A);

	// Creds restored: the session opens; the changed store was set aside, not used and not deleted.
	writeFileSync(paths.creds, sealed);
	const status = await run(alice.credentials, { resource: 'session', operation: 'status' });
	expect(status.error).toBeUndefined();
	const raw = status.output[0].json.raw as Record<string, unknown>;
	expect(raw.storeNotice).toMatch(/^store\.json failed its integrity check \(changed outside n8n or written with another Session Secret\); it was kept as store\.json\.bad-/);
	expect(readdirSync(alice.folder).some((name) => name.startsWith('store.json.bad-'))).toBe(true);
});

/** Files as the package wrote them before encryption: plain BufferJSON in `whatsapp-chats/<session>/`. */
async function writePlainSession(folder: string): Promise<void> {
	const B = await loadBaileys();
	const paired = wa.makePairedCreds();
	mkdirSync(path.join(folder, 'keys'), { recursive: true });
	writeFileSync(path.join(folder, 'creds.json'), JSON.stringify(paired.creds, B.BufferJSON.replacer));
	for (const [type, entries] of paired.keys.data) {
		for (const [id, value] of entries) {
			writeFileSync(path.join(folder, 'keys', `${type}-${id.replace(/\//g, '__').replace(/:/g, '-')}.json`), JSON.stringify(value, B.BufferJSON.replacer));
		}
	}
	const key = { remoteJid: CONTACT, id: 'OLD1', fromMe: false };
	const chats = [{ id: CONTACT, name: 'Old friend', archived: false, pinned: false, unreadCount: 0, lastMessage: { key, timestamp: 1_700_000_000 }, messages: [{ key, timestamp: 1_700_000_000, text: 'kept from before', hasMedia: false }] }];
	writeFileSync(path.join(folder, 'store.json'), JSON.stringify({ version: 1, chats, aliases: {} }));
}

test('a session paired before encryption (plain files in whatsapp-chats/<session>/) is adopted on first open: moved, encrypted, still paired', async () => {
	const legacy = path.join(userFolder, '.n8n', 'whatsapp-chats', 'shared');
	await writePlainSession(legacy);
	const credentials = credential({ sessionSecret: SECRET_A });

	const status = await eventually(async () => {
		const json = (await run(credentials, { resource: 'session', operation: 'status' })).output[0]?.json;
		return json?.connected ? json : undefined;
	}, 10_000, 'the adopted session connected');
	expect(status).toMatchObject({ state: 'open', me: '15550001111@s.whatsapp.net' });
	const messages = await run(credentials, { resource: 'chat', operation: 'getMessages', chatId: chat(CONTACT), limit: 10 });
	expect(messages.output.map((item) => item.json.text)).toEqual(['kept from before']);

	const folder = sessionPaths('shared', undefined, SECRET_A).folder;
	await wa.settle();
	await closeAllSessions();
	expect(existsSync(legacy)).toBe(false);
	expect(existsSync(path.join(folder, MARKER_FILE))).toBe(true);
	for (const file of allFiles(folder).filter((file) => !file.endsWith(MARKER_FILE) && !file.endsWith('session.lock'))) {
		expect(readFileSync(file, 'utf-8')).toMatch(/^wachats-aes256gcm-v1:/);
	}

	// The next credential with that Session Name finds nothing left to take over.
	const bob = await run(credential({ sessionSecret: SECRET_B }), { resource: 'session', operation: 'status' });
	expect(bob.output[0].json).toMatchObject({ state: 'notPaired', me: null });
});

test('plain files of an old session in an Auth Folder are encrypted in place on first open', async () => {
	const folder = path.join(userFolder, 'my-auth');
	await writePlainSession(folder);
	const credentials = credential({ sessionSecret: SECRET_A, authFolder: folder });
	const messages = await run(credentials, { resource: 'chat', operation: 'getMessages', chatId: chat(CONTACT), limit: 10 });
	expect(messages.error).toBeUndefined();
	expect(messages.output.map((item) => item.json.text)).toEqual(['kept from before']);
	expect(readFileSync(path.join(folder, 'creds.json'), 'utf-8')).toMatch(/^wachats-aes256gcm-v1:/);
	expect(readFileSync(path.join(folder, 'store.json'), 'utf-8')).toMatch(/^wachats-aes256gcm-v1:/);
	// Adopted by Alice's secret: Bob's is refused from now on.
	expect((await run(credential({ sessionSecret: SECRET_B, authFolder: folder }), { resource: 'session', operation: 'status' })).error?.message).toContain(
		'belongs to an embedded session with another Session Secret',
	);
});

test('npm start gives the embedded credential it creates a random Session Secret of its own, which opens a session', async () => {
	const posted: Array<{ data: IDataObject }> = [];
	// The two REST calls ensureDefaultCredential makes on a fresh instance, recorded.
	const rest = {
		get: async () => [],
		post: async (_url: string, body: { name: string; data: IDataObject }) => {
			posted.push(body);
			return { id: String(posted.length), name: body.name };
		},
	} as unknown as RestSession;
	await ensureDefaultCredential(rest);
	await ensureDefaultCredential(rest);
	const [first, second] = posted.map((body) => body.data);
	expect(first).toMatchObject({ connection: 'embedded', session: 'default', sessionSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
	expect(second.sessionSecret).not.toBe(first.sessionSecret);
	expect(DEFAULT_CREDENTIAL.data).not.toHaveProperty('sessionSecret'); // never a shared, fixed secret
	const status = await run(first, { resource: 'session', operation: 'status' });
	expect(status.output[0].json).toMatchObject({ state: 'notPaired', connected: false });
});
