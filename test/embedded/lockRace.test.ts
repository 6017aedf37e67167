/**
 * Two processes taking over the same stale lock at the same instant (issue 10): exactly one wins,
 * every time. Two long-lived child processes race on a fresh stale lock in each trial.
 */
import { writeFileSync, utimesSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { spawnChild, type Child } from './childProcess';
import { tempFolder } from './world';

jest.setTimeout(120_000);

const TRIALS = 200;

async function nextLine(child: Child, seen: number): Promise<Record<string, unknown>> {
	await child.waitForLine(() => child.lines.filter(Boolean).length > seen, 10_000);
	return JSON.parse(child.lines.filter(Boolean)[seen]);
}

test(`a stale lock taken over by two processes at once has one winner (${TRIALS} trials)`, async () => {
	const folder = await tempFolder('wa-lock-race-');
	const racers = [spawnChild('lockRacer.ts', []), spawnChild('lockRacer.ts', [])];
	const seen = [0, 0];
	const read = async (index: number) => await nextLine(racers[index], seen[index]++);
	try {
		await Promise.all([read(0), read(1)]); // ready
		const winners: number[] = [];
		for (let trial = 0; trial < TRIALS; trial++) {
			const lockFile = path.join(folder, `session-${trial}.lock`);
			// Held by a process on another host that stopped touching it 2 minutes ago: stale.
			writeFileSync(lockFile, JSON.stringify({ host: 'gone-host', pid: 1, processStart: 1, since: new Date().toISOString(), token: `stale${trial}` }));
			const old = new Date(Date.now() - 120_000);
			utimesSync(lockFile, old, old);
			// The same instant, give or take: the second racer starts 0–200 µs later, so the trials
			// cover every way the two takeovers can overlap.
			const at = Date.now() + 40;
			const lag = ((trial % 40) / 39) * 0.2;
			racers[0].process.stdin.write(`go ${lockFile} ${at}\n`);
			racers[1].process.stdin.write(`go ${lockFile} ${at + lag}\n`);
			const results = await Promise.all([read(0), read(1)]);
			for (const result of results) if (!result.won) expect(result.message).toContain('is in use by another process');
			winners.push(results.filter((result) => result.won).length);
			for (const racer of racers) racer.process.stdin.write('release\n');
			await Promise.all([read(0), read(1)]);
		}
		expect(winners.filter((count) => count !== 1)).toEqual([]);
	} finally {
		for (const racer of racers) racer.process.kill();
		await Promise.all(racers.map((racer) => racer.exited));
		await rm(folder, { recursive: true, force: true });
	}
});
