/**
 * One connection per session per process, shared by every node, execution and trigger that uses
 * it. Each user holds a lease. When the last lease is released the connection stays open for a
 * linger period after an execution, so the next execution reuses the warm socket instead of
 * logging in again; when the last user was a trigger (deactivated) or a credential test, and no
 * execution used it within the linger, it is closed at once and its lock freed for other processes.
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

/** Who holds a lease: only executions keep the session lingering after they end. */
export type SessionUse = 'execution' | 'trigger' | 'check';

interface Entry {
	refs: number;
	uses: Record<SessionUse, number>;
	starting: Promise<SessionConnection>;
	/** After an execution ended: the session stays connected until then (ms since epoch). */
	lingerUntil?: number;
	lingerTimer?: NodeJS.Timeout;
	closing?: Promise<void>;
}

const sessions = new Map<string, Entry>();

export async function acquireSession(paths: SessionPaths, use: SessionUse = 'execution'): Promise<SessionLease> {
	let entry = sessions.get(paths.folder);
	// A session that is shutting down is finished first: its lock must be free before a new start.
	if (entry?.closing) {
		await entry.closing;
		entry = sessions.get(paths.folder);
	}
	if (!entry) {
		const created: Entry = { refs: 0, uses: { execution: 0, trigger: 0, check: 0 }, starting: SessionConnection.start(paths) };
		entry = created;
		sessions.set(paths.folder, created);
		// A failed start (e.g. locked by another process) is forgotten, so the next use tries again.
		created.starting.catch(() => {
			if (sessions.get(paths.folder) === created) sessions.delete(paths.folder);
		});
	}
	const held = entry;
	held.refs++;
	held.uses[use]++;
	clearTimeout(held.lingerTimer);
	held.lingerTimer = undefined;
	let connection: SessionConnection;
	try {
		connection = await held.starting;
	} catch (error) {
		held.refs--;
		held.uses[use]--;
		throw error;
	}
	// Same folder, other secret (an Auth Folder aimed at another credential's session): no sharing.
	if (!sameKeyCheck(connection.paths.access.keyCheck, paths.access.keyCheck)) {
		releaseEntry(paths.folder, held, use, false);
		throw otherSecretError(paths);
	}
	describeUse(held, connection);
	let released = false;
	return {
		connection,
		release: () => {
			if (released) return;
			released = true;
			releaseEntry(paths.folder, held, use);
		},
	};
}

/** `lingers`: false for a lease refused after the start (it did not use the session). */
function releaseEntry(folder: string, entry: Entry, use: SessionUse, lingers = true): void {
	entry.refs--;
	entry.uses[use]--;
	if (use === 'execution' && lingers) entry.lingerUntil = Date.now() + embeddedSettings().lingerMs;
	if (entry.closing) return;
	if (entry.refs > 0) {
		void entry.starting.then((connection) => describeUse(entry, connection)).catch(() => undefined);
		return;
	}
	const lingerMs = (entry.lingerUntil ?? 0) - Date.now();
	if (lingerMs <= 0) {
		void closeEntry(folder, entry);
		return;
	}
	void entry.starting.then((connection) => describeUse(entry, connection)).catch(() => undefined);
	entry.lingerTimer = setTimeout(() => void closeEntry(folder, entry), lingerMs);
	// n8n keeps running anyway; an idle session must not keep a test run or a CLI process alive.
	entry.lingerTimer.unref();
}

/** Tells other processes (through the lock) what keeps this session open here, and until when. */
function describeUse(entry: Entry, connection: SessionConnection): void {
	const idle = entry.refs === 0 && entry.lingerUntil !== undefined && entry.lingerUntil > Date.now();
	connection.describeUse({
		triggers: entry.uses.trigger,
		executions: entry.uses.execution + entry.uses.check,
		lingerMs: embeddedSettings().lingerMs,
		...(idle ? { idleUntil: new Date(entry.lingerUntil!).toISOString() } : {}),
	});
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
