/**
 * Figures for look-ups remembered per execution and a package that loads little:
 * - requests for 50 operations on bare message ids in one chat in one execution (WAHA Star;
 *   Evolution API React, as it has no star), against the same items run one execution each,
 *   where nothing can be remembered (a look-up and the operation per item);
 * - loading the package in a process that has already loaded n8n-workflow, with axios and qrcode
 *   loaded on first use, against loading them with it (as before).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { EVOLUTION_INSTANCE, evolutionRecord, evolutionStateOf } from '../gateway-server/evolutionRoutes';
import { chat, runChatsNode, wahaCredentials } from '../helpers/whatsAppChatsNode';

const ITEMS = 50;
const LOAD_SAMPLES = 9;

export async function benchLookups(print: (line: string) => void): Promise<void> {
	const gateway = await GatewayTestServer.start();
	try {
		const ids = Array.from({ length: ITEMS }, (_, i) => `3EB0BENCH${String(i).padStart(4, '0')}`);
		const input = ids.map((id) => ({ json: { id } }));

		const wahaChat = '919988066776@c.us';
		gateway.state.messages.set(
			wahaChat,
			ids.map((id, i) => ({ id: `${i % 2 === 0}_${wahaChat}_${id}`, timestamp: 1_700_000_000 + i, from: wahaChat, fromMe: i % 2 === 0, body: 'x', hasMedia: false })),
		);
		const starIn = (items: typeof input) =>
			runChatsNode({
				credentials: wahaCredentials(gateway),
				parameters: { resource: 'message', operation: 'star', chatId: chat(wahaChat), messageId: '={{ $json.id }}' } as never,
				input: items,
			});
		// Baseline: every item on a backend of its own (one execution each), so nothing is remembered.
		gateway.reset();
		for (const item of input) {
			const single = await starIn([item]);
			if (single.error) throw single.error;
		}
		const baselineRequests = gateway.requests.length;
		gateway.reset();
		const waha = await starIn(input);
		if (waha.error) throw waha.error;
		const wahaRequests = gateway.requests.length;

		const evolutionChat = '15550008888@s.whatsapp.net';
		const evolution = evolutionStateOf(gateway.state);
		evolution.messages.push(...ids.map((id, i) => evolutionRecord({ remoteJid: evolutionChat, fromMe: i % 2 === 0, id }, 1_700_200_000 + i)));
		gateway.reset();
		const evo = await runChatsNode({
			credentials: { connection: 'evolution', baseUrl: gateway.url, session: EVOLUTION_INSTANCE, apiKey: TEST_API_KEY },
			parameters: { resource: 'message', operation: 'react', chatId: chat(evolutionChat), messageId: '={{ $json.id }}', emoji: '👍' } as never,
			input,
		});
		if (evo.error) throw evo.error;
		const evolutionRequests = gateway.requests.length;

		print(`bare message ids: ${ITEMS} operations on bare ids in one chat, default concurrency`);
		print(`  WAHA, Star, one execution per item (baseline): ${baselineRequests} requests`);
		print(`  WAHA, Star, one execution:                      ${wahaRequests} requests (goal: at most ${ITEMS + 1})`);
		print(`  Evolution API, React (it has no star):          ${evolutionRequests} requests (goal: at most ${ITEMS + 1})`);
	} finally {
		await gateway.close();
	}

	const probe = async (mode: string) => {
		const samples: Array<Record<string, number | boolean>> = [];
		for (let n = 0; n < LOAD_SAMPLES; n++) samples.push(JSON.parse(await runProbe(mode)) as Record<string, number | boolean>);
		const median = (field: string) => {
			const sorted = samples.map((sample) => Number(sample[field])).sort((a, b) => a - b);
			return sorted[Math.floor(sorted.length / 2)];
		};
		return { ms: median('ms'), heapMb: median('heapMb'), rssMb: median('rssMb'), axios: samples.every((s) => s.axios), qrcode: samples.every((s) => s.qrcode) };
	};
	const eager = await probe('eager');
	const lazy = await probe('lazy');
	const fmt = (value: number) => value.toFixed(1);
	const delta = (value: number) => `${value < 0 ? '' : '+'}${value.toFixed(1)}`;
	print(`loading the package after n8n-workflow, in a fresh process (median of ${LOAD_SAMPLES})`);
	print(`  with axios and qrcode loaded at once (baseline): ${fmt(eager.ms)} ms, heap ${delta(eager.heapMb)} MB, RSS ${delta(eager.rssMb)} MB`);
	print(
		`  as shipped (axios ${lazy.axios ? 'loaded' : 'not loaded'}, qrcode ${lazy.qrcode ? 'loaded' : 'not loaded'}): ` +
			`${fmt(lazy.ms)} ms, heap ${delta(lazy.heapMb)} MB, RSS ${delta(lazy.rssMb)} MB, ${(eager.ms / lazy.ms).toFixed(2)}x faster (goal: at most 30 ms)`,
	);
}

function runProbe(mode: string): Promise<string> {
	const ext = path.extname(__filename);
	const script = path.join(__dirname, `packageLoadProbe${ext}`);
	// Compiled (npm run bench) runs as is; from TypeScript it needs the test register hook.
	const hook = ext === '.ts' ? ['-r', path.join(__dirname, '..', 'embedded', 'child', 'register.cjs')] : [];
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--expose-gc', ...hook, script, mode], { cwd: process.cwd() });
		let out = '';
		let err = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		child.stderr.on('data', (chunk) => (err += chunk));
		child.once('exit', (code) => (code === 0 ? resolve(out.trim().split('\n').pop() ?? '') : reject(new Error(`packageLoadProbe failed (${code}): ${err}`))));
	});
}
