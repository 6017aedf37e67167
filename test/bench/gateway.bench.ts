/**
 * Batch throughput over a gateway with 20 ms latency: 500 items through the node in n8n's engine,
 * default concurrency versus one request at a time (how other WhatsApp nodes work).
 */
import { GatewayTestServer } from '../gateway-server/GatewayTestServer';
import { chat, runChatsNode, wahaCredentials } from '../helpers/whatsAppChatsNode';

const ITEMS = 500;
const LATENCY_MS = 20;

export async function benchGateway(print: (line: string) => void): Promise<void> {
	const gateway = await GatewayTestServer.start({ latencyMs: LATENCY_MS });
	try {
		const input = Array.from({ length: ITEMS }, (_, i) => ({ json: { phone: `+1 555 ${String(1_000_000 + i)}` } }));
		const runWith = async (options: Record<string, unknown>) => {
			gateway.reset();
			const started = process.hrtime.bigint();
			const result = await runChatsNode({
				credentials: wahaCredentials(gateway),
				parameters: { resource: 'chat', operation: 'archive', chatId: chat('={{ $json.phone }}'), options } as never,
				input,
			});
			const seconds = Number(process.hrtime.bigint() - started) / 1e9;
			if (result.error || result.output.length !== ITEMS || gateway.requests.length !== ITEMS) {
				throw new Error(`bench run failed: ${result.error?.message ?? `${result.output.length} items, ${gateway.requests.length} requests`}`);
			}
			return { seconds, perSecond: ITEMS / seconds, maxInFlight: gateway.maxInFlight };
		};

		await runWith({}); // warm-up: engine, keep-alive sockets
		const sequential = await runWith({ concurrency: 1 });
		const concurrent = await runWith({});
		print(`gateway batch: ${ITEMS} archive items, ${LATENCY_MS} ms gateway latency`);
		print(`  concurrency 1 (baseline): ${sequential.seconds.toFixed(2)} s, ${sequential.perSecond.toFixed(0)} items/s`);
		print(`  default concurrency (5):  ${concurrent.seconds.toFixed(2)} s, ${concurrent.perSecond.toFixed(0)} items/s, ${concurrent.maxInFlight} requests in flight`);
		print(`  speed-up: ${(concurrent.perSecond / sequential.perSecond).toFixed(2)}x (goal: at least 4x)`);
	} finally {
		await gateway.close();
	}
}
