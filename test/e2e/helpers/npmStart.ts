/**
 * Runs the README's `npm start` (scripts/n8n/start.js, the same script) for an e2e stage, in a
 * fresh user folder on free ports, and waits for its "is running" banner, i.e. after it created the
 * owner account and the "WhatsApp Chats account" credential.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort, isPortFree } from '../../../scripts/n8n/common';
import { ROOT } from './e2e';

export interface NpmStartedN8n {
	baseUrl: string;
	port: number;
	output(): string;
	stop(): Promise<void>;
}

async function twoFreePorts(): Promise<number> {
	// start.js uses the port and the next one (task broker)
	for (let attempt = 0; attempt < 20; attempt++) {
		const port = await freePort();
		if (await isPortFree(port + 1)) return port;
	}
	throw new Error('no two consecutive free ports on 127.0.0.1');
}

export async function npmStart(options: { userFolder: string; env?: Record<string, string>; timeoutMs?: number }): Promise<NpmStartedN8n> {
	const port = await twoFreePorts();
	const env: NodeJS.ProcessEnv = {
		...process.env,
		N8N_USER_FOLDER: options.userFolder,
		// what n8n registers at gateways (n8n listens on 127.0.0.1 only)
		WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		...options.env,
	};
	// jest sets NODE_ENV=test, which makes n8n skip loading nodes; a user's shell has none
	delete env.NODE_ENV;
	delete env.N8N_PORT;
	const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'scripts', 'n8n', 'start.js'), '--skip-build', '--port', String(port)], {
		cwd: ROOT,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	const echo = process.env.N8N_E2E_ECHO === '1';
	child.stdout!.on('data', (chunk) => ((output += chunk), echo && process.stdout.write(chunk)));
	child.stderr!.on('data', (chunk) => ((output += chunk), echo && process.stderr.write(chunk)));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

	const stop = async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		child.kill('SIGTERM'); // start.js stops n8n and exits with it
		const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
		await exited;
		clearTimeout(timer);
	};

	const deadline = Date.now() + (options.timeoutMs ?? 240_000);
	while (!/n8n \S+ with n8n-nodes-whatsapp-chats is running/.test(output)) {
		if (child.exitCode !== null || Date.now() > deadline) {
			await stop();
			throw new Error(`npm start did not come up (exit ${child.exitCode})\n--- output ---\n${output.slice(-4000)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	return { baseUrl: `http://127.0.0.1:${port}`, port, output: () => output, stop };
}
