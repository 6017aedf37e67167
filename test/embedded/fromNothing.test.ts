/**
 * The first steps of a new user, from nothing: a fresh n8n user folder (not even created yet), no
 * session folder, a new embedded credential. Session → Get QR in n8n's engine returns the QR text
 * and a PNG, pairing through that QR completes, Session → Status then says connected, and the
 * package made the folders itself, owner-only.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { MARKER_FILE, sessionPaths } from '../../nodes/backends/embedded/paths';
import type { FakeWhatsApp } from '../fake-whatsapp';
import { runChatsNode } from '../helpers/whatsAppChatsNode';
import { startFreshN8n, type FreshN8n } from './pairFromNothing';
import { eventually } from './world';

jest.setTimeout(40_000);

let wa: FakeWhatsApp;
let root: string;
let fresh: FreshN8n;

beforeAll(async () => {
	fresh = await startFreshN8n('wa-fresh-');
	({ wa, root } = fresh);
});

afterAll(async () => {
	await fresh?.close();
});

test('a new embedded credential on a fresh n8n: Get QR gives text and PNG, pairing through it completes, Status says connected', async () => {
	const secret = randomBytes(32).toString('base64url'); // what npm start puts in the credential it creates
	const credentials = { connection: 'embedded', session: 'default', authFolder: '', sessionSecret: secret };
	const node = (parameters: Record<string, unknown>) => runChatsNode({ credentials, parameters: parameters as never });
	const folder = sessionPaths('default', '', secret).folder;
	expect(existsSync(path.join(root, 'n8n-user'))).toBe(false);

	const qr = await node({ resource: 'session', operation: 'getQr' });
	expect(qr.error).toBeUndefined();
	const [item] = qr.output;
	expect(item.json).toMatchObject({ success: true, qr: expect.stringMatching(/^https:\/\/wa\.me\/settings\/linked_devices#/) });
	expect(item.binary?.qr).toMatchObject({ mimeType: 'image/png', fileName: 'whatsapp-qr.png' });
	const png = Buffer.from(item.binary!.qr.data, 'base64');
	expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
	expect(png.length).toBeGreaterThan(500);

	// The package made the session folder and its missing parents, owner-only, and marked it.
	for (const level of [path.join(root, 'n8n-user', '.n8n'), path.join(root, 'n8n-user', '.n8n', 'whatsapp-chats'), folder]) {
		expect(statSync(level).mode & 0o777).toBe(0o700);
	}
	expect(existsSync(path.join(folder, MARKER_FILE))).toBe(true);

	const device = await wa.completePairing(item.json.qr as string);
	const status = await eventually(async () => {
		const json = (await node({ resource: 'session', operation: 'status' })).output[0]?.json;
		return json?.connected ? json : undefined;
	}, 10_000, 'connected after pairing');
	expect(status).toMatchObject({ success: true, backend: 'Embedded (Baileys)', state: 'open', connected: true, me: '15550001111@s.whatsapp.net' });
	expect(device.jid).toMatch(/^15550001111:\d+@s\.whatsapp\.net$/);
	expect(JSON.stringify(status)).not.toContain(secret);
});
