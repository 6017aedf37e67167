/**
 * Crash safety of the auth state: a child process writes creds and keys through FileAuthState
 * without pause and is SIGKILLed at a random moment, several times over the same folder. After
 * each kill the state must load, every file must be exactly one version a step wrote (no torn or
 * mixed files), and nothing the writer saw acknowledged may be lost.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { FileAuthState } from '../../nodes/backends/embedded/authState';
import { loadBaileys } from '../../nodes/backends/embedded/loadBaileys';
import { sessionPaths } from '../../nodes/backends/embedded/paths';
import { spawnChild } from './childProcess';
import { CRASH_SECRET } from './child/secrets';
import { expectedValue, planStep, stepOfValue } from './child/writePlan';
import { tempFolder } from './world';

jest.setTimeout(60_000);

const ROUNDS = 6;
const SESSION_IDS = Array.from({ length: 12 }, (_, n) => `${n}.0:1@lid`);
const PRE_KEY_IDS = Array.from({ length: 400 }, (_, n) => String(n));
const ALL_KEYS = [...SESSION_IDS.map((id) => ['session', id] as const), ...PRE_KEY_IDS.map((id) => ['pre-key', id] as const)];

/** What the disk must at least hold per key: the newest acknowledged step, or "deleted"/"never written". */
type Floor = { step: number; deleted: boolean } | undefined;

test('a writer killed at random points always leaves a loadable, untorn state with every acknowledged write', async () => {
	const B = await loadBaileys();
	const folder = await tempFolder('wa-crash-');
	const paths = sessionPaths('crash', folder, CRASH_SECRET);
	const floors = new Map<string, Floor>();
	let credsFloor = 0;
	try {
		for (let round = 1; round <= ROUNDS; round++) {
			const first = round * 100_000;
			const writer = spawnChild('authWriter.ts', [folder, String(first)]);
			await writer.waitForLine((line) => line.startsWith('ack '));
			await new Promise((resolve) => setTimeout(resolve, Math.random() * 250));
			writer.process.kill('SIGKILL');
			expect((await writer.exited).signal).toBe('SIGKILL');
			const lastAck = Math.max(...writer.lines.filter((l) => l.startsWith('ack ')).map((l) => Number(l.slice(4))));

			// Acknowledged steps raise the floor of every key they touched.
			for (let step = first; step <= lastAck; step++) {
				for (const [type, entries] of Object.entries(planStep(step).keys)) {
					for (const [id, value] of Object.entries(entries)) floors.set(`${type}/${id}`, { step, deleted: value === null });
				}
			}
			credsFloor = lastAck;

			// 1. Every real file (not a temp leftover) is complete: it passes authentication and holds whole JSON.
			for (const name of readdirSync(paths.keys).filter((n) => !n.includes('.tmp-'))) {
				expect(() => JSON.parse(paths.access.cipher.open(`keys/${name}`, readFileSync(path.join(paths.keys, name), 'utf-8')))).not.toThrow();
			}

			// 2. It loads the way the product loads it, and the creds are a whole, acknowledged-or-newer version.
			const auth = await FileAuthState.open(paths, B);
			expect(readdirSync(paths.keys).some((n) => n.includes('.tmp-'))).toBe(false);
			const creds = auth.creds.additionalData as { step: number; filler: string };
			expect(creds.step).toBeGreaterThanOrEqual(credsFloor);
			expect(creds.filler).toBe(planStep(creds.step).credsFiller);

			// 3. Each key holds exactly one written version, never older than its floor.
			for (const [type, id] of ALL_KEYS) {
				const found = (await auth.keys.get(type, [id]))[id];
				const floor = floors.get(`${type}/${id}`);
				if (found === undefined) {
					const deletedLater = [1, 2, 3].some((ahead) => planStep(lastAck + ahead).keys[type]?.[id] === null);
					expect({ key: `${type}/${id}`, lost: !(floor === undefined || floor.deleted || deletedLater) }).toEqual({ key: `${type}/${id}`, lost: false });
					floors.set(`${type}/${id}`, floor && { step: floor.step, deleted: true });
					continue;
				}
				const step = stepOfValue(type, found);
				expect(planStep(step).keys[type]?.[id]).not.toBeNull();
				expect(planStep(step).keys[type]?.[id]).toBeDefined();
				expect(found).toEqual(expectedValue(type, step, id));
				if (floor) expect(step).toBeGreaterThanOrEqual(floor.step);
				floors.set(`${type}/${id}`, { step, deleted: false });
			}
			await auth.close();
		}
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
});
