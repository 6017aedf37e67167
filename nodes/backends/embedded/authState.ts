/**
 * The auth state of an embedded session (creds + Signal keys) as files: `creds.json` and one file
 * per key under `keys/`, in Baileys' BufferJSON format. Every write is atomic (see atomicFile) and
 * all writes go through one queue in order, so a crash at any moment leaves a loadable state in
 * which each file holds either its previous or its new content.
 */
import type { AuthenticationCreds, SignalDataSet, SignalDataTypeMap, SignalKeyStore } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { ensureFolder, readJsonFile, readTextFile, removeLeftoverTempFiles, writeFileAtomic, writeFilesAtomic, type FileWrite } from './atomicFile';
import type { Baileys } from './loadBaileys';
import type { SessionPaths } from './paths';

/** The parts of Baileys the auth state needs (the crash-test child passes the same). */
export type AuthHelpers = Pick<Baileys, 'BufferJSON' | 'initAuthCreds' | 'proto'>;

type KeyType = keyof SignalDataTypeMap;

export class FileAuthState {
	/** Serialized JSON per key as on disk; parsed on every read so callers never share objects. */
	private readonly cache = new Map<string, string | null>();
	private queue: Promise<void> = Promise.resolve();
	private credsWriteQueued = false;
	private closed = false;

	readonly keys: SignalKeyStore;

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

	static async open(paths: SessionPaths, helpers: AuthHelpers): Promise<FileAuthState> {
		await ensureFolder(paths.keys);
		await removeLeftoverTempFiles(paths.folder);
		await removeLeftoverTempFiles(paths.keys);
		let creds: AuthenticationCreds | undefined;
		try {
			creds = await readJsonFile<AuthenticationCreds>(paths.creds, helpers.BufferJSON.reviver);
		} catch {
			// Atomic writes make this unlikely (a disk error); never print the content, it holds keys.
			throw new Error(`The auth state in ${paths.creds} is unreadable; delete the folder ${paths.folder} and pair the session again`);
		}
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
			await writeFileAtomic(this.paths.creds, JSON.stringify(this.creds, this.helpers.BufferJSON.replacer));
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

	/** Deletes creds and keys (after a logout); later writes of the old socket are ignored. */
	async wipe(): Promise<void> {
		await this.close();
		this.cache.clear();
		await rm(this.paths.keys, { recursive: true, force: true });
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
				let value = JSON.parse(text, this.helpers.BufferJSON.reviver);
				if (type === 'app-state-sync-key') value = this.helpers.proto.Message.AppStateSyncKeyData.fromObject(value);
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
				writes.push({ file: path.join(this.paths.keys, name), data: text });
			}
		}
		if (writes.length === 0) return Promise.resolve();
		return this.enqueue(() => writeFilesAtomic(writes));
	}

	private async readKeyFile(name: string): Promise<string | null> {
		try {
			const text = await readTextFile(path.join(this.paths.keys, name));
			if (text === undefined) return null;
			JSON.parse(text);
			return text;
		} catch {
			// An unreadable key counts as missing: Baileys renegotiates that Signal session.
			return null;
		}
	}

	private enqueue(task: () => Promise<void>): Promise<void> {
		const run = this.queue.then(task);
		this.queue = run.catch(() => undefined);
		return run;
	}
}

/** Same naming as Baileys' multi-file auth state, so folders stay recognisable. */
function keyFileName(type: string, id: string): string {
	return `${type}-${id.replace(/\//g, '__').replace(/:/g, '-')}.json`;
}
