/**
 * What the session lock says about this process's use (read by other processes for their "in
 * use" error) is rewritten off the execution's path: a burst of changes ends with the newest
 * use, and a release while a rewrite is under way never brings the lock back.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { SessionLock } from '../../nodes/backends/embedded/sessionLock';
import { tempFolder } from './world';

let folder: string;
beforeEach(async () => (folder = await tempFolder('wa-lock-use-')));
afterEach(async () => {
	await rm(folder, { recursive: true, force: true });
});

const BASE = Date.parse('2026-01-01T00:00:00Z');
const use = (executions: number) => ({ triggers: 0, executions, lingerMs: 60_000, idleUntil: new Date(BASE + executions).toISOString() });

test('a use change returns without touching the disk; a burst of them ends with the newest in the lock', async () => {
	const file = path.join(folder, 'session.lock');
	const lock = SessionLock.acquire(file, 'test');
	const before = readFileSync(file, 'utf-8');
	for (let n = 1; n <= 50; n++) lock.describeUse(use(n));
	// Nothing written on the caller's path (the execution goes on at once)...
	expect(readFileSync(file, 'utf-8')).toBe(before);
	await lock.flushUse();
	// ...and afterwards the lock says the newest use, still held by this process.
	const after = JSON.parse(readFileSync(file, 'utf-8'));
	expect(after).toMatchObject({ pid: process.pid, token: JSON.parse(before).token, use: use(50) });
	lock.release();
	expect(existsSync(file)).toBe(false);
});

test('a release while the use is being rewritten leaves no lock behind', async () => {
	for (let trial = 0; trial < 20; trial++) {
		const file = path.join(folder, `session-${trial}.lock`);
		const lock = SessionLock.acquire(file, 'test');
		lock.describeUse(use(trial + 1));
		await new Promise((resolve) => setTimeout(resolve, trial % 4));
		lock.release();
		await lock.flushUse();
		expect({ trial, lockLeft: existsSync(file) }).toEqual({ trial, lockLeft: false });
	}
	// No temp file of a rewrite either.
	expect(readdirSync(folder)).toEqual([]);
});
