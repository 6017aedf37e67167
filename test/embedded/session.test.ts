/**
 * The Session resource on the embedded connection: pairing by QR (text + PNG) and by code, the
 * status it reports before and after, and logout (the server is told, the keys are deleted).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { eventually, injectStored, startWorld, testPaths, withConnection, type EmbeddedWorld } from './world';

jest.setTimeout(30_000);

async function node(world: EmbeddedWorld, parameters: Record<string, unknown>) {
	return await runChatsNode({ credentials: world.credentials, parameters: parameters as never });
}

describe('pairing by QR, status, logout', () => {
	let world: EmbeddedWorld;
	let device: { jid: string; lid: string };
	beforeAll(async () => (world = await startWorld({ paired: false })));
	afterAll(async () => await world?.close());

	test('Status of a session never paired: not paired, nothing connected', async () => {
		const result = await node(world, { resource: 'session', operation: 'status' });
		expect(result.output[0].json).toMatchObject({ success: true, backend: 'Embedded (Baileys)', state: 'notPaired', connected: false, me: null, appStateKeysReady: false });
		expect(world.wa.connections).toBe(0);
	});

	test('an operation on an unpaired session says how to pair', async () => {
		const result = await node(world, { resource: 'chat', operation: 'getMany', returnAll: true });
		expect(result.error?.message).toBe(
			'The embedded session "test" is not paired yet (no phone is linked to it). Pair it: run the WhatsApp Chats node with Session → Get QR ' +
				'(scan it in WhatsApp → Linked devices) or Session → Request Pairing Code.',
		);
	});

	test('Get QR gives the QR text and a PNG; scanning it pairs the session, which reconnects and opens', async () => {
		const result = await node(world, { resource: 'session', operation: 'getQr' });
		expect(result.error).toBeUndefined();
		const [item] = result.output;
		expect(item.json.qr).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#/);
		expect(item.binary?.qr).toMatchObject({ mimeType: 'image/png', fileName: 'whatsapp-qr.png' });
		expect(Buffer.from(item.binary!.qr.data, 'base64').subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

		device = await world.wa.completePairing(item.json.qr as string);
		// Pair-success, then the server's 515 "restart required": the session reconnects at once.
		await withConnection(world.folder, (connection) => eventually(() => connection.currentState === 'open', 5000, 'open after pairing'));
		expect(world.wa.connections).toBe(2);

		const status = await eventually(async () => {
			const json = (await node(world, { resource: 'session', operation: 'status' })).output[0].json;
			return json.appStateKeysReady ? json : undefined; // the phone shares the key right after the first login
		}, 5000, 'app-state keys');
		expect(status).toMatchObject({ state: 'open', connected: true, me: '15550001111@s.whatsapp.net', appStateKeysReady: true });
	});

	test('the pairing is on disk (creds.json, encrypted, names the device) and no output carries key material', async () => {
		const sealed = readFileSync(path.join(world.folder, 'creds.json'), 'utf-8');
		const creds = JSON.parse(testPaths(world.folder).access.cipher.open('creds.json', sealed));
		expect(creds.me.id).toBe(device.jid);
		expect(sealed).not.toContain(creds.noiseKey.private.data);
		expect(sealed).not.toContain(device.jid.split('@')[0].split(':')[0]);
		expect(creds.account).toBeDefined();
		const outputs = JSON.stringify((await node(world, { resource: 'session', operation: 'status' })).output);
		expect(outputs).not.toContain(creds.noiseKey.private.data);
		expect(outputs).not.toContain(creds.signedIdentityKey.private.data);
		expect(outputs).not.toContain(creds.advSecretKey);
	});

	test('a freshly paired session works: archive reaches the server', async () => {
		const jid = '15550009999@s.whatsapp.net';
		await injectStored(world, { chat: jid, text: 'hi after pairing' });
		const result = await node(world, { resource: 'chat', operation: 'archive', chatId: chat(jid) });
		expect(result.error).toBeUndefined();
		await world.wa.waitFor('mutation', (m) => m.index[0] === 'archive' && m.index[1] === jid);
	});

	test('Get QR on a paired session is refused', async () => {
		const result = await node(world, { resource: 'session', operation: 'getQr' });
		expect(result.error?.message).toBe(
			'The embedded session "test" is already paired with 15550001111; run Session → Logout first to link another phone, or use another session name',
		);
	});

	test('Logout tells WhatsApp to remove the device, deletes the keys and leaves the session unpaired', async () => {
		const result = await node(world, { resource: 'session', operation: 'logout' });
		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toMatchObject({ success: true, loggedOut: true, raw: { session: 'test', unlinked: '15550001111@s.whatsapp.net' } });
		const iq = await world.wa.waitFor('iq', (i) => i.xmlns === 'md' && i.child === 'remove-companion-device');
		const removal = (iq.node.content as Array<{ attrs: Record<string, string> }>)[0];
		expect(removal.attrs).toMatchObject({ jid: device.jid, reason: 'user_initiated' });

		expect(existsSync(path.join(world.folder, 'creds.json'))).toBe(false);
		expect(existsSync(path.join(world.folder, 'keys'))).toBe(true); // recreated empty for the next pairing
		expect(existsSync(path.join(world.folder, 'store.json'))).toBe(false);

		const status = (await node(world, { resource: 'session', operation: 'status' })).output[0].json;
		expect(status).toMatchObject({ state: 'loggedOut', connected: false, me: null, appStateKeysReady: false });
		const archive = await node(world, { resource: 'chat', operation: 'archive', chatId: chat('15550009999') });
		expect(archive.error?.message).toMatch(/^WhatsApp logged out the embedded session "test" .*Pair it again: run the WhatsApp Chats node with Session → Get QR/);
	});

	test('after a logout the session can be paired again', async () => {
		const result = await node(world, { resource: 'session', operation: 'getQr' });
		expect(result.error).toBeUndefined();
		expect(result.output[0].json.qr).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#/);
	});
});

describe('pairing by code', () => {
	let world: EmbeddedWorld;
	beforeAll(async () => (world = await startWorld({ paired: false })));
	afterAll(async () => await world?.close());

	test('Request Pairing Code sends the companion hello for that number and returns the 8-character code', async () => {
		const result = await node(world, { resource: 'session', operation: 'requestPairingCode', phoneNumber: '+1 555 000-1111' });
		expect(result.error).toBeUndefined();
		const json = result.output[0].json;
		expect(json).toMatchObject({ success: true, phoneNumber: '15550001111' });
		expect(json.code).toMatch(/^[0-9A-Z]{8}$/);
		const iq = await world.wa.waitFor('iq', (i) => i.xmlns === 'md' && i.child === 'link_code_companion_reg');
		const hello = (iq.node.content as Array<{ attrs: Record<string, string> }>)[0];
		expect(hello.attrs).toMatchObject({ jid: '15550001111@s.whatsapp.net', stage: 'companion_hello' });
	});
});

describe('before the phone shares the app-state keys', () => {
	let world: EmbeddedWorld;
	beforeAll(async () => (world = await startWorld({ paired: { withAppStateKey: false } })));
	afterAll(async () => await world?.close());

	test('Status says the keys are missing, chat changes explain why they fail, and both work once the phone shares them', async () => {
		const before = (await node(world, { resource: 'session', operation: 'status' })).output[0].json;
		expect(before).toMatchObject({ state: 'open', connected: true, appStateKeysReady: false });
		const jid = '15550008888@s.whatsapp.net';
		await injectStored(world, { chat: jid, text: 'hello' });
		const refused = await node(world, { resource: 'chat', operation: 'archive', chatId: chat(jid) });
		expect(refused.error?.message).toBe(
			'The phone has not yet shared the app-state keys of the embedded session "test", which archive of chat 15550008888@s.whatsapp.net needs. ' +
				'Keep the phone online with WhatsApp open for a minute after pairing, then retry (Session → Status shows appStateKeysReady).',
		);
		expect(world.wa.mutations).toHaveLength(0);

		await world.wa.shareAppStateKey();
		const after = await eventually(async () => {
			const json = (await node(world, { resource: 'session', operation: 'status' })).output[0].json;
			return json.appStateKeysReady ? json : undefined;
		}, 5000, 'app-state keys');
		expect(after).toMatchObject({ appStateKeysReady: true });
		const archived = await node(world, { resource: 'chat', operation: 'archive', chatId: chat(jid) });
		expect(archived.error).toBeUndefined();
		await world.wa.waitFor('mutation', (m) => m.index[0] === 'archive' && m.index[1] === jid);
	});
});
