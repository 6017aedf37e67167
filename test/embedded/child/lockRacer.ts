/**
 * One side of a stale-lock takeover race. Reads commands on stdin, one per line:
 *   go <lockFile> <epochMs>  wait until that instant, try to take the lock, print {"won":…}
 *   release                  give back a lock won before, print {"released":true}
 */
import { createInterface } from 'node:readline';
import { SessionLock } from '../../../nodes/backends/embedded/sessionLock';

let held: SessionLock | undefined;

function print(value: unknown): void {
	process.stdout.write(`${JSON.stringify(value)}\n`);
}

createInterface({ input: process.stdin }).on('line', (line) => {
	const [command, file, at] = line.trim().split(' ');
	if (command === 'go') {
		// Both racers spin to the same instant (sub-millisecond clock), so their takeovers overlap.
		while (performance.timeOrigin + performance.now() < Number(at)) {
			// busy wait
		}
		try {
			held = SessionLock.acquire(file, 'race');
			print({ won: true });
		} catch (error) {
			print({ won: false, message: (error as Error).message });
		}
	} else if (command === 'release') {
		held?.release();
		held = undefined;
		print({ released: true });
	}
});
print({ ready: true });
