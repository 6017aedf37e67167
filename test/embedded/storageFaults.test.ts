/**
 * Store and auth-state writes that fail (issue 10): with `store.json` replaced by a folder, and
 * with the session folder on a full 256 KiB tmpfs, the session's lock is still released at close
 * (the next use in this process works), Session Status reports the failed write in `storage`,
 * operations that need the store fail saying what could not be written, and the auth state
 * already on disk stays as it was.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { FileAuthState } from '../../nodes/backends/embedded/authState';
import { loadBaileys } from '../../nodes/backends/embedded/loadBaileys';
import { closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { runChatsNode } from '../helpers/whatsAppChatsNode';
import { eventually, injectStored, startWorld, tempFolder, testPaths, writePairedAuth, type EmbeddedWorld } from './world';

jest.setTimeout(60_000);

let world: EmbeddedWorld;
beforeAll(async () => (world = await startWorld()));
afterAll(async () => await world?.close());

const node = (credentials: IDataObject, parameters: Record<string, unknown>) => runChatsNode({ credentials, parameters: parameters as never });
const status = async (credentials: IDataObject) => {
	const result = await node(credentials, { resource: 'session', operation: 'status' });
	expect(result.error).toBeUndefined();
	return result.output[0].json as Record<string, any>;
};

/** Every file of the auth state, by name, as it is on disk now. */
function authFiles(folder: string): Record<string, string> {
	const files: Record<string, string> = { 'creds.json': readFileSync(path.join(folder, 'creds.json'), 'utf-8') };
	for (const name of readdirSync(path.join(folder, 'keys'))) files[`keys/${name}`] = readFileSync(path.join(folder, 'keys', name), 'utf-8');
	return files;
}

/** The auth state on disk opens (decrypts) and is still paired; no file of it is empty. Only while the session is closed. */
async function expectLoadable(folder: string): Promise<void> {
	for (const [name, text] of Object.entries(authFiles(folder))) expect([name, text.length > 0]).toEqual([name, true]);
	const auth = await FileAuthState.open(testPaths(folder), await loadBaileys());
	try {
		expect(auth.isPaired).toBe(true);
		expect(auth.creds.me?.id).toMatch(/^15550001111[:@]/);
	} finally {
		await auth.close();
	}
}

describe('store.json replaced by a folder', () => {
	const storeFailure = 'The embedded session "test" cannot save its files: writing store.json failed (a folder is in the way of the file). ';

	test('the failure shows in Status and in operations that need the store; close still releases the lock', async () => {
		const credentials = world.credentials;
		expect(await status(credentials)).toMatchObject({ state: 'open', storage: { ok: true, error: null, at: null } });
		await injectStored(world, { chat: '15554000001@s.whatsapp.net', text: 'before' });
		const storeFile = path.join(world.folder, 'store.json');
		await eventually(() => existsSync(storeFile), 5000, 'store.json written');
		const authBefore = authFiles(world.folder);

		rmSync(storeFile);
		mkdirSync(storeFile);
		writeFileSync(path.join(storeFile, 'someone-elses-file'), 'keep me');
		await injectStored(world, { chat: '15554000002@s.whatsapp.net', text: 'after' });

		const failing = await eventually(async () => {
			const json = await status(credentials);
			return json.storage.ok === false ? json : undefined;
		}, 5000, 'Status to report the failed write');
		expect(failing.storage.error).toContain(storeFailure);
		expect(Date.parse(failing.storage.at)).toBeGreaterThan(0);
		expect(JSON.stringify(failing.storage)).not.toContain(world.folder);

		const getMany = await node(credentials, { resource: 'chat', operation: 'getMany', returnAll: true });
		expect(getMany.error?.message).toContain(storeFailure);
		expect(getMany.error?.message).not.toContain(world.folder);

		await world.wa.settle();
		await closeAllSessions();
		expect(existsSync(path.join(world.folder, 'session.lock'))).toBe(false);
		expect(authFiles(world.folder)).toMatchObject(authBefore);
		expect(readFileSync(path.join(storeFile, 'someone-elses-file'), 'utf-8')).toBe('keep me');

		// Not "in use by another process: (this same process…)": the next use here just works.
		expect(await status(credentials)).toMatchObject({ state: 'open', connected: true });

		// Once the folder is out of the way, the next operation writes the store again and works.
		rmSync(storeFile, { recursive: true });
		await injectStored(world, { chat: '15554000003@s.whatsapp.net', text: 'fixed' });
		const getManyAgain = await node(credentials, { resource: 'chat', operation: 'getMany', returnAll: true });
		expect(getManyAgain.error).toBeUndefined();
		expect((await status(credentials)).storage).toEqual({ ok: true, error: null, at: null });
		await world.wa.settle();
		await closeAllSessions();
	});
});

/** A 256 KiB tmpfs (needs root and a sandbox that allows mounts), or undefined. */
async function mountSmallTmpfs(): Promise<string | undefined> {
	const folder = await tempFolder('wa-full-disk-');
	try {
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', folder], { stdio: 'ignore' });
		return folder;
	} catch {
		rmSync(folder, { recursive: true, force: true });
		return undefined;
	}
}

/** Fills the file system holding `file` until a write fails with ENOSPC; then frees `leaveBytes` of it. */
function fillDisk(file: string, leaveBytes = 0): void {
	const fd = openSync(file, 'w');
	const chunk = Buffer.alloc(4096, 1);
	let size = 0;
	try {
		for (;;) size += writeSync(fd, chunk);
	} catch (error) {
		expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
	}
	if (leaveBytes > 0) ftruncateSync(fd, Math.max(0, size - leaveBytes));
	closeSync(fd);
}

describe('a full disk (256 KiB tmpfs)', () => {
	let mountPoint: string | undefined;
	beforeAll(async () => (mountPoint = await mountSmallTmpfs()));
	afterAll(async () => {
		await closeAllSessions();
		if (mountPoint) {
			execFileSync('umount', [mountPoint]);
			rmSync(mountPoint, { recursive: true, force: true });
		}
	});

	test('Status says the disk is full, operations say so, the auth state on disk is intact, the lock is released', async () => {
		if (!mountPoint) throw new Error('this test needs to mount a 256 KiB tmpfs (run as root where mounts are allowed)');
		const folder = path.join(mountPoint, 'session');
		await writePairedAuth(world.wa, folder);
		const credentials = { ...world.credentials, authFolder: folder };
		const full = { ...world, folder };
		expect(await status(credentials)).toMatchObject({ state: 'open', storage: { ok: true } });
		// A store of some 40 KB, so that a few pages left free take the small key writes, not the store.
		for (let i = 0; i < 10; i++) await injectStored(full, { chat: '15554100001@s.whatsapp.net', text: `${i} ${'long message '.repeat(300)}` });
		await eventually(() => existsSync(path.join(folder, 'store.json')) && readFileSync(path.join(folder, 'store.json')).length > 35_000, 5000, 'a 40 KB store');
		await world.wa.settle();

		const filler = path.join(mountPoint, 'filler');
		fillDisk(filler, 16 * 1024);
		await injectStored(full, { chat: '15554100002@s.whatsapp.net', text: 'disk is nearly full now' });
		const failing = await eventually(async () => {
			const json = await status(credentials);
			return json.storage.ok === false ? json : undefined;
		}, 5000, 'Status to report the full disk');
		expect(failing.storage.error).toContain('cannot save its files: writing store.json failed (the disk is full)');
		const getMany = await node(credentials, { resource: 'chat', operation: 'getMany', returnAll: true });
		expect(getMany.error?.message).toContain('writing store.json failed (the disk is full)');
		expect(getMany.error?.message).not.toContain(mountPoint);

		// Now nothing at all fits: a message cannot be decrypted for good (its Signal session cannot be
		// saved), so it is not acknowledged to WhatsApp, and Status names the failed key write.
		fillDisk(path.join(mountPoint, 'filler-2'));
		const unacknowledged = world.wa.injectMessage({ chat: '15554100004@s.whatsapp.net', text: 'no room at all' }).then(
			() => 'acknowledged',
			() => 'not acknowledged',
		);
		const keysFailing = await eventually(async () => {
			const json = await status(credentials);
			return json.storage.error?.includes('writing the signal keys failed (the disk is full)') ? json : undefined;
		}, 5000, 'Status to report the failed key write');
		expect(keysFailing.storage.ok).toBe(false);
		expect(await unacknowledged).toBe('not acknowledged');
		// Closing cannot write anything either, and must not damage what is on disk.
		await world.wa.settle();
		const authOnDisk = authFiles(folder);
		await closeAllSessions();
		expect(existsSync(path.join(folder, 'session.lock'))).toBe(false);
		expect(authFiles(folder)).toEqual(authOnDisk);
		await expectLoadable(folder);

		// Full to the last page (closing freed the lock's): opening again cannot even write the lock, and says so in words.
		fillDisk(path.join(mountPoint, 'filler-3'));
		const blocked = await node(credentials, { resource: 'session', operation: 'status' });
		expect(blocked.error?.message).toContain('cannot save its files: writing session.lock failed (the disk is full)');
		expect(blocked.error?.message).not.toContain(mountPoint);
		expect(authFiles(folder)).toEqual(authOnDisk);

		rmSync(path.join(mountPoint, 'filler-2'));
		rmSync(path.join(mountPoint, 'filler-3'));
		// Room again: the same process opens the session, writes the store and reports all well.
		rmSync(filler);
		expect(await status(credentials)).toMatchObject({ state: 'open', connected: true });
		await injectStored(full, { chat: '15554100003@s.whatsapp.net', text: 'room again' });
		expect((await node(credentials, { resource: 'chat', operation: 'getMany', returnAll: true })).error).toBeUndefined();
		expect((await status(credentials)).storage).toEqual({ ok: true, error: null, at: null });
		await world.wa.settle();
		await closeAllSessions();
		await expectLoadable(folder);
	});
});
