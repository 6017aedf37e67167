/**
 * One process per session: while this process holds an embedded session, a second process (a
 * queue-mode worker) fails at once with an error that names the holder and suggests a gateway,
 * without loading Baileys or connecting. A lock left by a killed process is taken over.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { hostname } from 'node:os';
import { closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { runChatsNode } from '../helpers/whatsAppChatsNode';
import { spawnChild } from './childProcess';
import { startWorld, type EmbeddedWorld } from './world';

jest.setTimeout(30_000);

let world: EmbeddedWorld;
beforeAll(async () => (world = await startWorld()));
afterAll(async () => await world?.close());

const status = () => runChatsNode({ credentials: world.credentials, parameters: { resource: 'session', operation: 'status' } as never });

async function secondProcess(): Promise<Record<string, any>> {
	const child = spawnChild('sessionUser.ts', ['use', world.folder]);
	await child.exited;
	expect(child.stderr()).toBe('');
	return JSON.parse(child.lines[0]);
}

test('a second process fails at once while this one holds the session, and says why', async () => {
	const held = await status();
	expect(held.output[0].json).toMatchObject({ state: 'open' });
	expect(existsSync(path.join(world.folder, 'session.lock'))).toBe(true);

	const second = await secondProcess();
	expect(second).toMatchObject({ ok: false, kind: 'rejected', baileysLoaded: false });
	expect(second.message).toMatch(
		new RegExp(
			`^The embedded session "test" is in use by another process: process ${process.pid} \\(n8n main process\\) on host "${hostname()}", since \\S+, ` +
				'idle after its last execution and kept connected until \\S+ \\(1 min linger\\), then it lets go\\. ',
		),
	);
	expect(second.message).toContain('in queue mode (workers) or with several n8n instances, run embedded sessions in one process or use a gateway such as WAHA');
	// It never connected, so the session here was not replaced.
	expect(world.wa.connections).toBe(1);
	expect((await status()).output[0].json).toMatchObject({ state: 'open', connected: true });
});

test('when this process lets go, the lock file is gone and another process can take the session', async () => {
	await world.wa.settle();
	await closeAllSessions();
	expect(existsSync(path.join(world.folder, 'session.lock'))).toBe(false);
	const holder = spawnChild('sessionUser.ts', ['hold', world.folder]);
	try {
		const line = JSON.parse(await holder.waitForLine((l) => l.includes('held')));
		// Now this process is the second one.
		const result = await status();
		expect(result.error?.message).toContain(`is in use by another process: process ${line.pid} (n8n main process) on host "${hostname()}"`);
	} finally {
		holder.process.kill('SIGKILL');
		await holder.exited;
	}
});

test('a lock left by a killed process is taken over', async () => {
	// The holder above was SIGKILLed: no clean-up ran, its lock file is still there.
	expect(existsSync(path.join(world.folder, 'session.lock'))).toBe(true);
	const result = await status();
	expect(result.error).toBeUndefined();
	expect(result.output[0].json).toMatchObject({ state: 'open', connected: true });
});
