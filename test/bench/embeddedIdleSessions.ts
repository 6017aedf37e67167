/**
 * Bench child: opens embedded sessions (auth folders prepared by the parent, paired with its fake
 * server) and reports the heap one more idle, connected session costs. Runs apart from the fake
 * server so that only the product's memory is measured. Needs --expose-gc and, in the
 * environment, WHATSAPP_CHATS_WA_URL plus the fake server's test root (FAKE_WA_ROOT_KEY, FAKE_WA_ROOT_SERIAL).
 */
import { loadBaileys } from '../../nodes/backends/embedded/loadBaileys';
import { sessionPaths } from '../../nodes/backends/embedded/paths';
import { TEST_SECRET } from '../embedded/child/secrets';
import { acquireSession, closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const heapMb = () => {
	gc();
	gc();
	return process.memoryUsage().heapUsed / 2 ** 20;
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function open(folder: string): Promise<void> {
	const lease = await acquireSession(sessionPaths('bench', folder, TEST_SECRET));
	await lease.connection.whenOpen(15_000);
	// Stays held: an idle session is one that is connected and unused.
}

async function main(): Promise<void> {
	const [warmUp, ...folders] = process.argv.slice(2);
	const B = await loadBaileys();
	// The fake server signs its certificate chain with a test root; trust it like the tests do.
	const details = B.WA_CERT_DETAILS as { PUBLIC_KEY: Buffer; SERIAL: number };
	details.PUBLIC_KEY = Buffer.from(process.env.FAKE_WA_ROOT_KEY ?? '', 'base64');
	details.SERIAL = Number(process.env.FAKE_WA_ROOT_SERIAL ?? 0);

	const withBaileys = heapMb();
	await open(warmUp); // one-time costs (module caches, first socket) are not per session
	await pause(1500);
	const base = heapMb();
	for (const folder of folders) await open(folder);
	await pause(1500); // let the post-login queries finish
	const after = heapMb();
	process.stdout.write(`${JSON.stringify({ withBaileys, base, after, perSession: (after - base) / folders.length, sessions: folders.length })}\n`);
	await closeAllSessions();
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
		process.exit(1);
	},
);
