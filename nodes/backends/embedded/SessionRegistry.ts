/**
 * One connection per session per process, shared by every node, execution and trigger that uses
 * it. Each user holds a lease; when the last lease is released the connection stays open for a
 * linger period so the next execution reuses the warm socket instead of logging in again.
 */
import type { SessionPaths } from './paths';
import { SessionConnection } from './connection';
import { sameKeyCheck } from './sessionCrypto';
import { otherSecretError } from './sessionFolderErrors';
import { embeddedSettings } from './settings';

export interface SessionLease {
	readonly connection: SessionConnection;
	/** Gives the reference back; safe to call more than once. */
	release(): void;
}

interface Entry {
	refs: number;
	starting: Promise<SessionConnection>;
	lingerTimer?: NodeJS.Timeout;
	closing?: Promise<void>;
}

const sessions = new Map<string, Entry>();

export async function acquireSession(paths: SessionPaths): Promise<SessionLease> {
	let entry = sessions.get(paths.folder);
	// A session that is shutting down is finished first: its lock must be free before a new start.
	if (entry?.closing) {
		await entry.closing;
		entry = sessions.get(paths.folder);
	}
	if (!entry) {
		const created: Entry = { refs: 0, starting: SessionConnection.start(paths) };
		entry = created;
		sessions.set(paths.folder, created);
		// A failed start (e.g. locked by another process) is forgotten, so the next use tries again.
		created.starting.catch(() => {
			if (sessions.get(paths.folder) === created) sessions.delete(paths.folder);
		});
	}
	const held = entry;
	held.refs++;
	clearTimeout(held.lingerTimer);
	held.lingerTimer = undefined;
	let connection: SessionConnection;
	try {
		connection = await held.starting;
	} catch (error) {
		held.refs--;
		throw error;
	}
	// Same folder, other secret (an Auth Folder aimed at another credential's session): no sharing.
	if (!sameKeyCheck(connection.paths.access.keyCheck, paths.access.keyCheck)) {
		releaseEntry(paths.folder, held);
		throw otherSecretError(paths);
	}
	let released = false;
	return {
		connection,
		release: () => {
			if (released) return;
			released = true;
			releaseEntry(paths.folder, held);
		},
	};
}

function releaseEntry(folder: string, entry: Entry): void {
	entry.refs--;
	if (entry.refs > 0 || entry.closing) return;
	const lingerMs = embeddedSettings().lingerMs;
	entry.lingerTimer = setTimeout(() => void closeEntry(folder, entry), lingerMs);
	// n8n keeps running anyway; an idle session must not keep a test run or a CLI process alive.
	entry.lingerTimer.unref();
}

function closeEntry(folder: string, entry: Entry): Promise<void> {
	if (entry.refs > 0) return Promise.resolve();
	clearTimeout(entry.lingerTimer);
	entry.closing ??= entry.starting
		.then((connection) => connection.close())
		.catch(() => undefined)
		.finally(() => {
			if (sessions.get(folder) === entry) sessions.delete(folder);
		});
	return entry.closing;
}

/** Closes every session now, leases or not (process shutdown, tests). */
export async function closeAllSessions(): Promise<void> {
	await Promise.all(
		[...sessions.entries()].map(([folder, entry]) => {
			entry.refs = 0;
			return closeEntry(folder, entry);
		}),
	);
}
