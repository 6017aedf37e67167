/**
 * The one durability trade-off of the auth state: app-state versions (rewritten by every archive,
 * mark unread, pin...) are written atomically but behind Baileys' back and not fsynced, while
 * creds and Signal keys are fsynced before Baileys goes on.
 * Proves which writes are fsynced, and that every state a power cut can leave of that file
 * (an older version, none, a torn or empty file) still loads paired and the next chat change
 * works: Baileys fetches what it missed from WhatsApp and the hashes agree with the server's.
 */
import { copyFile, mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FileAuthState } from '../../nodes/backends/embedded/authState';
import { loadBaileys } from '../../nodes/backends/embedded/loadBaileys';
import { closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { injectStored, startWorld, tempFolder, testPaths, withConnection, type EmbeddedWorld } from './world';

jest.setTimeout(60_000);

const COLLECTION = 'regular_low';
const VERSION_FILE = `app-state-sync-version-${COLLECTION}.json`;

async function fileHandlePrototype() {
	const folder = await tempFolder('wa-proto-');
	const handle = await open(path.join(folder, 'probe'), 'w');
	await handle.close();
	await rm(folder, { recursive: true, force: true });
	return Object.getPrototypeOf(handle) as { sync: () => Promise<void> };
}

test('app-state versions are written without fsync; creds and Signal keys are fsynced', async () => {
	const B = await loadBaileys();
	const folder = await tempFolder('wa-fsync-');
	const sync = jest.spyOn(await fileHandlePrototype(), 'sync');
	try {
		const auth = await FileAuthState.open(testPaths(folder), B);
		const state = { version: 3, hash: Buffer.alloc(128, 1), indexValueMap: {} };

		sync.mockClear();
		await auth.keys.set({ 'app-state-sync-version': { [COLLECTION]: state } });
		// Written behind Baileys' back: served from memory at once, on disk after a flush.
		expect((await auth.keys.get('app-state-sync-version', [COLLECTION]))[COLLECTION]).toEqual(state);
		await auth.flush();
		expect(sync).not.toHaveBeenCalled();
		// Still written, and read back the same after a restart.
		await auth.close();
		const reopened = await FileAuthState.open(testPaths(folder), B);
		expect((await reopened.keys.get('app-state-sync-version', [COLLECTION]))[COLLECTION]).toEqual(state);

		sync.mockClear();
		await reopened.keys.set({ session: { '1.0:1@lid': Buffer.from('signal session') as never } });
		// The temp file and the folder.
		expect(sync).toHaveBeenCalledTimes(2);

		sync.mockClear();
		await reopened.saveCreds();
		expect(sync).toHaveBeenCalledTimes(2);

		// One batch with both: only the Signal key's temp file and its folder are fsynced.
		sync.mockClear();
		await reopened.keys.set({ 'app-state-sync-version': { [COLLECTION]: { ...state, version: 4 } }, 'pre-key': { '7': { public: Buffer.alloc(32), private: Buffer.alloc(32) } } });
		expect(sync).toHaveBeenCalledTimes(2);
		await reopened.close();
	} finally {
		sync.mockRestore();
		await rm(folder, { recursive: true, force: true });
	}
});

test('a background write of an app-state version that fails is reported, and later writes still land', async () => {
	const B = await loadBaileys();
	const folder = await tempFolder('wa-behind-');
	try {
		const paths = testPaths(folder);
		const auth = await FileAuthState.open(paths, B);
		const failures: Error[] = [];
		auth.onWriteBehindFailure = (error) => failures.push(error);
		// A folder where the temp file's target should be: the rename fails.
		await mkdir(path.join(paths.keys, VERSION_FILE));
		await expect(auth.keys.set({ 'app-state-sync-version': { [COLLECTION]: { version: 1, hash: Buffer.alloc(128), indexValueMap: {} } } })).resolves.toBeUndefined();
		await auth.flush();
		expect(failures).toHaveLength(1);
		// The queue goes on: a Signal key after it is written and awaited as usual.
		await auth.keys.set({ 'pre-key': { '9': { public: Buffer.alloc(32, 9), private: Buffer.alloc(32, 9) } } });
		await auth.close();
		const reopened = await FileAuthState.open(paths, B);
		expect((await reopened.keys.get('pre-key', ['9']))['9']).toEqual({ public: Buffer.alloc(32, 9), private: Buffer.alloc(32, 9) });
		await reopened.close();
	} finally {
		await rm(folder, { recursive: true, force: true });
	}
});

describe('whatever a power cut leaves of the app-state version, the session stays paired and the next change works', () => {
	let world: EmbeddedWorld;
	const contact = (n: number) => `1555200${String(n).padStart(4, '0')}@s.whatsapp.net`;

	beforeAll(async () => {
		world = await startWorld();
		const status = await node({ resource: 'session', operation: 'status' });
		expect(status.output[0].json).toMatchObject({ state: 'open', appStateKeysReady: true });
	});
	afterAll(async () => await world?.close());

	async function node(parameters: Record<string, unknown>) {
		return await runChatsNode({ credentials: world.credentials, parameters: parameters as never });
	}

	async function archive(n: number) {
		const jid = contact(n);
		await injectStored(world, { chat: jid, text: `chat ${n}` });
		const result = await node({ resource: 'chat', operation: 'archive', chatId: chat(jid) });
		expect(result.error?.message).toBeUndefined();
		expect(result.output[0].json).toMatchObject({ success: true, archived: true });
		return jid;
	}

	async function clientVersion() {
		return await withConnection(world.folder, async (connection) => {
			await connection.whenOpen(5000);
			const auth = (connection as unknown as { auth: FileAuthState }).auth;
			await auth.flush();
			return (await auth.keys.get('app-state-sync-version', [COLLECTION]))[COLLECTION];
		});
	}

	/** Waits for the writes Baileys did not wait for. */
	async function flushed() {
		await withConnection(world.folder, async (connection) => await (connection as unknown as { auth: FileAuthState }).auth.flush());
	}

	test.each([
		['an older version', 'older'],
		['no file', 'missing'],
		['a torn file', 'torn'],
		['an empty file', 'empty'],
	] as const)('%s', async (_label, damage) => {
		const keys = testPaths(world.folder).keys;
		const base = (Math.floor(Math.random() * 1000) + 1) * 10;
		await archive(base);
		await flushed();
		expect(await readdir(keys)).toContain(VERSION_FILE);
		const older = path.join(world.folder, 'older-version');
		await copyFile(path.join(keys, VERSION_FILE), older);
		await archive(base + 1);
		await archive(base + 2);

		// The process goes away; the file is left as a power cut could leave it.
		await world.wa.settle();
		await closeAllSessions();
		const file = path.join(keys, VERSION_FILE);
		if (damage === 'older') await copyFile(older, file);
		if (damage === 'missing') await rm(file);
		if (damage === 'torn') {
			const sealed = await readFile(older, 'utf-8');
			await writeFile(file, sealed.slice(0, sealed.length >> 1));
		}
		if (damage === 'empty') await writeFile(file, '');
		await rm(older);

		const status = await node({ resource: 'session', operation: 'status' });
		expect(status.output[0].json).toMatchObject({ state: 'open', connected: true, me: '15550001111@s.whatsapp.net' });
		const before = world.wa.appStateOf(COLLECTION).version;
		const jid = await archive(base + 3);

		const mutation = await world.wa.waitFor('mutation', (m) => m.index[1] === jid);
		// Built on the server's newest version, not on what the damaged file said.
		expect(mutation.version).toBe(before + 1);
		const server = world.wa.appStateOf(COLLECTION);
		const client = await clientVersion();
		expect(client?.version).toBe(server.version);
		expect(Buffer.from(client!.hash).equals(server.hash)).toBe(true);
	});
});
