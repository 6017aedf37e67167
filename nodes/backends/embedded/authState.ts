/**
 * The auth state of an embedded session (creds + Signal keys) as files: `creds.json` and one file
 * per key under `keys/`, in Baileys' BufferJSON format, each sealed with the key derived from the
 * credential's Session Secret (AES-256-GCM, see sessionCrypto). Every write is atomic (see
 * atomicFile) and all writes go through one queue in order, so a crash at any moment leaves a
 * loadable state in which each file holds either its previous or its new content.
 */
import type { AuthenticationCreds, SignalDataSet, SignalDataTypeMap, SignalKeyStore } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { ensureFolder, readTextFile, removeLeftoverTempFiles, writeFileAtomic, writeFilesAtomic, type FileWrite } from './atomicFile';
import type { Baileys } from './loadBaileys';
import type { SessionPaths } from './paths';
import { SealedFileError } from './sessionCrypto';
import { claimSessionFolder, isKeyFileName, isOwnTopLevelFile } from './sessionFolder';
import { damagedFileError, unreadableFileError } from './sessionFolderErrors';

/** The parts of Baileys the auth state needs (the crash-test child passes the same). */
export type AuthHelpers = Pick<Baileys, 'BufferJSON' | 'initAuthCreds' | 'proto'>;

type KeyType = keyof SignalDataTypeMap;

export class FileAuthState {
	/** Serialized JSON per key as on disk; parsed on every read (except SHARED_KEY_TYPES). */
	private readonly cache = new Map<string, string | null>();
	/** Parsed values of SHARED_KEY_TYPES, read several times per chat change. */
	private readonly parsed = new Map<string, unknown>();
	private queue: Promise<void> = Promise.resolve();
	private credsWriteQueued = false;
	private closed = false;

	readonly keys: SignalKeyStore;
	/** A write Baileys did not wait for (resyncable keys only) failed; it is not retried. */
	onWriteBehindFailure?: (error: Error) => void;

	private constructor(
		private readonly paths: SessionPaths,
		private readonly helpers: AuthHelpers,
		/** Baileys mutates this object in place; it is what `saveCreds` writes. */
		readonly creds: AuthenticationCreds,
	) {
		this.keys = {
			get: (type, ids) => this.getKeys(type, ids),
			set: (data) => this.setKeys(data),
		};
	}

	/** Makes (or adopts) the session folder, then loads the creds; a new session gets fresh ones. */
	static async open(paths: SessionPaths, helpers: AuthHelpers): Promise<FileAuthState> {
		await claimSessionFolder(paths);
		await ensureFolder(paths.keys);
		await removeLeftoverTempFiles(paths.folder, isOwnTopLevelFile);
		await removeLeftoverTempFiles(paths.keys, isKeyFileName);
		const creds = await readCreds(paths, helpers);
		return new FileAuthState(paths, helpers, creds ?? helpers.initAuthCreds());
	}

	/** Linked to a phone: pair-success stored the signed device identity. */
	get isPaired(): boolean {
		return !!this.creds.me?.id && !!this.creds.account;
	}

	/** Queues a write of the current creds; several calls before it runs share one write. */
	saveCreds(): Promise<void> {
		if (this.closed) return Promise.resolve();
		if (this.credsWriteQueued) return this.queue;
		this.credsWriteQueued = true;
		return this.enqueue(async () => {
			this.credsWriteQueued = false;
			await writeFileAtomic(this.paths.creds, this.paths.access.cipher.seal(CREDS_NAME, JSON.stringify(this.creds, this.helpers.BufferJSON.replacer)));
		});
	}

	/** Resolves once everything queued so far is on disk. */
	flush(): Promise<void> {
		return this.queue;
	}

	/** Stops accepting writes after those already queued. */
	async close(): Promise<void> {
		this.closed = true;
		await this.queue;
	}

	/**
	 * Deletes creds and keys (after a logout); later writes of the old socket are ignored. Only
	 * files this state wrote go: key files that open with this session's key, and our temp files.
	 */
	async wipe(): Promise<void> {
		await this.close();
		this.cache.clear();
		this.parsed.clear();
		const names = await readdir(this.paths.keys).catch(() => [] as string[]);
		for (const name of names) {
			if (!isKeyFileName(name) || (await this.readKeyFile(name)) === null) continue;
			await rm(path.join(this.paths.keys, name), { force: true });
		}
		await removeLeftoverTempFiles(this.paths.keys, isKeyFileName);
		// Left in place when something else is in there.
		await rmdir(this.paths.keys).catch(() => undefined);
		await rm(this.paths.creds, { force: true });
	}

	private async getKeys<T extends KeyType>(type: T, ids: string[]): Promise<{ [id: string]: SignalDataTypeMap[T] }> {
		const found: { [id: string]: SignalDataTypeMap[T] } = {};
		await Promise.all(
			ids.map(async (id) => {
				const name = keyFileName(type, id);
				let text = this.cache.get(name);
				if (text === undefined) {
					text = await this.readKeyFile(name);
					// A write may have landed while we read; it wins.
					if (!this.cache.has(name)) this.cache.set(name, text);
					else text = this.cache.get(name) ?? null;
				}
				if (text === null) return;
				const shared = SHARED_KEY_TYPES.has(type) ? this.parsed.get(name) : undefined;
				if (shared !== undefined) {
					found[id] = shared as SignalDataTypeMap[T];
					return;
				}
				let value = JSON.parse(text, this.helpers.BufferJSON.reviver);
				if (type === 'app-state-sync-key') value = this.helpers.proto.Message.AppStateSyncKeyData.fromObject(value);
				if (SHARED_KEY_TYPES.has(type) && this.cache.get(name) === text) this.parsed.set(name, value);
				found[id] = value as SignalDataTypeMap[T];
			}),
		);
		return found;
	}

	private setKeys(data: SignalDataSet): Promise<void> {
		if (this.closed) return Promise.resolve();
		const writes: FileWrite[] = [];
		for (const [type, entries] of Object.entries(data)) {
			for (const [id, value] of Object.entries(entries ?? {})) {
				const name = keyFileName(type, id);
				const text = value === null || value === undefined ? null : JSON.stringify(value, this.helpers.BufferJSON.replacer);
				this.cache.set(name, text);
				this.parsed.delete(name);
				const data = text === null ? null : this.paths.access.cipher.seal(`keys/${name}`, text);
				writes.push({ file: path.join(this.paths.keys, name), data, durable: !RESYNCABLE_KEY_TYPES.has(type) });
			}
		}
		if (writes.length === 0) return Promise.resolve();
		const written = this.enqueue(() => writeFilesAtomic(writes));
		if (writes.some((write) => write.durable)) return written;
		// Only resyncable keys: Baileys goes on at once (reads are served from the cache meanwhile).
		written.catch((error: unknown) => this.onWriteBehindFailure?.(error as Error));
		return Promise.resolve();
	}

	private async readKeyFile(name: string): Promise<string | null> {
		try {
			const sealed = await readTextFile(path.join(this.paths.keys, name));
			if (sealed === undefined) return null;
			const text = this.paths.access.cipher.open(`keys/${name}`, sealed);
			JSON.parse(text);
			return text;
		} catch {
			// An unreadable or inauthentic key counts as missing: Baileys renegotiates that Signal session.
			return null;
		}
	}

	private enqueue(task: () => Promise<void>): Promise<void> {
		const run = this.queue.then(task);
		this.queue = run.catch(() => undefined);
		return run;
	}
}

const CREDS_NAME = 'creds.json';

/**
 * Keys written atomically but without fsync, and without Baileys waiting for the write (write
 * behind, in order with every other write): a crash or power cut may leave them older or lost, and
 * Baileys then merely downloads again what WhatsApp holds anyway. The app-state version (the
 * hash of each chat-settings collection, rewritten by every archive, mark unread, pin...): an
 * older or missing one makes Baileys fetch the patches since then, or the collection's snapshot.
 * Creds and every Signal key (sessions, pre-keys, sender keys, app-state keys) stay fsynced.
 */
/**
 * Keys Baileys reads several times per chat change and never changes in place (it copies an
 * app-state version before applying a patch, and app-state keys are read-only): parsed once
 * per write and handed out shared. Signal keys are parsed on every read.
 */
const SHARED_KEY_TYPES: ReadonlySet<string> = new Set<KeyType>(['app-state-sync-key', 'app-state-sync-version']);

export const RESYNCABLE_KEY_TYPES: ReadonlySet<string> = new Set<KeyType>(['app-state-sync-version']);

/** The creds on disk, undefined for a session never paired; a damaged or empty file is an error. */
async function readCreds(paths: SessionPaths, helpers: AuthHelpers): Promise<AuthenticationCreds | undefined> {
	let value: unknown;
	try {
		const sealed = await readTextFile(paths.creds);
		if (sealed === undefined) return undefined;
		value = JSON.parse(paths.access.cipher.open(CREDS_NAME, sealed), helpers.BufferJSON.reviver);
	} catch (error) {
		// Never print the content: it holds keys.
		if (error instanceof SealedFileError) throw damagedFileError(paths, CREDS_NAME);
		if (error instanceof SyntaxError) throw unreadableFileError(paths, CREDS_NAME, 'is not valid JSON');
		throw error;
	}
	if (!looksLikeCreds(value)) {
		const what = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object without pairing keys' : `a ${typeof value}`;
		throw unreadableFileError(paths, CREDS_NAME, `holds ${what} instead of the session's keys, so it can neither log in nor pair`);
	}
	return value;
}

function looksLikeCreds(value: unknown): value is AuthenticationCreds {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
	const creds = value as Partial<AuthenticationCreds>;
	return !!creds.noiseKey?.private && !!creds.signedIdentityKey?.private && !!creds.signedPreKey && typeof creds.registrationId === 'number';
}

/** Same naming as Baileys' multi-file auth state, so folders stay recognisable. */
function keyFileName(type: string, id: string): string {
	return `${type}-${id.replace(/\//g, '__').replace(/:/g, '-')}.json`;
}
