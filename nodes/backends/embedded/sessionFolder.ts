/**
 * The life of an embedded session's folder before anything is read from it: created from nothing
 * (mode 0700, with parents), an empty folder adopted, a folder of a session paired before files
 * were encrypted adopted (moved from the old default place, its files encrypted in place), and
 * everything else refused: a file, a folder of someone else's files, or another secret's session.
 * The marker file records that the package made the folder and which secret it belongs to.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { ensureFolder, readTextFile, restrictFolder, tempFileTarget, writeFileAtomic } from './atomicFile';
import { MARKER_FILE, type SessionPaths } from './paths';
import { isSealed, SealedFileError, sameKeyCheck } from './sessionCrypto';
import {
	damagedFileError,
	folderIsFileError,
	folderNotCreatedError,
	folderUnreadableError,
	foreignFolderError,
	otherSecretError,
	SessionFolderError,
} from './sessionFolderErrors';

const MARKER_KIND = 'n8n-nodes-whatsapp-chats embedded session';
const FOLDER_MODE = 0o700;
/** What a session folder of this package holds at its top level (besides the marker). */
const SESSION_ENTRIES = new Set(['creds.json', 'store.json', 'keys', 'session.lock']);
/** Baileys' key files as authState names them: `<type>-<id>.json`. */
const KEY_FILE = /^[a-z][a-z-]*-[^/\\]+\.json$/;

interface Marker {
	kind: string;
	format: 1;
	keyCheck: string;
}

/** A file this package writes at the top of a session folder (creds, store, marker). */
export function isOwnTopLevelFile(name: string): boolean {
	return name === 'creds.json' || name === 'store.json' || name === MARKER_FILE;
}

/** A file name authState gives a Signal key. */
export function isKeyFileName(name: string): boolean {
	return KEY_FILE.test(name);
}

/**
 * Before the lock: refuses what must not be opened and makes sure the folder exists (0700, with
 * parents). Reads only, except for creating the folder and moving an old default folder in place.
 */
export function prepareSessionFolder(paths: SessionPaths): void {
	adoptLegacyFolder(paths);
	let isFolder: boolean;
	try {
		isFolder = statSync(paths.folder).isDirectory();
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code !== 'ENOENT') throw code === 'ENOTDIR' ? folderNotCreatedError(paths, code) : error;
		createFolder(paths);
		return;
	}
	if (!isFolder) throw folderIsFileError(paths);
	inspectFolder(paths);
}

/**
 * Under the lock: an adopted folder becomes the package's own. Plain files of a session paired
 * before encryption are encrypted in place (each write atomic), then the marker is written.
 * Safe to run again after a crash half-way: sealed files are checked, plain ones sealed.
 */
export async function claimSessionFolder(paths: SessionPaths): Promise<void> {
	prepareSessionFolder(paths);
	if (readMarker(paths)) return;
	await restrictFolder(paths.folder);
	for (const name of ['creds.json', 'store.json']) await sealInPlace(paths, path.join(paths.folder, name), name);
	await ensureFolder(paths.keys);
	for (const name of await readdir(paths.keys)) {
		if (isKeyFileName(name)) await sealInPlace(paths, path.join(paths.keys, name), `keys/${name}`);
	}
	const marker: Marker = { kind: MARKER_KIND, format: 1, keyCheck: paths.access.keyCheck };
	await writeFileAtomic(paths.marker, `${JSON.stringify(marker, null, '\t')}\n`);
}

function createFolder(paths: SessionPaths): void {
	try {
		mkdirSync(paths.folder, { recursive: true, mode: FOLDER_MODE });
	} catch (error) {
		throw folderNotCreatedError(paths, (error as NodeJS.ErrnoException).code);
	}
}

/** An existing folder: ours (with the right secret), empty, or an old plain session; else refused. */
function inspectFolder(paths: SessionPaths): void {
	let foreign: string | undefined;
	try {
		if (readMarker(paths)) return;
		foreign = foreignEntry(paths.folder);
	} catch (error) {
		if (error instanceof SessionFolderError) throw error;
		throw folderUnreadableError(paths, (error as NodeJS.ErrnoException).code);
	}
	if (foreign !== undefined) throw foreignFolderError(paths, foreign);
}

/** The marker, checked against this credential's secret; undefined when the folder has none. */
function readMarker(paths: SessionPaths): Marker | undefined {
	let text: string;
	try {
		text = readFileSync(paths.marker, 'utf-8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
	let marker: Partial<Marker> | null;
	try {
		marker = JSON.parse(text) as Partial<Marker> | null;
	} catch {
		marker = null;
	}
	if (!marker || marker.kind !== MARKER_KIND || typeof marker.keyCheck !== 'string') {
		throw new SessionFolderError(
			`${MARKER_FILE} in the session folder of the embedded session "${paths.session}" is damaged, so the folder cannot be checked against this credential's Session Secret. ` +
				'Restore the folder from a backup, or pair the credential again in a new folder',
		);
	}
	if (!sameKeyCheck(marker.keyCheck, paths.access.keyCheck)) throw otherSecretError(paths);
	return marker as Marker;
}

/** The first entry that a session folder of this package never holds, if any. */
function foreignEntry(folder: string): string | undefined {
	for (const name of readdirSync(folder)) {
		const target = tempFileTarget(name);
		if (SESSION_ENTRIES.has(name) || (target !== undefined && isOwnTopLevelFile(target))) {
			if (name === 'keys') {
				const key = readdirSync(path.join(folder, name)).find((file) => !isKeyFileName(tempFileTarget(file) ?? file));
				if (key !== undefined) return `keys/${key}`;
			}
			continue;
		}
		return name;
	}
	return undefined;
}

/**
 * A session paired before files were encrypted lives in `whatsapp-chats/<session>/`; the first
 * credential with a secret that opens it takes it over (moved to its own folder, then sealed).
 */
function adoptLegacyFolder(paths: SessionPaths): void {
	const legacy = paths.legacyFolder;
	if (!legacy || exists(paths.folder) || !isFolder(legacy)) return;
	if (exists(path.join(legacy, MARKER_FILE)) || !exists(path.join(legacy, 'creds.json'))) return;
	try {
		if (foreignEntry(legacy) !== undefined) return;
		renameSync(legacy, paths.folder);
	} catch {
		// unreadable, or another process moved it first: this credential starts from its own folder
	}
}

/** False also when a part of the path is a file (ENOTDIR): then nothing is there to adopt. */
function exists(file: string): boolean {
	try {
		return statSync(file, { throwIfNoEntry: false }) !== undefined;
	} catch {
		return false;
	}
}

function isFolder(file: string): boolean {
	try {
		return statSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false;
	} catch {
		return false;
	}
}

async function sealInPlace(paths: SessionPaths, file: string, name: string): Promise<void> {
	const text = await readTextFile(file);
	if (text === undefined) return;
	if (isSealed(text)) {
		try {
			paths.access.cipher.open(name, text);
		} catch (error) {
			if (error instanceof SealedFileError) throw name === 'creds.json' ? damagedFileError(paths, name) : otherSecretError(paths);
			throw error;
		}
		return;
	}
	await writeFileAtomic(file, paths.access.cipher.seal(name, text));
}
