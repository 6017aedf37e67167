/**
 * Embedded trigger fan-out: messages per second through the WhatsApp Chats Trigger with 3 active
 * triggers on one session vs 1 (baseline, same run, same session), and the decode work per
 * message and per batch (decodeBaileysEvents runs once per batch, whatever the number of triggers).
 */
import { decoderWork } from '../../nodes/backends/embedded/decodeBaileysEvents';
import { triggerFeedWork } from '../../nodes/backends/embedded/triggerFeed';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';
import { startWorld, withConnection } from '../embedded/world';

const MESSAGES = 200;
const ROUNDS = 5;
const WARM_UP = 200;
const CHAT = '15550007778@s.whatsapp.net';

export async function benchTriggerFanOut(print: (line: string) => void): Promise<void> {
	const world = await startWorld();
	const triggers: TriggerUnderTest[] = [];
	let unsubscribeRaw: () => void = () => {};
	const raw = { batches: 0, messages: 0 };
	try {
		const addTrigger = async () => {
			const trigger = await startTrigger({ credentials: world.credentials, parameters: { source: 'embedded', events: ['message'] } });
			await trigger.startTrigger();
			triggers.push(trigger);
		};
		await addTrigger();
		unsubscribeRaw = await withConnection(world.folder, async (connection) => {
			await connection.whenOpen(10_000);
			return connection.subscribe({
				onEvents: (events) => {
					raw.batches++;
					raw.messages += events['messages.upsert']?.messages.length ?? 0;
				},
			});
		});
		let round = 0;
		const run = async (count: number) => {
			const prefix = `FAN${++round}X`;
			const counts = triggers.map((trigger) => trigger.executions.length);
			const started = performance.now();
			const cpuBefore = process.cpuUsage();
			for (let i = 0; i < count; i++) await world.wa.injectMessage({ chat: CHAT, id: `${prefix}${String(i).padStart(6, '0')}`, text: `fan-out ${i}` });
			const deadline = Date.now() + 60_000;
			while (triggers.some((trigger, i) => trigger.executions.length - counts[i] < count)) {
				if (Date.now() > deadline) throw new Error('the triggers did not emit every message within 60 s');
				await new Promise((resolve) => setImmediate(resolve));
			}
			const seconds = (performance.now() - started) / 1000;
			const cpu = process.cpuUsage(cpuBefore);
			const cpuMsPerMessage = (cpu.user + cpu.system) / 1000 / count;
			for (const trigger of triggers) {
				const ids = trigger.executions.slice(-count).map(([item]) => item.json.messageId as string);
				if (!ids.every((id) => id.startsWith(prefix))) throw new Error('a trigger emitted something else than the injected messages');
			}
			return { perSecond: count / seconds, cpuMsPerMessage };
		};
		const measure = async (count: number) => {
			const before = { raw: { ...raw }, decoded: { ...decoderWork }, mapped: triggerFeedWork.mappedBatches };
			const { perSecond, cpuMsPerMessage } = await run(count);
			const batches = raw.batches - before.raw.batches;
			return {
				perSecond,
				cpuMsPerMessage,
				decodesPerBatch: (decoderWork.batches - before.decoded.batches) / batches,
				contentReadsPerMessage: (decoderWork.messageContents - before.decoded.messageContents) / (raw.messages - before.raw.messages),
				mappingsPerBatch: (triggerFeedWork.mappedBatches - before.mapped) / batches,
			};
		};

		const useTriggers = async (count: number) => {
			while (triggers.length < count) await addTrigger();
			while (triggers.length > count) await triggers.pop()!.close();
		};
		// Rounds alternate 1 and 3 triggers (the machine's load changes over time); medians are compared.
		await useTriggers(3);
		await run(WARM_UP);
		const rounds: Record<1 | 3, Array<Awaited<ReturnType<typeof measure>>>> = { 1: [], 3: [] };
		for (let i = 0; i < ROUNDS; i++) {
			for (const count of [1, 3] as const) {
				await useTriggers(count);
				rounds[count].push(await measure(MESSAGES));
			}
		}
		const one = medianOf(rounds[1]);
		const three = medianOf(rounds[3]);

		const line = (label: string, figures: Figures) =>
			`  ${label} ${figures.perSecond.toFixed(0)} messages/s, ${figures.cpuMsPerMessage.toFixed(3)} ms CPU (whole process) per message; per batch: ${figures.decodesPerBatch.toFixed(2)} decodes, ${figures.mappingsPerBatch.toFixed(2)} mappings; content reads per message: ${figures.contentReadsPerMessage.toFixed(2)}`;
		print(`trigger fan-out (embedded): ${ROUNDS} rounds of ${MESSAGES} injected messages per trigger count, inject -> emitted by every trigger (medians)`);
		print(line('1 trigger (baseline):', one));
		print(line('3 triggers:          ', three));
		print(`  3 triggers / 1 trigger (messages/s): ${(three.perSecond / one.perSecond).toFixed(2)}x (goal >= 0.90x); CPU per message ${(three.cpuMsPerMessage / one.cpuMsPerMessage).toFixed(2)}x; decodes per batch with 3 triggers: ${three.decodesPerBatch.toFixed(2)} (goal 1)`);
	} finally {
		unsubscribeRaw();
		for (const trigger of triggers) await trigger.close();
		await world.close();
	}
}

type Figures = { perSecond: number; cpuMsPerMessage: number; decodesPerBatch: number; contentReadsPerMessage: number; mappingsPerBatch: number };

function medianOf(rounds: Figures[]): Figures {
	const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
	const keys = Object.keys(rounds[0]) as Array<keyof Figures>;
	return Object.fromEntries(keys.map((key) => [key, median(rounds.map((round) => round[key]))])) as Figures;
}
