/**
 * Bench child: in a fresh process that has already loaded `n8n-workflow` (as inside n8n), loads
 * every node and credential file package.json lists, the way n8n does, printing the time and memory it took
 * and whether axios and qrcode were loaded, as one JSON line. With `eager`, axios and qrcode are
 * loaded with it, as the package did before they were loaded on first use (the baseline).
 * Run with --expose-gc so memory is measured after garbage collection.
 */
import path from 'node:path';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const memoryMb = () => {
	gc();
	const { heapUsed, rss } = process.memoryUsage();
	return { heap: heapUsed / 2 ** 20, rss: rss / 2 ** 20 };
};
const loaded = (name: string) => Object.keys(require.cache).some((file) => file.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`));

const ext = path.extname(__filename);
// Every node and credential file package.json names for n8n (compiled: dist/…; from TypeScript: the sources).
const repoRoot = ext === '.ts' ? path.join(__dirname, '..', '..') : path.join(__dirname, '..', '..', '..');
const { n8n } = require(path.join(repoRoot, 'package.json')) as { n8n: { nodes: string[]; credentials: string[] } };
const files = [...n8n.nodes, ...n8n.credentials].map((entry) =>
	ext === '.ts' ? path.join(repoRoot, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts')) : path.join(repoRoot, entry),
);

require('n8n-workflow');
const before = memoryMb();
const started = process.hrtime.bigint();
for (const file of files) require(file);
if (process.argv[2] === 'eager') {
	require('axios');
	require('qrcode');
}
const done = process.hrtime.bigint();
const after = memoryMb();
process.stdout.write(
	`${JSON.stringify({
		ms: Number(done - started) / 1e6,
		heapMb: after.heap - before.heap,
		rssMb: after.rss - before.rss,
		axios: loaded('axios'),
		qrcode: loaded('qrcode'),
	})}\n`,
);
