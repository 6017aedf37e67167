/** Embedded tests that start from nothing: a fake WhatsApp server, an n8n user folder that does not exist yet, and pairing through the node's own Session → Get QR. */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { resetEmbeddedSettings } from '../../nodes/backends/embedded/settings';
import { startFakeWhatsApp, type FakeWhatsApp } from '../fake-whatsapp';
import type { RunNodeResult } from '../helpers/n8nEngine';
import { eventually, tempFolder, useTestSettings } from './world';

export interface FreshN8n {
	wa: FakeWhatsApp;
	/** the temp folder holding everything; `N8N_USER_FOLDER` is `<root>/n8n-user`, not made yet */
	root: string;
	/** settles and closes the sessions and the server, puts `N8N_USER_FOLDER` back, removes `root` */
	close(): Promise<void>;
}

/** A fake WhatsApp server and a fresh, not yet existing `N8N_USER_FOLDER` under a new temp folder. */
export async function startFreshN8n(prefix: string): Promise<FreshN8n> {
	const wa = await startFakeWhatsApp();
	const root = await tempFolder(prefix);
	const previousUserFolder = process.env.N8N_USER_FOLDER;
	process.env.N8N_USER_FOLDER = path.join(root, 'n8n-user'); // does not exist yet
	process.env.WHATSAPP_CHATS_WA_URL = wa.url;
	useTestSettings();
	return {
		wa,
		root,
		async close() {
			await wa.settle();
			await closeAllSessions();
			await wa.close();
			delete process.env.WHATSAPP_CHATS_WA_URL;
			if (previousUserFolder === undefined) delete process.env.N8N_USER_FOLDER;
			else process.env.N8N_USER_FOLDER = previousUserFolder;
			resetEmbeddedSettings();
			await rm(root, { recursive: true, force: true });
		},
	};
}

type RunNode = (parameters: Record<string, unknown>) => Promise<RunNodeResult>;

/**
 * Session → Get QR through the node, the phone scans it, then Session → Status until connected
 * (and, with `appStateKeys`, until the app-state keys arrived).
 */
export async function pairThroughGetQr(
	wa: FakeWhatsApp,
	node: RunNode,
	options: { pairing?: Parameters<FakeWhatsApp['completePairing']>[1]; appStateKeys?: boolean; timeoutMs?: number } = {},
): Promise<void> {
	const qr = await node({ resource: 'session', operation: 'getQr' });
	expect(qr.error).toBeUndefined();
	await wa.completePairing(qr.output[0].json.qr as string, options.pairing);
	await eventually(
		async () => {
			const status = (await node({ resource: 'session', operation: 'status' })).output[0]?.json;
			return status?.connected === true && (!options.appStateKeys || status.appStateKeysReady) ? status : undefined;
		},
		options.timeoutMs ?? 10_000,
		options.appStateKeys ? 'connected with the app-state keys after pairing' : 'connected after pairing',
	);
}
