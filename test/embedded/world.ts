/**
 * Test setup for the embedded backend: a fake WhatsApp server, a temp auth folder holding the
 * creds of a device paired with it (written through the product's own auth-state module), and
 * the environment variable that points Baileys at the fake server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { FileAuthState } from '../../nodes/backends/embedded/authState';
import { loadBaileys } from '../../nodes/backends/embedded/loadBaileys';
import { sessionPaths } from '../../nodes/backends/embedded/paths';
import type { SessionConnection } from '../../nodes/backends/embedded/connection';
import { acquireSession, closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { configureEmbedded, resetEmbeddedSettings } from '../../nodes/backends/embedded/settings';
import { startFakeWhatsApp, type FakeWhatsApp, type FakeWhatsAppOptions, type InboundMessageSpec, type InjectedMessage, type PairedCredsOptions } from '../fake-whatsapp';
import { TEST_SECRET } from './child/secrets';

export { TEST_SECRET };
export const SESSION = 'test';

/** The files of a test session, as the product derives them from name, folder and secret. */
export function testPaths(folder: string, session = SESSION, secret = TEST_SECRET) {
	return sessionPaths(session, folder, secret);
}

export interface EmbeddedWorld {
	wa: FakeWhatsApp;
	folder: string;
	credentials: IDataObject;
	/** Lets in-flight queries finish, closes every session, stops the server, removes the folder. */
	close(): Promise<void>;
}

/** Fast settings for tests: short linger, quick reconnects, near-immediate store saves. */
export function useTestSettings(change: Parameters<typeof configureEmbedded>[0] = {}): void {
	configureEmbedded({ lingerMs: 60_000, reconnectBaseMs: 50, reconnectMaxMs: 400, queryTimeoutMs: 5_000, store: { saveDelayMs: 20 }, ...change });
}

export async function tempFolder(prefix = 'wa-embedded-'): Promise<string> {
	return await mkdtemp(path.join(tmpdir(), prefix));
}

/** Writes the auth state of a device paired with `wa` into `folder`, as the product stores it. */
export async function writePairedAuth(wa: FakeWhatsApp, folder: string, options: PairedCredsOptions = {}, session = SESSION, secret = TEST_SECRET): Promise<void> {
	const B = await loadBaileys();
	const paired = wa.makePairedCreds(options);
	const auth = await FileAuthState.open(sessionPaths(session, folder, secret), B);
	Object.assign(auth.creds, paired.creds);
	await auth.saveCreds();
	const keys: Record<string, Record<string, unknown>> = {};
	for (const [type, entries] of paired.keys.data) keys[type] = Object.fromEntries(entries);
	await auth.keys.set(keys as never);
	await auth.close();
}

export async function startWorld(options: { server?: FakeWhatsAppOptions; paired?: PairedCredsOptions | false } = {}): Promise<EmbeddedWorld> {
	const wa = await startFakeWhatsApp(options.server);
	const folder = await tempFolder();
	if (options.paired !== false) await writePairedAuth(wa, folder, options.paired ?? {});
	process.env.WHATSAPP_CHATS_WA_URL = wa.url;
	useTestSettings();
	return {
		wa,
		folder,
		credentials: { connection: 'embedded', session: SESSION, authFolder: folder, sessionSecret: TEST_SECRET },
		async close() {
			await wa.settle();
			await closeAllSessions();
			await wa.close();
			delete process.env.WHATSAPP_CHATS_WA_URL;
			resetEmbeddedSettings();
			await rm(folder, { recursive: true, force: true });
		},
	};
}

/** Polls `check` until it returns something (or fails after `timeoutMs`). */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000, what = 'a condition'): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** Runs `use` with the session's shared connection (taking and giving back a lease). */
export async function withConnection<T>(folder: string, use: (connection: SessionConnection) => T | Promise<T>): Promise<T> {
	const lease = await acquireSession(testPaths(folder));
	try {
		return await use(lease.connection);
	} finally {
		lease.release();
	}
}

/** Delivers a message from the fake phone side and waits until the session's store has it. */
export type InboundSpec = InboundMessageSpec | ({ chat: string; text: string } & Omit<InboundMessageSpec, 'message'>);

export async function injectStored(world: EmbeddedWorld, spec: InboundSpec): Promise<InjectedMessage> {
	const injected = 'message' in spec ? await world.wa.injectMessage(spec) : await world.wa.injectMessage(spec);
	await withConnection(world.folder, (connection) =>
		eventually(() => connection.store.findMessage(injected.key.remoteJid, injected.key.id), 5000, `message ${injected.key.id} in the store`),
	);
	return injected;
}
