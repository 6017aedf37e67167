/** The small parts on their own: reconnect policy, timeouts, the lock file rules, paths, auth files. */
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import path from 'node:path';
import { createBackend } from '../../nodes/backends/createBackend';
import { GatewayError, InvalidInputError } from '../../nodes/backends/errors';
import { writeFilesAtomic } from '../../nodes/backends/embedded/atomicFile';
import { FileAuthState } from '../../nodes/backends/embedded/authState';
import { loadBaileys } from '../../nodes/backends/embedded/loadBaileys';
import { sessionPaths } from '../../nodes/backends/embedded/paths';
import { decideOnDisconnect } from '../../nodes/backends/embedded/reconnectPolicy';
import { SessionLock } from '../../nodes/backends/embedded/sessionLock';
import { withTimeout } from '../../nodes/backends/embedded/withTimeout';
import { tempFolder, testPaths, TEST_SECRET } from './world';

describe('reconnect policy', () => {
	const backoff = { reconnectBaseMs: 1000, reconnectMaxMs: 30_000 };
	test.each([
		[515, 0, { action: 'reconnect', delayMs: 0 }],
		[515, 7, { action: 'reconnect', delayMs: 0 }],
		[408, 0, { action: 'reconnect', delayMs: 1000 }],
		[428, 1, { action: 'reconnect', delayMs: 2000 }],
		[500, 3, { action: 'reconnect', delayMs: 8000 }],
		[503, 10, { action: 'reconnect', delayMs: 30_000 }],
		[undefined, 2, { action: 'reconnect', delayMs: 4000 }],
		[440, 0, { action: 'stop', reason: 'replaced' }],
		[401, 0, { action: 'stop', reason: 'loggedOut' }],
		[403, 0, { action: 'stop', reason: 'failed' }],
		[411, 0, { action: 'stop', reason: 'failed' }],
	])('code %s, attempt %i → %o', (code, attempt, decision) => {
		expect(decideOnDisconnect(code, attempt, backoff)).toEqual(decision);
	});
});

test('withTimeout: a call that never settles fails with a timeout GatewayError naming the action', async () => {
	const never = new Promise<never>(() => undefined);
	const error = await withTimeout(never, 50, 'archive of chat 1@s.whatsapp.net').catch((e: unknown) => e);
	expect(error).toBeInstanceOf(GatewayError);
	expect((error as GatewayError).kind).toBe('timeout');
	expect((error as GatewayError).message).toBe(
		'WhatsApp did not complete archive of chat 1@s.whatsapp.net within 50 ms; the connection may be slow or the phone offline',
	);
	await expect(withTimeout(Promise.resolve(7), 50, 'x')).resolves.toBe(7);
});

describe('session lock rules', () => {
	let folder: string;
	let lockFile: string;
	beforeEach(async () => {
		folder = await tempFolder('wa-lock-');
		lockFile = path.join(folder, 'session.lock');
	});
	afterEach(async () => await rm(folder, { recursive: true, force: true }));

	const writeHolder = (holder: Record<string, unknown>, ageMs = 0) => {
		writeFileSync(lockFile, JSON.stringify({ since: new Date().toISOString(), token: 'other', ...holder }));
		const at = new Date(Date.now() - ageMs);
		utimesSync(lockFile, at, at);
	};

	test('taken, released, taken again; a second acquire in the same process is refused', () => {
		const lock = SessionLock.acquire(lockFile, 's');
		expect(() => SessionLock.acquire(lockFile, 's')).toThrow(/this same process, through another copy of the node package/);
		lock.release();
		expect(existsSync(lockFile)).toBe(false);
		SessionLock.acquire(lockFile, 's').release();
	});

	test('our pid but an earlier process start (a restarted container) is stale', () => {
		writeHolder({ host: hostname(), pid: process.pid, processStart: 1 });
		SessionLock.acquire(lockFile, 's').release();
	});

	test('another host: held while it is touched, taken over once it is older than 90 s', () => {
		writeHolder({ host: 'other-host', pid: 1, processStart: 1 });
		expect(() => SessionLock.acquire(lockFile, 's')).toThrow('is in use by another process: process 1 on host "other-host"');
		writeHolder({ host: 'other-host', pid: 1, processStart: 1 }, 91_000);
		SessionLock.acquire(lockFile, 's').release();
	});

	test('an empty lock (writer crashed between create and write) is stale after a grace period', () => {
		writeFileSync(lockFile, '');
		expect(() => SessionLock.acquire(lockFile, 's')).toThrow('a process that is just starting it');
		const old = new Date(Date.now() - 5000);
		utimesSync(lockFile, old, old);
		SessionLock.acquire(lockFile, 's').release();
	});
});

describe('paths', () => {
	test('default folder is inside the n8n user folder, named after the session and the secret; ~ is expanded; bad names are refused', () => {
		const previous = process.env.N8N_USER_FOLDER;
		process.env.N8N_USER_FOLDER = '/srv/n8n';
		try {
			const folder = sessionPaths('sales', undefined, TEST_SECRET).folder;
			expect(path.dirname(folder)).toBe(path.join('/srv/n8n', '.n8n', 'whatsapp-chats'));
			expect(path.basename(folder)).toMatch(/^sales-[0-9a-f]{16}$/);
			expect(sessionPaths('sales', '', TEST_SECRET).folder).toBe(folder);
			// Same Session Name, another secret: another folder.
			expect(sessionPaths('sales', undefined, 'another-secret-of-bob').folder).not.toBe(folder);
			expect(folder).not.toContain(TEST_SECRET);
		} finally {
			if (previous === undefined) delete process.env.N8N_USER_FOLDER;
			else process.env.N8N_USER_FOLDER = previous;
		}
		expect(sessionPaths('x', '~/wa/x', TEST_SECRET).folder).toBe(path.join(homedir(), 'wa', 'x'));
		expect(() => sessionPaths('../etc', undefined, TEST_SECRET)).toThrow(InvalidInputError);
	});

	test('a missing or short Session Secret is refused with the field named and the value never repeated', () => {
		expect(() => sessionPaths('x', undefined, undefined)).toThrow(
			'The embedded credential has no Session Secret. Edit the WhatsApp Chats credential and fill in Session Secret',
		);
		expect(() => sessionPaths('x', undefined, '')).toThrow('has no Session Secret');
		let message = '';
		try {
			sessionPaths('x', undefined, 'hunter2hunt');
		} catch (error) {
			message = (error as Error).message;
		}
		expect(message).toBe('The Session Secret of the embedded credential is too short: use at least 12 characters (e.g. a random one from a password manager)');
		expect(message).not.toContain('hunter2hunt');
	});

	test('createBackend refuses a bad session name before loading anything', async () => {
		await expect(createBackend({ connection: 'embedded', session: 'a/b' })).rejects.toThrow(
			'Invalid Session Name "a/b": expected a name of letters, digits, ".", "_" or "-" (up to 64), such as "default"',
		);
	});
});

describe('auth files', () => {
	let folder: string;
	beforeEach(async () => (folder = await tempFolder('wa-auth-')));
	afterEach(async () => await rm(folder, { recursive: true, force: true }));

	test('keys round-trip through disk, deletions remove files, app-state keys come back as protobuf objects', async () => {
		const B = await loadBaileys();
		const paths = testPaths(folder, 't');
		const auth = await FileAuthState.open(paths, B);
		await auth.keys.set({
			session: { 'a.0:1@lid': Buffer.from('one'), 'b.0:1@lid': Buffer.from('two') },
			'app-state-sync-key': { AAAA: { keyData: Buffer.from('k'), timestamp: 5 } as never },
		});
		await auth.keys.set({ session: { 'b.0:1@lid': null } });
		await auth.saveCreds();
		await auth.close();
		expect(readdirSync(paths.keys).sort()).toEqual(['app-state-sync-key-AAAA.json', 'session-a.0-1@lid.json']);

		const again = await FileAuthState.open(paths, B);
		expect(again.creds.noiseKey.public).toEqual(auth.creds.noiseKey.public);
		expect(await again.keys.get('session', ['a.0:1@lid', 'b.0:1@lid'])).toEqual({ 'a.0:1@lid': Buffer.from('one') });
		const appStateKey = (await again.keys.get('app-state-sync-key', ['AAAA'])).AAAA;
		expect(appStateKey).toBeInstanceOf(B.proto.Message.AppStateSyncKeyData);
		await again.close();
	});

	test('leftover temp files from a crash are removed on open; a batch write leaves none', async () => {
		const B = await loadBaileys();
		const paths = testPaths(folder, 't');
		mkdirSync(paths.keys, { recursive: true });
		writeFileSync(path.join(paths.keys, 'session-x.json.tmp-123-1'), '{"half":');
		writeFileSync(path.join(folder, 'creds.json.tmp-123-2'), '{"half":');
		await writeFilesAtomic([
			{ file: path.join(paths.keys, 'pre-key-1.json'), data: paths.access.cipher.seal('keys/pre-key-1.json', '1') },
			{ file: path.join(paths.keys, 'pre-key-2.json'), data: paths.access.cipher.seal('keys/pre-key-2.json', '2') },
		]);
		const auth = await FileAuthState.open(paths, B);
		expect(readdirSync(paths.keys).sort()).toEqual(['pre-key-1.json', 'pre-key-2.json']);
		expect(readdirSync(folder).some((name) => name.includes('.tmp-'))).toBe(false);
		expect(await auth.keys.get('pre-key', ['1', '2'])).toEqual({ 1: 1, 2: 2 });
		await auth.close();
	});
});
