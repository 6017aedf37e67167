/**
 * Chat changes on the embedded connection, against the fake WhatsApp server on 127.0.0.1:
 * - archive/unarchive on a warm connection, one n8n execution per operation, vs. raw Baileys
 *   `chatModify` on its own socket to the same server (the baseline), with in-memory keys and
 *   with Baileys' own multi-file auth state; plus the session's own socket called directly (no
 *   n8n), which splits the node's cost into n8n + backend and the durable key store, and an n8n
 *   execution of the node that makes no WhatsApp call (n8n's own share): wall time and process CPU;
 * - recovery: from a call timing out (WhatsApp lost one app-state answer) to the next call
 *   succeeding, vs. the same archive on a healthy warm connection.
 */
import { rm } from 'node:fs/promises';
import { loadBaileys } from '../../nodes/backends/embedded/loadBaileys';
import { closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { configureEmbedded } from '../../nodes/backends/embedded/settings';
import { connectClient, type InjectedMessage } from '../fake-whatsapp';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { startWorld, tempFolder, withConnection, type EmbeddedWorld } from '../embedded/world';

const OPERATIONS = 60;
const RECOVERIES = 10;
const LOST_CALL_TIMEOUT_MS = 300;

interface Sample {
	wallMs: number;
	cpuMs: number;
}

export async function benchChatModify(print: (line: string) => void): Promise<void> {
	const world = await startWorld();
	// Baileys' own query timeout as in production (60 s), far above the node's.
	configureEmbedded({ queryTimeoutMs: 60_000, store: { saveDelayMs: 200 } });
	let raw: Awaited<ReturnType<typeof connectClient>> | undefined;
	let rawFiles: Awaited<ReturnType<typeof connectClient>> | undefined;
	const rawFolder = await tempFolder('wa-bench-raw-');
	try {
		const status = await node({ resource: 'session', operation: 'status' }, world);
		if (status.error) throw status.error;
		const nodeChat = '15550008001@s.whatsapp.net';
		const rawChat = '15550008002@s.whatsapp.net';
		const recoveryChat = '15550008003@s.whatsapp.net';
		const filesChat = '15550008004@s.whatsapp.net';
		const socketChat = '15550008005@s.whatsapp.net';
		await world.wa.injectMessage({ chat: nodeChat, text: 'bench node chat' });
		const rawSeed = await world.wa.injectMessage({ chat: rawChat, text: 'bench raw chat' });
		const filesSeed = await world.wa.injectMessage({ chat: filesChat, text: 'bench raw chat on files' });
		await world.wa.injectMessage({ chat: recoveryChat, text: 'bench recovery chat' });
		await world.wa.injectMessage({ chat: socketChat, text: 'bench socket chat' });
		raw = await connectClient(world.wa, { auth: world.wa.makePairedCreds({ device: 30 }), config: { defaultQueryTimeoutMs: 60_000 } });
		await raw.waitForOpen();
		rawFiles = await connectClient(world.wa, { auth: await multiFileAuth(world, rawFolder, 31), config: { defaultQueryTimeoutMs: 60_000 } });
		await rawFiles.waitForOpen();
		await world.wa.settle();

		let nodeArchived = false;
		const viaNode = async () => {
			nodeArchived = !nodeArchived;
			const result = await node({ resource: 'chat', operation: nodeArchived ? 'archive' : 'unarchive', chatId: chat(nodeChat) }, world);
			if (result.error) throw new Error(`bench archive failed: ${result.error.message}`);
		};
		let rawArchived = false;
		const viaBaileys = async () => {
			rawArchived = !rawArchived;
			await raw!.sock.chatModify({ archive: rawArchived, lastMessages: lastMessagesOf(rawSeed) }, rawChat);
		};
		let filesArchived = false;
		const viaBaileysFiles = async () => {
			filesArchived = !filesArchived;
			await rawFiles!.sock.chatModify({ archive: filesArchived, lastMessages: lastMessagesOf(filesSeed) }, filesChat);
		};
		let socketArchived = false;
		const viaSessionSocket = async () => {
			socketArchived = !socketArchived;
			await withConnection(world.folder, async (connection) => {
				const sock = await connection.whenOpen(5000);
				await sock.chatModify({ archive: socketArchived, lastMessages: connection.store.lastMessages(socketChat) }, socketChat);
			});
		};
		// n8n's own share: one execution of the node that asks the warm session for its status (no WhatsApp round trip).
		const viaNodeNoCall = async () => {
			const result = await node({ resource: 'session', operation: 'status' }, world);
			if (result.error) throw new Error(`bench status failed: ${result.error.message}`);
		};
		const ways = [
			{ label: 'raw Baileys chatModify, keys in memory (baseline)', work: viaBaileys, samples: [] as Sample[] },
			{ label: "raw Baileys chatModify, Baileys' multi-file auth state", work: viaBaileysFiles, samples: [] as Sample[] },
			{ label: "the session's own socket, no n8n (durable key store)", work: viaSessionSocket, samples: [] as Sample[] },
			{ label: 'through the node, one n8n execution each', work: viaNode, samples: [] as Sample[] },
			{ label: 'n8n alone: one execution of Session Status, no WhatsApp call', work: viaNodeNoCall, samples: [] as Sample[] },
		];
		// Warm-up: n8n's engine, every socket's first app-state sync.
		for (let n = 0; n < 3; n++) for (const way of ways) await way.work();
		for (let n = 0; n < OPERATIONS; n++) for (const way of ways) way.samples.push(await measure(way.work));
		const figures = ways.map((way) => ({ ...way, wall: median(way.samples.map((s) => s.wallMs)), cpu: mean(way.samples.map((s) => s.cpuMs)) }));
		const [rawMemory, rawOnFiles, sessionSocket, viaTheNode, n8nAlone] = figures;
		const nodeWall = viaTheNode.wall;
		print(`embedded chat changes: archive/unarchive on a warm connection, ${OPERATIONS} each, interleaved, fake server on 127.0.0.1`);
		for (const way of figures) print(`  ${way.label.padEnd(62)} ${fmt(way.wall).padStart(5)} ms median wall, ${fmt(way.cpu).padStart(5)} ms CPU per operation`);
		print(`  node / raw (keys in memory): ${(nodeWall / rawMemory.wall).toFixed(2)}x wall, ${(viaTheNode.cpu / rawMemory.cpu).toFixed(2)}x CPU (goal <= 1.5x wall)`);
		print(`  node / raw (multi-file):     ${(nodeWall / rawOnFiles.wall).toFixed(2)}x wall, ${(viaTheNode.cpu / rawOnFiles.cpu).toFixed(2)}x CPU`);
		print(`  session socket / raw (keys in memory): ${(sessionSocket.wall / rawMemory.wall).toFixed(2)}x wall, ${(sessionSocket.cpu / rawMemory.cpu).toFixed(2)}x CPU (the durable key store's cost)`);
		print(`  node - session socket: ${fmt(nodeWall - sessionSocket.wall)} ms wall; an n8n execution with no WhatsApp call: ${fmt(n8nAlone.wall)} ms wall, ${fmt(n8nAlone.cpu)} ms CPU`);
		await raw.end();
		raw = undefined;
		await rawFiles.end();
		rawFiles = undefined;

		// Recovery after a lost app-state answer: the timed-out call replaces its socket.
		const recoveries: number[] = [];
		const reconnects: number[] = [];
		let recoveryArchived = false;
		for (let n = 0; n < RECOVERIES; n++) {
			await world.wa.settle(50);
			world.wa.withholdAnswers((iq) => iq.xmlns === 'w:sync:app:state', 1);
			const lost = await node({ resource: 'chat', operation: 'archive', chatId: chat(nodeChat), options: { timeout: LOST_CALL_TIMEOUT_MS } }, world);
			const timedOutAt = performance.now();
			if (!lost.error || !/did not complete/.test(lost.error.message)) throw new Error(`expected a timeout, got ${lost.error?.message ?? 'success'}`);
			recoveryArchived = !recoveryArchived;
			// The same wait the node does first (the new socket's login), timed on its own.
			await withConnection(world.folder, (connection) => connection.whenOpen(10_000));
			reconnects.push(performance.now() - timedOutAt);
			const next = await node({ resource: 'chat', operation: recoveryArchived ? 'archive' : 'unarchive', chatId: chat(recoveryChat) }, world);
			if (next.error) throw new Error(`the call after a timeout failed: ${next.error.message}`);
			recoveries.push(performance.now() - timedOutAt);
		}
		print(`  a call timed out (one app-state answer lost), then the next archive, ${RECOVERIES} times:`);
		print(`    warm archive on a healthy connection (baseline): ${fmt(nodeWall)} ms median`);
		print(
			`    timeout -> next call succeeded: ${fmt(median(recoveries))} ms median, ${fmt(Math.max(...recoveries))} ms max ` +
				`(${(median(recoveries) / nodeWall).toFixed(1)}x the baseline; goal < 100 ms; Baileys alone would hold its lock for its 60 s query timeout)`,
		);
		print(`    of which the new socket's login: ${fmt(median(reconnects))} ms median`);
	} finally {
		await raw?.end();
		await rawFiles?.end();
		await world.wa.settle();
		await closeAllSessions();
		await world.close();
		await rm(rawFolder, { recursive: true, force: true });
	}
}

/** Paired creds for another device of the server's phone, kept by Baileys' own useMultiFileAuthState in `folder`. */
async function multiFileAuth(world: EmbeddedWorld, folder: string, device: number) {
	const B = await loadBaileys();
	const paired = world.wa.makePairedCreds({ device });
	const { state } = await B.useMultiFileAuthState(folder);
	Object.assign(state.creds, paired.creds);
	const keys: Record<string, Record<string, unknown>> = {};
	for (const [type, entries] of paired.keys.data) keys[type] = Object.fromEntries(entries);
	await state.keys.set(keys as never);
	return state;
}

async function node(parameters: Record<string, unknown>, world: EmbeddedWorld) {
	return await runChatsNode({ credentials: world.credentials, parameters: parameters as never });
}

function lastMessagesOf(message: InjectedMessage) {
	return [{ key: message.key, messageTimestamp: message.messageTimestamp }];
}

async function measure(work: () => Promise<void>): Promise<Sample> {
	const cpu = process.cpuUsage();
	const started = performance.now();
	await work();
	const wallMs = performance.now() - started;
	const used = process.cpuUsage(cpu);
	return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function mean(values: number[]): number {
	return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function fmt(value: number): string {
	return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}
