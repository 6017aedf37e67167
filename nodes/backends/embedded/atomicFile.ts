/**
 * Crash-safe file writes: data goes to a temp file that is fsynced and then renamed over the
 * target, and the folder is fsynced so the rename itself survives a power cut. A reader (or a
 * restart after a crash at any moment) sees either the old or the new content, never a mix.
 */
import { constants } from 'node:fs';
import { chmod, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

const TEMP_MARK = '.tmp-';
let tempCounter = 0;

export interface FileWrite {
	file: string;
	/** Content to write, or null to delete the file. */
	data: string | null;
	/**
	 * false: still atomic (temp file + rename: a crashed process leaves the old or the new content),
	 * but not fsynced, so after a power cut or OS crash the file may hold an older version or be
	 * lost. Only for files whose loss costs a re-download, never a pairing (default true).
	 */
	durable?: boolean;
}

/** Owner-only: these files hold the keys of a WhatsApp account. */
const FILE_MODE = 0o600;
const FOLDER_MODE = 0o700;
const PARALLEL_WRITES = 16;

/** Creates the folder and any missing parents, owner-only. */
export async function ensureFolder(folder: string): Promise<void> {
	await mkdir(folder, { recursive: true, mode: FOLDER_MODE });
}

/** Makes an existing folder owner-only (a folder the package adopts). */
export async function restrictFolder(folder: string): Promise<void> {
	await chmod(folder, FOLDER_MODE);
}

/** The name of the file a temp file of ours was staged for, or undefined when it is not ours. */
export function tempFileTarget(name: string): string | undefined {
	return /^(.+)\.tmp-\d+-\d+$/.exec(name)?.[1];
}

export async function writeFileAtomic(file: string, data: string): Promise<void> {
	await writeFilesAtomic([{ file, data }]);
}

/**
 * Writes (or deletes) several files; each one atomically. Temp files are written (and, when
 * durable, fsynced) in parallel first, then renamed, then each folder a durable write touched
 * is fsynced once.
 */
export async function writeFilesAtomic(writes: FileWrite[]): Promise<void> {
	const staged: Array<{ temp: string; file: string; durable: boolean }> = [];
	const removals: Array<{ file: string; durable: boolean }> = [];
	try {
		await forEachLimited(writes, PARALLEL_WRITES, async ({ file, data, durable = true }) => {
			if (data === null) {
				removals.push({ file, durable });
				return;
			}
			const temp = `${file}${TEMP_MARK}${process.pid}-${++tempCounter}`;
			staged.push({ temp, file, durable });
			await writeTempFile(temp, data, durable);
		});
		for (const { temp, file } of staged) await rename(temp, file);
		await Promise.all(removals.map(({ file }) => unlink(file).catch(ignoreMissing)));
	} catch (error) {
		await Promise.all(staged.map(({ temp }) => unlink(temp).catch(() => undefined)));
		throw error;
	}
	const folders = new Set([...staged, ...removals].filter(({ durable }) => durable).map(({ file }) => path.dirname(file)));
	await Promise.all([...folders].map(syncFolder));
}

/** File content, or undefined when the file does not exist. */
export async function readTextFile(file: string): Promise<string | undefined> {
	try {
		return await readFile(file, 'utf-8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

/** Parsed JSON content, or undefined when the file does not exist. */
export async function readJsonFile<T>(file: string, reviver?: (key: string, value: unknown) => unknown): Promise<T | undefined> {
	const text = await readTextFile(file);
	return text === undefined ? undefined : (JSON.parse(text, reviver) as T);
}

/**
 * Removes temp files a crash left behind (only ever half-written copies, never the real files):
 * only those named as this module names them, for a target `isOwn` accepts. Nothing else is touched.
 */
export async function removeLeftoverTempFiles(folder: string, isOwn: (target: string) => boolean): Promise<number> {
	let names: string[];
	try {
		names = await readdir(folder);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
		throw error;
	}
	const leftovers = names.filter((name) => {
		const target = tempFileTarget(name);
		return target !== undefined && isOwn(target);
	});
	await Promise.all(leftovers.map((name) => unlink(path.join(folder, name)).catch(ignoreMissing)));
	return leftovers.length;
}

async function writeTempFile(file: string, data: string, durable: boolean): Promise<void> {
	const handle = await open(file, constants.O_CREAT | constants.O_TRUNC | constants.O_WRONLY, FILE_MODE);
	try {
		await handle.writeFile(data, 'utf-8');
		if (durable) await handle.sync();
	} finally {
		await handle.close();
	}
}

async function syncFolder(folder: string): Promise<void> {
	let handle;
	try {
		handle = await open(folder, 'r');
		await handle.sync();
	} catch {
		// Windows cannot open or fsync a folder; the rename is still atomic there.
	} finally {
		await handle?.close();
	}
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
	if (error.code !== 'ENOENT') throw error;
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await work(items[next++]);
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
