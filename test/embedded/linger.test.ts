/**
 * How long this process keeps a session, seen from a second process (issue 10): a deactivated
 * trigger frees it at once; an execution keeps it connected for the linger period; and the "in
 * use by another process" error says what holds it (trigger, execution, linger) and until when.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { hostname } from 'node:os';
import { closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';
import { runChatsNode } from '../helpers/whatsAppChatsNode';
import { spawnChild } from './childProcess';
import { eventually, startWorld, withConnection, type EmbeddedWorld } from './world';

jest.setTimeout(60_000);

const LINGER_MS = 60_000; // the test settings' linger

let world: EmbeddedWorld;
beforeAll(async () => (world = await startWorld()));
afterAll(async () => await world?.close());
afterEach(async () => {
	await world.wa.settle();
	await closeAllSessions();
});

async function secondProcess(): Promise<Record<string, any>> {
	const child = spawnChild('sessionUser.ts', ['use', world.folder]);
	const timer = setTimeout(() => child.process.kill('SIGKILL'), 20_000);
	await child.exited;
	clearTimeout(timer);
	if (!child.lines[0]) throw new Error(`the second process printed nothing; stderr: ${child.stderr()}`);
	expect(child.stderr()).toBe('');
	return JSON.parse(child.lines[0]);
}

const lockFile = () => path.join(world.folder, 'session.lock');
const status = () => runChatsNode({ credentials: world.credentials, parameters: { resource: 'session', operation: 'status' } as never });
/** The lock file says what the session is used for a moment after the use changes (written off the execution's path). */
const lockSaysUse = (what: string, says: (use: Record<string, any>) => boolean) =>
	eventually(
		() => {
			try {
				return says(JSON.parse(readFileSync(lockFile(), 'utf8')).use ?? {});
			} catch {
				return false;
			}
		},
		3000,
		`the lock file to describe ${what}`,
	);
const holderPrefix = `is in use by another process: process ${process.pid} (n8n main process) on host "${hostname()}", since `;

async function activeTrigger(): Promise<TriggerUnderTest> {
	const trigger = await startTrigger({ credentials: world.credentials, parameters: { source: 'embedded' } });
	await trigger.startTrigger();
	return trigger;
}

test('a trigger holds the session until it is deactivated, then another process gets it at once', async () => {
	const trigger = await activeTrigger();
	let deactivated = false;
	try {
		const held = await secondProcess();
		expect(held.ok).toBe(false);
		expect(held.message).toContain(holderPrefix);
		expect(held.message).toMatch(/, since \S+, for an active trigger \(until deactivated\)\. /);

		await trigger.close();
		deactivated = true;
		// No 60 s linger after a trigger: the lock goes as soon as the connection is closed.
		await eventually(() => !existsSync(lockFile()), 3000, 'the lock to be released after deactivation');
		const after = await secondProcess();
		expect(after).toMatchObject({ ok: true, state: 'open' });
	} finally {
		if (!deactivated) await trigger.close();
	}
});

test('while an execution runs, the error says so and that the session lingers after it', async () => {
	await withConnection(world.folder, async () => {
		await lockSaysUse('the running execution', (use) => use.executions > 0);
		const held = await secondProcess();
		expect(held.message).toContain(holderPrefix);
		expect(held.message).toMatch(/, for a running execution; it stays connected 1 min after the last execution ends, then lets go\. /);
	});
});

test('after an execution the session lingers, and the error says until when', async () => {
	const before = Date.now();
	expect((await status()).error).toBeUndefined();
	await lockSaysUse('the linger after the execution', (use) => typeof use.idleUntil === 'string');
	const held = await secondProcess();
	const until = /idle after its last execution and kept connected until (\S+) \(1 min linger\), then it lets go\. /.exec(held.message);
	expect(until).not.toBeNull();
	const untilMs = Date.parse(until![1]);
	expect(untilMs).toBeGreaterThanOrEqual(before + LINGER_MS);
	expect(untilMs).toBeLessThanOrEqual(Date.now() + LINGER_MS);
	expect(existsSync(lockFile())).toBe(true);
});

test('a trigger deactivated right after an execution keeps the execution\'s linger', async () => {
	const trigger = await activeTrigger();
	expect((await status()).error).toBeUndefined();
	await trigger.close();
	await new Promise((resolve) => setTimeout(resolve, 300));
	expect(existsSync(lockFile())).toBe(true);
	const held = await secondProcess();
	expect(held.message).toMatch(/idle after its last execution and kept connected until \S+ \(1 min linger\)/);
});
