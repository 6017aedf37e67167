/** Spawns the TypeScript helpers in test/embedded/child as separate node processes. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

const REGISTER = path.join(__dirname, 'child', 'register.cjs');

export interface Child {
	process: ChildProcessWithoutNullStreams;
	/** stdout lines so far. */
	lines: string[];
	stderr(): string;
	/** Resolves with the first (or a later) stdout line matching. */
	waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnChild(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
	const child = spawn(process.execPath, ['-r', REGISTER, path.join(__dirname, 'child', script), ...args], {
		env: { ...process.env, ...env },
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	const lines: string[] = [];
	let err = '';
	let partial = '';
	const listeners = new Set<() => void>();
	child.stdout.setEncoding('utf-8');
	child.stdout.on('data', (chunk: string) => {
		const parts = (partial + chunk).split('\n');
		partial = parts.pop() ?? '';
		lines.push(...parts);
		for (const listener of [...listeners]) listener();
	});
	child.stderr.setEncoding('utf-8');
	child.stderr.on('data', (chunk: string) => (err += chunk));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once('exit', (code, signal) => {
			for (const listener of [...listeners]) listener();
			resolve({ code, signal });
		}),
	);
	return {
		process: child,
		lines,
		stderr: () => err,
		exited,
		waitForLine(match, timeoutMs = 15_000) {
			return new Promise<string>((resolve, reject) => {
				const check = () => {
					const line = lines.find(match);
					if (line !== undefined) done(() => resolve(line));
					else if (child.exitCode !== null || child.signalCode !== null) {
						done(() => reject(new Error(`child ${script} exited (${child.exitCode ?? child.signalCode}) without the expected line; stderr: ${err}`)));
					}
				};
				const timer = setTimeout(() => done(() => reject(new Error(`child ${script}: no expected line after ${timeoutMs} ms; stderr: ${err}`))), timeoutMs);
				const done = (finish: () => void) => {
					clearTimeout(timer);
					listeners.delete(check);
					finish();
				};
				listeners.add(check);
				check();
			});
		},
	};
}
