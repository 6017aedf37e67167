/**
 * One process per session. A lock file next to the auth state names its holder (host, pid,
 * process start) and is touched every 30 s. A second process — a queue-mode worker, another n8n
 * instance — fails at once with an error that says so, instead of both connecting and WhatsApp
 * closing one of them with "connection replaced" over and over.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { GatewayError } from '../errors';
import { EMBEDDED_LABEL, isQueueMode, processRole, queueModeNote, storageError } from './embeddedErrors';
import { formatSeconds } from './withTimeout';

export interface LockHolder {
	host: string;
	pid: number;
	/** When the holding process started (ms): tells a restarted process with a reused pid apart. */
	processStart: number;
	since: string;
	token: string;
	/** Which n8n process holds it: `main`, a queue-mode `worker` or a `webhook` process. */
	role?: 'main' | 'worker' | 'webhook';
	queueMode?: boolean;
	/** What keeps the session open in that process; rewritten as it changes (see SessionRegistry). */
	use?: LockUse;
}

export interface LockUse {
	triggers: number;
	executions: number;
	/** How long the session stays connected after the last execution. */
	lingerMs: number;
	/** Idle after an execution: it is closed at this time (ISO), unless it is used again. */
	idleUntil?: string;
}

const HEARTBEAT_MS = 30_000;
/** How long a change of use waits for the next one before the lock is rewritten. */
const USE_WRITE_DELAY_MS = 50;
/** A lock not touched for this long belongs to a process that is gone (or frozen). */
export const LOCK_STALE_AFTER_MS = 90_000;
/** A crash between creating and writing the lock leaves it empty; give a live writer this long. */
const EMPTY_LOCK_GRACE_MS = 2_000;
/** Filesystems without hard links (some network and Windows shares): create with O_EXCL instead. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

const PROCESS_START = Math.round(Date.now() - process.uptime() * 1000);

/** Locks this process holds, removed on exit by one shared hook (not one listener per session). */
const heldLocks = new Set<SessionLock>();
let exitHookInstalled = false;

function releaseAllOnExit(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.once('exit', () => {
		for (const lock of [...heldLocks]) lock.release();
	});
}

export class SessionLock {
	private readonly heartbeat: NodeJS.Timeout;
	private released = false;
	/** The rewrite of `holder.use` under way, and whether `use` changed since it read it. */
	private useWrites: Promise<void> | undefined;
	private useChanged = false;
	/** Starts the pending rewrite now instead of after its delay. */
	private useWriteStart: (() => void) | undefined;

	private constructor(
		readonly file: string,
		readonly holder: LockHolder,
	) {
		this.heartbeat = setInterval(() => this.touch(), HEARTBEAT_MS);
		this.heartbeat.unref();
		heldLocks.add(this);
		releaseAllOnExit();
	}

	/**
	 * Takes the lock or throws a GatewayError naming the process that holds it. Creating the lock
	 * and taking over a stale one are both atomic, so of processes racing for it exactly one wins.
	 */
	static acquire(file: string, session: string): SessionLock {
		const holder: LockHolder = {
			host: hostname(),
			pid: process.pid,
			processStart: PROCESS_START,
			since: new Date().toISOString(),
			token: randomBytes(8).toString('hex'),
			role: processRole(),
			queueMode: isQueueMode(),
		};
		for (let attempt = 0; attempt < 5; attempt++) {
			let created: boolean;
			try {
				created = tryCreate(file, holder);
			} catch (error) {
				// Disk full, read-only, permissions: say so in words, without the server path.
				throw storageError(session, 'session.lock', error as Error);
			}
			if (created) return new SessionLock(file, holder);
			const seen = readLock(file);
			if (seen === 'missing') continue;
			if (!isStale(file, seen.holder)) throw lockedError(session, seen.holder === 'unreadable' ? undefined : seen.holder);
			// The holder is gone: take its place (or find that another process just did).
			claimStale(file, seen.text, holder.token);
		}
		throw lockedError(session, undefined);
	}

	/**
	 * Rewrites what the lock says about this process's use of the session (for the "in use"
	 * error), off the caller's path and at most once per USE_WRITE_DELAY_MS: it changes twice per
	 * execution, and only the wording of another process's error depends on it, not who holds the
	 * lock. One rewrite at a time, each with the newest use; changes made meanwhile share the next.
	 */
	describeUse(use: LockUse): void {
		if (this.released || JSON.stringify(use) === JSON.stringify(this.holder.use)) return;
		this.holder.use = use;
		this.useChanged = true;
		if (this.useWrites) return;
		// Back-to-back executions (busy, idle, busy...) share one rewrite.
		this.useWrites = new Promise<void>((resolve) => {
			this.useWriteStart = () => {
				clearTimeout(timer);
				this.useWriteStart = undefined;
				resolve(this.writeUses());
			};
			const timer = setTimeout(this.useWriteStart, USE_WRITE_DELAY_MS);
			timer.unref();
		}).finally(() => (this.useWrites = undefined));
	}

	/** Resolves once the lock file says what the last describeUse said (close, tests). */
	async flushUse(): Promise<void> {
		this.useWriteStart?.();
		while (this.useWrites) await this.useWrites;
	}

	private async writeUses(): Promise<void> {
		while (this.useChanged && !this.released) {
			this.useChanged = false;
			const current = readLock(this.file);
			if (current === 'missing' || current.holder === 'unreadable' || current.holder.token !== this.holder.token) return;
			const temp = `${this.file}.${this.holder.token}.use`;
			try {
				// Not fsynced, for the same reason.
				await writeFile(temp, JSON.stringify(this.holder), { mode: 0o600, flag: 'wx' });
				await rename(temp, this.file);
			} catch {
				// Only the wording of another process's error depends on it.
				rmSync(temp, { force: true });
			}
			// Released while the rename was under way: the rename must not bring the lock back.
			if (this.released) this.removeOwnLock();
		}
	}

	release(): void {
		if (this.released) return;
		this.released = true;
		clearInterval(this.heartbeat);
		heldLocks.delete(this);
		this.removeOwnLock();
	}

	/** Only removes our own lock (a stale-lock takeover may have replaced it). */
	private removeOwnLock(): void {
		const current = readLock(this.file);
		if (current !== 'missing' && current.holder !== 'unreadable' && current.holder.token === this.holder.token) {
			try {
				unlinkSync(this.file);
			} catch {
				// already gone
			}
		}
	}

	private touch(): void {
		const now = new Date();
		try {
			utimesSync(this.file, now, now);
		} catch {
			// Lost (deleted by hand): the next start re-creates it.
		}
	}
}

function writeLockFile(file: string, holder: LockHolder, sync = true): void {
	const fd = openSync(file, 'wx', 0o600);
	try {
		writeSync(fd, JSON.stringify(holder));
		if (sync) fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
}

/**
 * Creates the lock with its content in one step: the holder is written to a file of our own,
 * then hard-linked as the lock (fails if one exists), so no other process ever sees it empty.
 */
function tryCreate(file: string, holder: LockHolder): boolean {
	const temp = `${file}.${holder.token}.new`;
	writeLockFile(temp, holder);
	try {
		linkSync(temp, file);
		return true;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? '';
		if (code === 'EEXIST') return false;
		if (!NO_HARD_LINKS.has(code)) throw error;
		return tryCreateExclusive(file, holder);
	} finally {
		rmSync(temp, { force: true });
	}
}

function tryCreateExclusive(file: string, holder: LockHolder): boolean {
	try {
		writeLockFile(file, holder);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	}
}

/**
 * Removes the stale lock whose content was `staleText`, atomically: the lock is renamed to a name
 * of our own (only one process can move a given file), and if what we moved is not the stale lock
 * but the fresh one of a process that won the takeover first, it is put back (link: no overwrite).
 */
function claimStale(file: string, staleText: string, token: string): void {
	const claim = `${file}.${token}.claim`;
	try {
		renameSync(file, claim);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // another process removed it
		throw error;
	}
	let moved: string | undefined;
	try {
		moved = readFileSync(claim, 'utf-8');
	} catch {
		moved = undefined;
	}
	if (moved !== staleText) {
		try {
			linkSync(claim, file);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code ?? '';
			if (NO_HARD_LINKS.has(code) && !existsSync(file)) renameSync(claim, file);
		}
	}
	rmSync(claim, { force: true });
}

function readLock(file: string): { text: string; holder: LockHolder | 'unreadable' } | 'missing' {
	let text: string;
	try {
		text = readFileSync(file, 'utf-8');
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : { text: '', holder: 'unreadable' };
	}
	try {
		const holder = JSON.parse(text) as LockHolder;
		return { text, holder: typeof holder?.pid === 'number' && typeof holder.host === 'string' ? holder : 'unreadable' };
	} catch {
		return { text, holder: 'unreadable' };
	}
}

function isStale(file: string, holder: LockHolder | 'unreadable'): boolean {
	let ageMs: number;
	try {
		ageMs = Date.now() - statSync(file).mtimeMs;
	} catch {
		return true;
	}
	if (holder === 'unreadable') return ageMs > EMPTY_LOCK_GRACE_MS;
	if (ageMs > LOCK_STALE_AFTER_MS) return true;
	if (holder.host !== hostname()) return false;
	// Same pid as ours but another start time: an earlier run of this container/process.
	if (holder.pid === process.pid) return holder.processStart !== PROCESS_START;
	return !isAlive(holder.pid);
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists but belongs to another user.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function minutes(ms: number): string {
	return ms % 60_000 === 0 ? `${ms / 60_000} min` : formatSeconds(ms);
}

/** What keeps the session open in the holding process, and until when. */
function describeHolderUse(use: LockUse | undefined): string {
	if (!use) return '';
	const parts: string[] = [];
	if (use.triggers > 0) parts.push(`${use.triggers === 1 ? 'an active trigger' : `${use.triggers} active triggers`} (until deactivated)`);
	if (use.executions > 0) parts.push(use.executions === 1 ? 'a running execution' : `${use.executions} running executions`);
	if (parts.length > 0) {
		const after = use.triggers > 0 ? '' : `; it stays connected ${minutes(use.lingerMs)} after the last execution ends, then lets go`;
		return `, for ${parts.join(' and ')}${after}`;
	}
	if (use.idleUntil) return `, idle after its last execution and kept connected until ${use.idleUntil} (${minutes(use.lingerMs)} linger), then it lets go`;
	return '';
}

function lockedError(session: string, holder: LockHolder | undefined): GatewayError {
	const who = holder
		? `process ${holder.pid}${holder.role ? ` (n8n ${holder.role}${holder.queueMode ? ' process, queue mode' : ' process'})` : ''} on host "${holder.host}"` +
			`${holder.pid === process.pid && holder.host === hostname() ? ' (this same process, through another copy of the node package)' : ''}, since ${holder.since}` +
			describeHolderUse(holder.use)
		: 'a process that is just starting it';
	return new GatewayError(
		EMBEDDED_LABEL,
		'rejected',
		`The embedded session "${session}" is in use by another process: ${who}. ` +
			'A WhatsApp session can be connected from one process only; in queue mode (workers) or with several n8n instances, ' +
			'run embedded sessions in one process or use a gateway such as WAHA, which all processes can share. ' +
			`If that process is gone, its lock expires ${Math.round(LOCK_STALE_AFTER_MS / 1000)} s after it stopped.` +
			queueModeNote(),
	);
}
