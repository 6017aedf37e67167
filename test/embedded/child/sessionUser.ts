/**
 * A second process using an embedded session, as a queue-mode worker would. Prints one JSON line.
 *   use <authFolder>   run Session → Status through createBackend; report success or the error
 *   hold <authFolder>  take the session lock, print {"held":true}, then wait to be killed
 */
import { createBackend } from '../../../nodes/backends/createBackend';
import { GatewayError } from '../../../nodes/backends/errors';
import { isBaileysLoaded } from '../../../nodes/backends/embedded/loadBaileys';
import { sessionPaths } from '../../../nodes/backends/embedded/paths';
import { TEST_SECRET } from './secrets';
import { SessionLock } from '../../../nodes/backends/embedded/sessionLock';
import { closeAllSessions } from '../../../nodes/backends/embedded/SessionRegistry';

async function main(): Promise<void> {
	const [mode, folder] = process.argv.slice(2);
	if (mode === 'hold') {
		SessionLock.acquire(sessionPaths('test', folder, TEST_SECRET).lock, 'test');
		process.stdout.write(`${JSON.stringify({ held: true, pid: process.pid })}\n`);
		setInterval(() => undefined, 60_000);
		return;
	}
	const started = Date.now();
	const backend = await createBackend({ connection: 'embedded', session: 'test', authFolder: folder, sessionSecret: TEST_SECRET }, { timeoutMs: 5000, maxRetries: 0 });
	try {
		const status = await backend.getSessionStatus();
		process.stdout.write(`${JSON.stringify({ ok: true, state: status.state, baileysLoaded: isBaileysLoaded() })}\n`);
	} catch (error) {
		const kind = error instanceof GatewayError ? error.kind : 'other';
		process.stdout.write(
			`${JSON.stringify({ ok: false, kind, message: (error as Error).message, ms: Date.now() - started, baileysLoaded: isBaileysLoaded() })}\n`,
		);
	} finally {
		await backend.release();
		await closeAllSessions();
	}
	// Done: a query Baileys left pending (60 s default timeout) must not keep this process alive.
	process.exit(0);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
