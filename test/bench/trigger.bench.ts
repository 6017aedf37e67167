/**
 * Trigger latency on the embedded connection: from the fake WhatsApp server injecting a message
 * to the WhatsApp Chats Trigger emitting its execution, over 1000 messages. Baseline from the same
 * messages: the moment the raw Baileys `messages.upsert` reaches the shared connection, so the
 * difference is what the trigger itself adds (mapping, filters, de-duplication, n8n's emit).
 */
import { startTrigger } from '../helpers/n8nTrigger';
import { startWorld, withConnection } from '../embedded/world';

const EVENTS = 1000;

export async function benchTrigger(print: (line: string) => void): Promise<void> {
	const world = await startWorld();
	const trigger = await startTrigger({ credentials: world.credentials, parameters: { source: 'embedded', events: ['message'] } });
	const rawSeenAt = new Map<string, number>();
	let unsubscribeRaw: () => void = () => {};
	try {
		await trigger.startTrigger();
		await withConnection(world.folder, async (connection) => {
			unsubscribeRaw = connection.subscribe({
				onEvents: (events) => {
					for (const message of events['messages.upsert']?.messages ?? []) rawSeenAt.set(message.key.id!, performance.now());
				},
				onState: () => {},
			});
			await connection.whenOpen(10_000);
		});

		const toTrigger: number[] = [];
		const toRaw: number[] = [];
		for (let i = 0; i < EVENTS; i++) {
			const id = `BENCH${String(i).padStart(6, '0')}`;
			const before = trigger.executions.length;
			const sentAt = performance.now();
			await world.wa.injectMessage({ chat: '15550007777@s.whatsapp.net', id, text: `event ${i}` });
			while (trigger.executions.length === before) await new Promise((resolve) => setImmediate(resolve));
			const emittedAt = performance.now();
			if (trigger.executions[before][0].json.messageId !== id) throw new Error(`expected ${id} from the trigger`);
			toTrigger.push(emittedAt - sentAt);
			toRaw.push((rawSeenAt.get(id) ?? emittedAt) - sentAt);
		}
		const median = (values: number[]) => percentile(values, 50);
		print(`trigger latency (embedded): ${EVENTS} injected messages, inject -> emitted execution`);
		print(`  raw Baileys event (baseline): median ${median(toRaw).toFixed(2)} ms, p99 ${percentile(toRaw, 99).toFixed(2)} ms`);
		print(`  WhatsApp Chats Trigger:       median ${median(toTrigger).toFixed(2)} ms, p99 ${percentile(toTrigger, 99).toFixed(2)} ms`);
		print(`  trigger / raw (median): ${(median(toTrigger) / median(toRaw)).toFixed(2)}x`);
	} finally {
		unsubscribeRaw();
		await trigger.close();
		await world.close();
	}
}

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
