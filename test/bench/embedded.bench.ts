/**
 * Embedded (Baileys) mode, each figure against a baseline from the same run:
 * - one operation on the warm, shared connection vs. opening a new connection per execution
 *   (the naive way), both through the node in n8n's engine against the fake WhatsApp server;
 * - load time and memory of the node module alone vs. with Baileys loaded (fresh processes);
 * - heap of each additional idle session vs. the process heap with Baileys loaded.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { loadBaileys } from '../../nodes/backends/embedded/loadBaileys';
import { closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { configureEmbedded, resetEmbeddedSettings } from '../../nodes/backends/embedded/settings';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { startFakeWhatsApp, type FakeWhatsApp } from '../fake-whatsapp';
import { TEST_SECRET, tempFolder, writePairedAuth } from '../embedded/world';

const WARM_OPERATIONS = 40;
const NAIVE_OPERATIONS = 10;
const LOAD_SAMPLES = 3;
const IDLE_SESSIONS = 5;

export async function benchEmbedded(print: (line: string) => void): Promise<void> {
	print('embedded (Baileys) connection');
	const wa = await startFakeWhatsApp();
	const folders: string[] = [];
	const previousUrl = process.env.WHATSAPP_CHATS_WA_URL;
	process.env.WHATSAPP_CHATS_WA_URL = wa.url;
	try {
		await benchOperations(wa, folders, print);
		await benchLoadCost(print);
		await benchIdleSessions(wa, folders, print);
	} finally {
		await wa.settle();
		await closeAllSessions();
		resetEmbeddedSettings();
		if (previousUrl === undefined) delete process.env.WHATSAPP_CHATS_WA_URL;
		else process.env.WHATSAPP_CHATS_WA_URL = previousUrl;
		await wa.close();
		await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
	}
}

async function benchOperations(wa: FakeWhatsApp, folders: string[], print: (line: string) => void): Promise<void> {
	const folder = await tempFolder('wa-bench-');
	folders.push(folder);
	await writePairedAuth(wa, folder);
	const credentials = { connection: 'embedded', session: 'test', authFolder: folder, sessionSecret: TEST_SECRET };
	const jid = '15550002222@s.whatsapp.net';
	let archived = false;
	const operate = async () => {
		archived = !archived;
		const started = process.hrtime.bigint();
		const result = await runChatsNode({
			credentials,
			parameters: { resource: 'chat', operation: archived ? 'archive' : 'unarchive', chatId: chat(jid) } as never,
		});
		if (result.error) throw new Error(`bench operation failed: ${result.error.message}`);
		return Number(process.hrtime.bigint() - started) / 1e6;
	};

	configureEmbedded({ lingerMs: 60_000, store: { saveDelayMs: 200 } });
	await runChatsNode({ credentials, parameters: { resource: 'session', operation: 'status' } as never });
	await wa.injectMessage({ chat: jid, text: 'bench seed' });
	await new Promise((resolve) => setTimeout(resolve, 200));
	await operate(); // warm-up: engine, app-state sync
	const logins = wa.connections;
	const warm = await timeEach(WARM_OPERATIONS, operate);
	const warmLogins = wa.connections - logins;

	// The naive way: every execution connects, works and disconnects.
	await wa.settle();
	await closeAllSessions();
	configureEmbedded({ lingerMs: 0 });
	const naive = await timeEach(NAIVE_OPERATIONS, async () => {
		const ms = await operate();
		await closeAllSessions();
		return ms;
	});
	const naiveLogins = wa.connections - logins - warmLogins;
	configureEmbedded({ lingerMs: 60_000 });

	print(`  archive/unarchive through the node, fake server on 127.0.0.1`);
	print(`    new connection per execution (baseline): ${fmt(median(naive))} ms median, ${naiveLogins} logins for ${NAIVE_OPERATIONS} operations`);
	print(`    warm shared connection:                  ${fmt(median(warm))} ms median, ${warmLogins} logins for ${WARM_OPERATIONS} operations`);
	print(`    speed-up: ${(median(naive) / median(warm)).toFixed(1)}x`);
}

async function benchLoadCost(print: (line: string) => void): Promise<void> {
	const probe = async (mode: string) => {
		const samples: Array<Record<string, number>> = [];
		for (let n = 0; n < LOAD_SAMPLES; n++) samples.push(JSON.parse(await runScript('embeddedLoadProbe', [mode])) as Record<string, number>);
		const pick = (field: string) => median(samples.map((sample) => sample[field]));
		return { nodeMs: pick('nodeMs'), totalMs: pick('totalMs'), heapMb: pick('heapMb'), rssMb: pick('rssMb') };
	};
	const gateway = await probe('node');
	const embedded = await probe('baileys');
	print(`  loading the node module in a fresh process (median of ${LOAD_SAMPLES})`);
	print(`    node only, as for gateway users (baseline): ${fmt(gateway.totalMs)} ms, heap +${fmt(gateway.heapMb)} MB, RSS +${fmt(gateway.rssMb)} MB`);
	print(`    node + Baileys (first embedded use):        ${fmt(embedded.totalMs)} ms, heap +${fmt(embedded.heapMb)} MB, RSS +${fmt(embedded.rssMb)} MB`);
	print(
		`    Baileys adds ${fmt(embedded.totalMs - gateway.totalMs)} ms (${(embedded.totalMs / gateway.totalMs).toFixed(1)}x) and ` +
			`${fmt(embedded.rssMb - gateway.rssMb)} MB RSS (${(embedded.rssMb / Math.max(gateway.rssMb, 0.1)).toFixed(1)}x), paid only by embedded users`,
	);
}

async function benchIdleSessions(wa: FakeWhatsApp, folders: string[], print: (line: string) => void): Promise<void> {
	const sessionFolders: string[] = [];
	for (let n = 0; n <= IDLE_SESSIONS; n++) {
		const folder = await tempFolder('wa-bench-idle-');
		folders.push(folder);
		sessionFolders.push(folder);
		await writePairedAuth(wa, folder, { device: 20 + n });
	}
	const B = await loadBaileys();
	const root = B.WA_CERT_DETAILS as { PUBLIC_KEY: Buffer; SERIAL: number };
	const result = JSON.parse(
		await runScript('embeddedIdleSessions', sessionFolders, {
			WHATSAPP_CHATS_WA_URL: wa.url,
			FAKE_WA_ROOT_KEY: Buffer.from(root.PUBLIC_KEY).toString('base64'),
			FAKE_WA_ROOT_SERIAL: String(root.SERIAL),
		}),
	) as { withBaileys: number; base: number; perSession: number; sessions: number };
	print(`  idle connected sessions in one process (${result.sessions} after a warm-up session)`);
	print(`    heap with Baileys loaded and one session (baseline): ${fmt(result.base)} MB`);
	print(`    each further idle session: +${fmt(result.perSession)} MB heap (${((result.perSession / result.base) * 100).toFixed(1)}% of the baseline)`);
}

function runScript(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
	const ext = path.extname(__filename);
	const script = path.join(__dirname, `${name}${ext}`);
	// Compiled (npm run bench) runs as is; from TypeScript it needs the test register hook.
	const hook = ext === '.ts' ? ['-r', path.join(__dirname, '..', 'embedded', 'child', 'register.cjs')] : [];
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--expose-gc', ...hook, script, ...args], { env: { ...process.env, ...env }, cwd: process.cwd() });
		let out = '';
		let err = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		child.stderr.on('data', (chunk) => (err += chunk));
		child.once('exit', (code) => (code === 0 ? resolve(out.trim().split('\n').pop() ?? '') : reject(new Error(`${name} failed (${code}): ${err}`))));
	});
}

async function timeEach(count: number, work: () => Promise<number>): Promise<number[]> {
	const times: number[] = [];
	for (let n = 0; n < count; n++) times.push(await work());
	return times;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function fmt(value: number): string {
	return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}
