/**
 * Loads the node the way n8n does and uses a gateway backend, then an embedded one, printing
 * after each step which embedded modules are loaded and whether Baileys was imported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const embeddedModules = () => Object.keys(require.cache).filter((file) => file.includes(`${path.sep}backends${path.sep}embedded${path.sep}`));
const report = (step: string, extra: Record<string, unknown> = {}) =>
	process.stdout.write(`${JSON.stringify({ step, embeddedModules: embeddedModules().map((file) => path.basename(file)), ...extra })}\n`);

async function main(): Promise<void> {
	const { WhatsAppChats } = require('../../../nodes/WhatsAppChats/WhatsAppChats.node.ts') as typeof import('../../../nodes/WhatsAppChats/WhatsAppChats.node');
	new WhatsAppChats();
	const { createBackend } = require('../../../nodes/backends/createBackend') as typeof import('../../../nodes/backends/createBackend');
	const waha = await createBackend({ connection: 'waha', baseUrl: 'http://127.0.0.1:9', session: 'default' });
	waha.supports('archiveChat');
	await waha.release();
	report('gateway');

	const folder = mkdtempSync(path.join(tmpdir(), 'wa-lazy-'));
	try {
		const embedded = await createBackend({ connection: 'embedded', session: 'lazy', authFolder: folder, sessionSecret: 'lazy-load-test-secret' });
			const { isBaileysLoaded } = require('../../../nodes/backends/embedded/loadBaileys') as typeof import('../../../nodes/backends/embedded/loadBaileys');
		report('embedded backend created', { baileysLoaded: isBaileysLoaded() });
		await embedded.getSessionStatus();
		report('embedded session used', { baileysLoaded: isBaileysLoaded() });
		await embedded.release();
			await (require('../../../nodes/backends/embedded/SessionRegistry') as typeof import('../../../nodes/backends/embedded/SessionRegistry')).closeAllSessions();
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
