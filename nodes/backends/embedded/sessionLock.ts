/**
 * One process per session. A lock file next to the auth state names its holder (host, pid,
 * process start) and is touched every 30 s. A second process — a queue-mode worker, another n8n
 * instance — fails at once with an error that says so, instead of both connecting and WhatsApp
 * closing one of them with "connection replaced" over and over.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { GatewayError } from '../errors';
import { EMBEDDED_LABEL } from './embeddedErrors';

export interface LockHolder {
	host: string;
	pid: number;
	/** When the holding process started (ms): tells a restarted process with a reused pid apart. */
	processStart: number;
	since: string;
	token: string;
}

const HEARTBEAT_MS = 30_000;
/** A lock not touched for this long belongs to a process that is gone (or frozen). */
export const LOCK_STALE_AFTER_MS = 90_000;
/** A crash between creating and writing the lock leaves it empty; give a live writer this long. */
const EMPTY_LOCK_GRACE_MS = 2_000;

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

	private constructor(
		readonly file: string,
		readonly holder: LockHolder,
	) {
		this.heartbeat = setInterval(() => this.touch(), HEARTBEAT_MS);
		this.heartbeat.unref();
		heldLocks.add(this);
		releaseAllOnExit();
	}

	/** Takes the lock or throws a GatewayError naming the process that holds it. */
	static acquire(file: string, session: string): SessionLock {
		const holder: LockHolder = {
			host: hostname(),
			pid: process.pid,
			processStart: PROCESS_START,
			since: new Date().toISOString(),
			token: randomBytes(8).toString('hex'),
		};
		for (let attempt = 0; attempt < 3; attempt++) {
			if (tryCreate(file, holder)) return new SessionLock(file, holder);
			const current = readHolder(file);
			if (current === 'missing') continue;
			if (!isStale(file, current)) throw lockedError(session, file, current === 'unreadable' ? undefined : current);
			// The holder is gone: take its place.
			try {
				unlinkSync(file);
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
			}
		}
		throw lockedError(session, file, undefined);
	}

	release(): void {
		if (this.released) return;
		this.released = true;
		clearInterval(this.heartbeat);
		heldLocks.delete(this);
		const current = readHolder(this.file);
		// Only remove our own lock (a stale-lock takeover may have replaced it).
		if (typeof current === 'object' && current.token === this.holder.token) {
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

function tryCreate(file: string, holder: LockHolder): boolean {
	let fd: number;
	try {
		fd = openSync(file, 'wx', 0o600);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	}
	try {
		writeSync(fd, JSON.stringify(holder));
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
	return true;
}

function readHolder(file: string): LockHolder | 'missing' | 'unreadable' {
	try {
		const holder = JSON.parse(readFileSync(file, 'utf-8')) as LockHolder;
		return typeof holder?.pid === 'number' && typeof holder.host === 'string' ? holder : 'unreadable';
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
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

function lockedError(session: string, file: string, holder: LockHolder | undefined): GatewayError {
	const who = holder
		? `process ${holder.pid} on host "${holder.host}"${holder.pid === process.pid && holder.host === hostname() ? ' (this same process, through another copy of the node package)' : ''}, since ${holder.since}`
		: 'a process that is just starting it';
	return new GatewayError(
		EMBEDDED_LABEL,
		'rejected',
		`The embedded session "${session}" is in use by another process: ${who}. ` +
			'A WhatsApp session can be connected from one process only; in queue mode (workers) or with several n8n instances, ' +
			'run embedded sessions in one process or use a gateway such as WAHA, which all processes can share. ' +
			`If that process is gone, its lock (${file}) expires ${Math.round(LOCK_STALE_AFTER_MS / 1000)} s after it stopped.`,
	);
}
