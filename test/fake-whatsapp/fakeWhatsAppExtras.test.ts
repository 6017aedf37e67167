/**
 * Further capabilities of the fake WhatsApp server: groups, Signal session reuse across
 * reconnects, app-state LT-hash agreement with Baileys, history sync, contact lookup.
 */
import { startFakeWhatsApp, type FakeWhatsApp } from './index';
import { connectClient, type TestClient } from './client';

jest.setTimeout(20_000);

describe('fake WhatsApp extras', () => {
	let wa: FakeWhatsApp;
	const clients: TestClient[] = [];

	async function connect(...args: Parameters<typeof connectClient>[1][]) {
		const c = await connectClient(wa, args[0]);
		clients.push(c);
		await c.waitForOpen();
		return c;
	}

	beforeEach(async () => {
		wa = await startFakeWhatsApp();
	});

	afterEach(async () => {
		for (const c of clients.splice(0)) await c.end();
		await wa.close();
	});

	test('group: metadata IQ, sender-key message decrypted, inbound group message', async () => {
		const c = await connect();
		const group = wa.addGroup({
			id: '120363000000000001@g.us',
			subject: 'Team',
			participants: ['15550002222@s.whatsapp.net', '15550003333@s.whatsapp.net'],
		});
		const meta = await c.sock.groupMetadata(group.id);
		expect(meta.subject).toBe('Team');
		expect(meta.participants.map((p: any) => p.id)).toEqual(
			expect.arrayContaining(['15550002222@s.whatsapp.net', '15550003333@s.whatsapp.net']),
		);

		// First message distributes the sender key (pkmsg per device) + skmsg; the second is skmsg only.
		for (const text of ['hello team', 'second message']) {
			const sent = await c.sock.sendMessage(group.id, { text });
			const m = await wa.waitFor('message', (x) => x.id === sent.key.id);
			expect(m.decryptErrors).toEqual([]);
			expect(m.message?.extendedTextMessage?.text ?? m.message?.conversation).toBe(text);
		}

		const injected = await wa.injectMessage({ chat: group.id, from: '15550002222@s.whatsapp.net', text: 'hi all' });
		const upsert = await c.waitForEvent('messages.upsert', (u) => u.messages.some((m: any) => m.key.id === injected.key.id));
		expect(upsert.messages[0].key).toMatchObject({ remoteJid: group.id, participant: '15550002222@s.whatsapp.net', fromMe: false });
	});

	test('Signal: a second message reuses the session (no new key fetch); a reconnect re-keys', async () => {
		const auth = wa.makePairedCreds();
		const chat = '15550004444@s.whatsapp.net';
		const keyFetches = () => wa.iqs.filter((i) => i.xmlns === 'encrypt' && i.child === 'key').length;
		const first = await connect({ auth });
		for (const text of ['one', 'two']) {
			const sent = await first.sock.sendMessage(chat, { text });
			const m = await wa.waitFor('message', (x) => x.id === sent.key.id);
			// The contact never answered, so Signal keeps sending PreKeyWhisperMessages on one session.
			expect(m.encTypes[m.recipients.indexOf(chat)]).toBe('pkmsg');
			expect(m.message?.extendedTextMessage?.text ?? m.message?.conversation).toBe(text);
		}
		expect(keyFetches()).toBe(1);

		await wa.kick('restart-required');
		await first.waitForClose();
		// Baileys' libsignal logs every session it replaces with console.info (a full dump).
		const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
		const second = await connect({ auth });
		const sent = await second.sock.sendMessage(chat, { text: 'three' });
		const m = await wa.waitFor('message', (x) => x.id === sent.key.id);
		expect(m.decryptErrors).toEqual([]);
		expect(m.message?.extendedTextMessage?.text ?? m.message?.conversation).toBe('three');
		// Baileys 7 forces fresh sessions for LIDs it learns from a device lookup on each new socket.
		expect(keyFetches()).toBe(2);
		expect(wa.connections).toBe(2);
		info.mockRestore();
	});

	test('app-state: client and server agree on version and LT hash after mixed pushes', async () => {
		const auth = wa.makePairedCreds();
		const c = await connect({ auth, config: { appStateMacVerification: { patch: true, snapshot: true } } });
		const chat = '15550005555@s.whatsapp.net';
		const seed = await wa.injectMessage({ chat, text: 'seed' });
		const lastMessages = [{ key: seed.key, messageTimestamp: seed.messageTimestamp }];

		await c.sock.chatModify({ archive: true, lastMessages }, chat); // client push
		await wa.injectAppStateChange({ pin: true }, chat); // phone patch
		await c.sock.star(chat, [{ id: seed.key.id, fromMe: false }], true); // client push (resyncs first)
		await wa.injectAppStateChange({ archive: false, lastMessages }, chat); // phone overwrites same index
		await c.waitForEvent('chats.update', (u) => u.some((x: any) => x.id === chat && x.archived === false));

		const clientState = auth.keys.data.get('app-state-sync-version')?.get('regular_low');
		const serverState = wa.appStateOf('regular_low');
		expect(serverState.version).toBe(4);
		expect(clientState.version).toBe(serverState.version);
		expect(Buffer.from(clientState.hash).equals(serverState.hash)).toBe(true);
		expect(wa.mutations.map((m) => m.index[0])).toEqual(['archive', 'star']);
	});

	test('history sync pushed by the phone arrives as messaging-history.set', async () => {
		const c = await connect();
		const chat = '15550006666@s.whatsapp.net';
		await wa.pushHistorySync({
			syncType: 'RECENT',
			chats: [
				{
					id: chat,
					unreadCount: 1,
					messages: [{ key: { remoteJid: chat, fromMe: false, id: 'HIST1' }, message: { conversation: 'from history' }, messageTimestamp: 1700000000 }],
				},
			],
		});
		const history = await c.waitForEvent('messaging-history.set');
		expect(history.chats.map((x: any) => x.id)).toContain(chat);
		expect(history.messages[0].key.id).toBe('HIST1');
		expect(history.messages[0].message.conversation).toBe('from history');
	});

	test('contact lookup (usync contact protocol) and waitFor on IQs', async () => {
		const c = await connect();
		const [result] = await c.sock.onWhatsApp('+1 555 000 7777');
		expect(result).toMatchObject({ jid: '15550007777@s.whatsapp.net', exists: true });
		const iq = await wa.waitFor('iq', (i) => i.xmlns === 'usync' && JSON.stringify(i.node).includes('contact'));
		expect(iq.answered).toBe(true);
	});
});
