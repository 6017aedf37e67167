/**
 * Bench child: loads the node module the way n8n does (and, with `baileys`, an embedded session's
 * Baileys too) in a fresh process, printing the time and memory it took as one JSON line.
 * Run with --expose-gc so memory is measured after garbage collection.
 */
import path from 'node:path';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const heapMb = () => {
	gc();
	const { heapUsed, rss } = process.memoryUsage();
	return { heap: heapUsed / 2 ** 20, rss: rss / 2 ** 20 };
};

async function main(): Promise<void> {
	const ext = path.extname(__filename);
	const before = heapMb();
	const started = process.hrtime.bigint();
	require(path.join(__dirname, '..', '..', 'nodes', 'WhatsAppChats', `WhatsAppChats.node${ext}`));
	const nodeLoaded = process.hrtime.bigint();
	if (process.argv[2] === 'baileys') {
		const { loadBaileys } = require(path.join(__dirname, '..', '..', 'nodes', 'backends', 'embedded', `loadBaileys${ext}`)) as typeof import('../../nodes/backends/embedded/loadBaileys');
		await loadBaileys();
	}
	const done = process.hrtime.bigint();
	const after = heapMb();
	process.stdout.write(
		`${JSON.stringify({
			nodeMs: Number(nodeLoaded - started) / 1e6,
			totalMs: Number(done - started) / 1e6,
			heapMb: after.heap - before.heap,
			rssMb: after.rss - before.rss,
		})}\n`,
	);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
