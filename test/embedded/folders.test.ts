/**
 * Session folders and their files: created from nothing (0700, with parents), an empty folder
 * adopted, a file or a folder of someone else's files refused without touching it, only the
 * package's own files ever deleted, and damaged files (store of the wrong shape, empty creds)
 * met with the file kept aside or a clear error instead of a crash or a silent time-out.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { FileAuthState } from '../../nodes/backends/embedded/authState';
import { loadBaileys } from '../../nodes/backends/embedded/loadBaileys';
import { MARKER_FILE, sessionPaths } from '../../nodes/backends/embedded/paths';
import { acquireSession, closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { runChatsNode } from '../helpers/whatsAppChatsNode';
import { startWorld, tempFolder, testPaths, TEST_SECRET, type EmbeddedWorld } from './world';

jest.setTimeout(30_000);

const mode = (file: string) => statSync(file).mode & 0o777;

/** Opens the session as every operation does (lease from the registry), then closes it. */
async function openSession(folder: string): Promise<void> {
	const lease = await acquireSession(testPaths(folder));
	lease.release();
	await closeAllSessions();
}

async function openError(folder: string): Promise<string> {
	try {
		await openSession(folder);
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error('the session opened');
}

describe('session folders from nothing', () => {
	let root: string;
	beforeEach(async () => (root = await tempFolder('wa-folders-')));
	afterEach(async () => {
		await closeAllSessions();
		await rm(root, { recursive: true, force: true });
	});

	test('a folder with missing parents is created, every new level owner-only (0700), and marked as the package\'s own', async () => {
		const folder = path.join(root, 'a', 'b', 'session');
		await openSession(folder);
		for (const level of [path.join(root, 'a'), path.join(root, 'a', 'b'), folder, path.join(folder, 'keys')]) expect(mode(level)).toBe(0o700);
		expect(readdirSync(folder).sort()).toEqual([MARKER_FILE, 'keys']);
		expect(mode(path.join(folder, MARKER_FILE))).toBe(0o600);
		// The marker holds a key check, never the secret.
		expect(readFileSync(path.join(folder, MARKER_FILE), 'utf-8')).not.toContain(TEST_SECRET);
	});

	test('an existing empty folder is adopted: made owner-only and marked', async () => {
		const folder = path.join(root, 'empty');
		mkdirSync(folder, { mode: 0o755 });
		chmodSync(folder, 0o755);
		await openSession(folder);
		expect(mode(folder)).toBe(0o700);
		expect(existsSync(path.join(folder, MARKER_FILE))).toBe(true);
		await openSession(folder); // and opens again as its own
	});

	test('an Auth Folder that is a file is refused with what to do; the file is untouched', async () => {
		const file = path.join(root, 'notes.txt');
		writeFileSync(file, 'my notes');
		const message = await openError(file);
		expect(message).toBe(
			`The Auth Folder "${file}" is a file, not a folder: set Auth Folder in the WhatsApp Chats credential to a new or empty folder, ` +
				'or leave Auth Folder empty to keep the session in the n8n user folder',
		);
		expect(message).not.toMatch(/ENOENT|EEXIST|ENOTDIR/);
		expect(readFileSync(file, 'utf-8')).toBe('my notes');
	});

	test('an Auth Folder below a file cannot be created: said in words, no raw errno', async () => {
		const file = path.join(root, 'notes.txt');
		writeFileSync(file, 'my notes');
		const message = await openError(path.join(file, 'session'));
		expect(message).toBe(
			`The Auth Folder "${path.join(file, 'session')}" cannot be created: a part of its path is a file, not a folder. ` +
				'Set Auth Folder in the WhatsApp Chats credential to a new or empty folder, or leave Auth Folder empty to keep the session in the n8n user folder',
		);
	});

	test('a non-empty folder the package did not create is refused and left exactly as it was', async () => {
		const folder = path.join(root, 'documents');
		mkdirSync(path.join(folder, 'keys'), { recursive: true });
		writeFileSync(path.join(folder, 'report.txt'), 'quarterly');
		writeFileSync(path.join(folder, 'draft.tmp-1-2'), 'unsaved work');
		writeFileSync(path.join(folder, 'keys', 'id_rsa'), 'private');
		const before = readdirSync(folder).sort();
		const message = await openError(folder);
		expect(message).toMatch(
			new RegExp(
				`^The Auth Folder "${folder.replace(/[/\\]/g, '.')}" already holds files that WhatsApp Chats did not create \\(such as "(report\\.txt|draft\\.tmp-1-2|keys/id_rsa)"\\), ` +
					'so the embedded session "test" does not use it and changes nothing in it: set Auth Folder in the WhatsApp Chats credential to a new or empty folder',
			),
		);
		expect(readdirSync(folder).sort()).toEqual(before);
		expect(readFileSync(path.join(folder, 'draft.tmp-1-2'), 'utf-8')).toBe('unsaved work');
		expect(readdirSync(path.join(folder, 'keys'))).toEqual(['id_rsa']);
	});
});

describe('default folders and markers', () => {
	let root: string;
	let previous: string | undefined;
	beforeEach(async () => {
		root = await tempFolder('wa-default-');
		previous = process.env.N8N_USER_FOLDER;
	});
	afterEach(async () => {
		await closeAllSessions();
		if (previous === undefined) delete process.env.N8N_USER_FOLDER;
		else process.env.N8N_USER_FOLDER = previous;
		await rm(root, { recursive: true, force: true });
	});

	test('an n8n user folder that is a file: said in words, pointing at N8N_USER_FOLDER and Auth Folder, no server path', async () => {
		writeFileSync(path.join(root, 'user'), 'not a folder');
		process.env.N8N_USER_FOLDER = path.join(root, 'user');
		let message = '';
		try {
			const lease = await acquireSession(sessionPaths('test', undefined, TEST_SECRET));
			lease.release();
		} catch (error) {
			message = (error as Error).message;
		}
		expect(message).toBe(
			'The folder of the embedded session "test" cannot be created in the n8n user folder: a part of its path is a file, not a folder. ' +
				'Check that the n8n user folder (N8N_USER_FOLDER) is writable by n8n, or set Auth Folder in the WhatsApp Chats credential',
		);
	});

	test('a session folder that cannot be read is said in words, not a raw errno', async () => {
		const folder = path.join(root, 'session');
		mkdirSync(path.join(folder, MARKER_FILE), { recursive: true }); // where the marker file belongs
		expect(await openError(folder)).toBe(
			`The embedded session "test" cannot read the Auth Folder "${folder}": the system refused (EISDIR). ` +
				'Give the user n8n runs as access to it, or set Auth Folder in the WhatsApp Chats credential to a new or empty folder',
		);
	});

	test('a damaged marker is refused: the folder cannot be checked against the secret', async () => {
		const folder = path.join(root, 'session');
		await openSession(folder);
		writeFileSync(path.join(folder, MARKER_FILE), '{"kind":"something else"}');
		expect(await openError(folder)).toBe(
			`${MARKER_FILE} in the session folder of the embedded session "test" is damaged, so the folder cannot be checked against this credential's Session Secret. ` +
				'Restore the folder from a backup, or pair the credential again in a new folder',
		);
	});
});

describe('only the package\'s own files are ever deleted', () => {
	let folder: string;
	beforeEach(async () => (folder = await tempFolder('wa-own-')));
	afterEach(async () => await rm(folder, { recursive: true, force: true }));

	test('temp-file clean-up on open removes our half-written copies only; Logout\'s key removal keeps what we did not write', async () => {
		const B = await loadBaileys();
		const paths = testPaths(folder);
		const auth = await FileAuthState.open(paths, B);
		await auth.keys.set({ 'pre-key': { '1': { public: Buffer.from('p'), private: Buffer.from('q') } } });
		await auth.saveCreds();
		await auth.close();
		// Ours: leftovers of a crash. Not ours: a user's files that merely look alike.
		writeFileSync(path.join(folder, 'creds.json.tmp-99-1'), '{"half"');
		writeFileSync(path.join(paths.keys, 'pre-key-2.json.tmp-99-2'), '{"half"');
		writeFileSync(path.join(folder, 'backup.tmp-1-1'), 'user file');
		writeFileSync(path.join(folder, 'notes.tmp-old'), 'user file');
		writeFileSync(path.join(paths.keys, 'README.txt'), 'user file');
		writeFileSync(path.join(paths.keys, 'session-copied.json'), '{"not":"ours"}');

		const again = await FileAuthState.open(paths, B);
		expect(readdirSync(folder).sort()).toEqual([MARKER_FILE, 'backup.tmp-1-1', 'creds.json', 'keys', 'notes.tmp-old']);
		expect(readdirSync(paths.keys).sort()).toEqual(['README.txt', 'pre-key-1.json', 'session-copied.json']);

		await again.wipe(); // what Logout (and a logout from the phone) runs
		expect(readdirSync(paths.keys).sort()).toEqual(['README.txt', 'session-copied.json']);
		expect(readdirSync(folder).sort()).toEqual([MARKER_FILE, 'backup.tmp-1-1', 'keys', 'notes.tmp-old']);
	});
});

describe('damaged files', () => {
	let world: EmbeddedWorld;
	beforeEach(async () => (world = await startWorld({ paired: false })));
	afterEach(async () => await world?.close());

	const node = (parameters: Record<string, unknown>) => runChatsNode({ credentials: world.credentials, parameters: parameters as never });

	test('a store.json of valid JSON but the wrong shape is kept aside, the session starts with an empty store and Status says so once', async () => {
		const paths = testPaths(world.folder);
		await openSession(world.folder);
		const wrong = JSON.stringify({ version: 1, chats: { id: 'not a list' }, aliases: [] });
		writeFileSync(paths.store, paths.access.cipher.seal('store.json', wrong));

		const first = await node({ resource: 'session', operation: 'status' });
		expect(first.error).toBeUndefined();
		const raw = first.output[0].json.raw as Record<string, unknown>;
		const aside = readdirSync(world.folder).filter((name) => name.startsWith('store.json.bad-'));
		expect(aside).toHaveLength(1);
		expect(raw.storeNotice).toBe(
			`store.json is valid JSON of the wrong shape; it was kept as ${aside[0]} in the session folder and the session started with an empty store ` +
				'(chats and messages come back as WhatsApp sends them)',
		);
		expect(raw.store).toEqual({ chats: 0, messages: 0 });
		// Kept, byte for byte; not deleted.
		expect(paths.access.cipher.open('store.json', readFileSync(path.join(world.folder, aside[0]), 'utf-8'))).toBe(wrong);

		const second = await node({ resource: 'session', operation: 'status' });
		expect((second.output[0].json.raw as Record<string, unknown>).storeNotice).toBeNull();
		const chats = await node({ resource: 'chat', operation: 'getMany', returnAll: true });
		expect(chats.error?.message).toContain('not paired'); // works on as an ordinary (unpaired) session
	});

	test.each([
		['{}', 'an object without pairing keys'],
		['null', 'null'],
		['[]', 'a list'],
	])('creds.json holding %s: Get QR fails at once naming the file and what to do', async (content, what) => {
		const paths = testPaths(world.folder);
		await openSession(world.folder);
		writeFileSync(paths.creds, paths.access.cipher.seal('creds.json', content));
		const started = Date.now();
		const result = await node({ resource: 'session', operation: 'getQr' });
		expect(result.error?.message).toBe(
			`The auth state of the embedded session "test" (creds.json in the Auth Folder "${world.folder}") holds ${what} instead of the session's keys, ` +
				'so it can neither log in nor pair. Delete creds.json and the keys folder there and pair again with Session → Get QR',
		);
		expect(Date.now() - started).toBeLessThan(10_000); // not the QR time-out
		expect(world.wa.connections).toBe(0);
	});
});
