/**
 * Proves the fake WhatsApp Web server against the real, unmodified Baileys 7 client: every
 * assertion is on what actually reached the server (decrypted) or what Baileys emitted.
 */
import { loadBaileys, makeMemoryKeyStore, startFakeWhatsApp, type FakeWhatsApp } from './index';
import { connectClient, type TestClient } from './client';

jest.setTimeout(20_000);

const contact = (n: number) => `1555000${String(n).padStart(4, '0')}@s.whatsapp.net`;

describe('logged-in session (paired creds)', () => {
	let wa: FakeWhatsApp;
	let client: TestClient;
	let keyShared = false;

	/** The app-state key share is itself under test; tests that only need the key call this. */
	async function ensureAppStateKey(): Promise<void> {
		if (keyShared) return;
		await wa.shareAppStateKey();
		await client.waitForEvent('creds.update', (u) => !!u.myAppStateKeyId);
		keyShared = true;
	}

	/** A message from `chat` so chatModify has a real lastMessages entry. */
	async function lastMessagesOf(chat: string) {
		const injected = await wa.injectMessage({ chat, text: 'seed message' });
		return [{ key: injected.key, messageTimestamp: injected.messageTimestamp }];
	}

	beforeAll(async () => {
		wa = await startFakeWhatsApp();
		client = await connectClient(wa, { auth: wa.makePairedCreds({ withAppStateKey: false }) });
		await client.waitForOpen();
	});

	afterAll(async () => {
		await client?.end();
		await wa?.close();
	});

	test('login with paired creds reaches connection open', async () => {
		expect(wa.connections).toBe(1);
		expect(wa.openConnections).toBe(1);
		// The <success> node's lid reached the creds, and the post-login IQs were answered.
		expect(client.auth.creds.me.lid).toBe(`${wa.phone.lidUser}:2@lid`);
		const iqs = wa.iqs.map((i) => `${i.xmlns}:${i.child}`);
		expect(iqs).toEqual(expect.arrayContaining(['encrypt:count', 'passive:active', 'encrypt:digest']));
		expect(wa.iqs.every((i) => i.answered)).toBe(true);
	});

	test('chatModify fails before the app-state key share; afterwards archive arrives as a mutation', async () => {
		const chat = contact(1);
		const lastMessages = await lastMessagesOf(chat);
		await expect(client.sock.chatModify({ archive: true, lastMessages }, chat)).rejects.toThrow('App state key not present!');

		await ensureAppStateKey();
		expect(client.auth.creds.myAppStateKeyId).toBe(wa.phone.appStateKey.keyId.toString('base64'));

		await client.sock.chatModify({ archive: true, lastMessages }, chat);
		const m = await wa.waitFor('mutation', (x) => x.index[0] === 'archive' && x.index[1] === chat);
		expect(m.collection).toBe('regular_low');
		expect(m.operation).toBe('set');
		expect(m.value.archiveChatAction?.archived).toBe(true);
		expect(m.value.archiveChatAction?.messageRange?.messages?.[0]?.key?.id).toBe(lastMessages[0].key.id);
	});

	test('markRead false arrives as markChatAsRead(read=false)', async () => {
		await ensureAppStateKey();
		const chat = contact(2);
		const lastMessages = await lastMessagesOf(chat);
		await client.sock.chatModify({ markRead: false, lastMessages }, chat);
		const m = await wa.waitFor('mutation', (x) => x.index[0] === 'markChatAsRead' && x.index[1] === chat);
		expect(m.collection).toBe('regular_low');
		expect(m.value.markChatAsReadAction?.read).toBe(false);
	});

	test('delete chat arrives as deleteChat in regular_high', async () => {
		await ensureAppStateKey();
		const chat = contact(3);
		const lastMessages = await lastMessagesOf(chat);
		await client.sock.chatModify({ delete: true, lastMessages }, chat);
		const m = await wa.waitFor('mutation', (x) => x.index[0] === 'deleteChat' && x.index[1] === chat);
		expect(m.collection).toBe('regular_high');
		expect(m.index).toEqual(['deleteChat', chat, '1']);
		expect(m.value.deleteChatAction?.messageRange?.messages).toHaveLength(1);
	});

	test('clear chat arrives as clearChat in regular_high', async () => {
		await ensureAppStateKey();
		const chat = contact(4);
		const lastMessages = await lastMessagesOf(chat);
		await client.sock.chatModify({ clear: true, lastMessages }, chat);
		const m = await wa.waitFor('mutation', (x) => x.index[0] === 'clearChat' && x.index[1] === chat);
		expect(m.collection).toBe('regular_high');
		expect(m.value.clearChatAction).toBeDefined();
	});

	test('star arrives as a star mutation for that message', async () => {
		await ensureAppStateKey();
		const chat = contact(5);
		const [{ key }] = await lastMessagesOf(chat);
		await client.sock.star(chat, [{ id: key.id, fromMe: false }], true);
		const m = await wa.waitFor('mutation', (x) => x.index[0] === 'star' && x.index[2] === key.id);
		expect(m.index).toEqual(['star', chat, key.id, '0', '0']);
		expect(m.value.starAction?.starred).toBe(true);
	});

	describe('messages sent by the client arrive decrypted', () => {
		const chat = contact(10);
		let original: any;
		// A copy: Baileys merges later updates (e.g. our own revoke) into the WAMessage object that
		// sendMessage returned, replacing its `key`, so keep the key by value.
		let originalKey: { remoteJid: string; fromMe: boolean; id: string };

		beforeAll(async () => {
			original = await client.sock.sendMessage(chat, { text: 'original text' });
			originalKey = { ...original.key };
		});

		test('plain text', async () => {
			const m = await wa.waitFor('message', (x) => x.id === originalKey.id);
			expect(m.to).toBe(chat);
			expect(m.decryptErrors).toEqual([]);
			expect(m.message?.extendedTextMessage?.text ?? m.message?.conversation).toBe('original text');
			// Encrypted for the contact's device and for our own phone (device 0).
			expect(m.recipients).toEqual(expect.arrayContaining([chat, `${wa.phone.pnUser}@s.whatsapp.net`]));
		});

		test('edit: MESSAGE_EDIT with editedMessage, stanza edit="1"', async () => {
			const B = await loadBaileys();
			const sent = await client.sock.sendMessage(chat, { text: 'edited text', edit: { ...originalKey } });
			const m = await wa.waitFor('message', (x) => x.id === sent.key.id);
			expect(m.edit).toBe('1');
			const pm = m.message?.protocolMessage;
			expect(pm?.type).toBe(B.proto.Message.ProtocolMessage.Type.MESSAGE_EDIT);
			expect(pm?.key?.id).toBe(originalKey.id);
			expect(pm?.editedMessage?.extendedTextMessage?.text ?? pm?.editedMessage?.conversation).toBe('edited text');
		});

		test('pin: pinInChatMessage type 1 for 86400 s, stanza edit="2"', async () => {
			const sent = await client.sock.sendMessage(chat, { pin: { ...originalKey }, type: 1, time: 86400 });
			const m = await wa.waitFor('message', (x) => x.id === sent.key.id);
			expect(m.edit).toBe('2');
			expect(m.message?.pinInChatMessage?.key?.id).toBe(originalKey.id);
			expect(m.message?.pinInChatMessage?.type).toBe(1);
			expect(m.message?.messageContextInfo?.messageAddOnDurationInSecs).toBe(86400);
		});

		test('react: reactionMessage, stanza type="reaction"', async () => {
			const sent = await client.sock.sendMessage(chat, { react: { key: { ...originalKey }, text: '👍' } });
			const m = await wa.waitFor('message', (x) => x.id === sent.key.id);
			expect(m.type).toBe('reaction');
			expect(m.message?.reactionMessage?.key?.id).toBe(originalKey.id);
			expect(m.message?.reactionMessage?.text).toBe('👍');
		});

		test('delete for everyone: REVOKE of the right key, stanza edit="7"', async () => {
			const B = await loadBaileys();
			const sent = await client.sock.sendMessage(chat, { delete: { ...originalKey } });
			const m = await wa.waitFor('message', (x) => x.id === sent.key.id);
			expect(m.edit).toBe('7');
			expect(m.message?.protocolMessage?.type).toBe(B.proto.Message.ProtocolMessage.Type.REVOKE);
			expect(m.message?.protocolMessage?.key).toMatchObject({ id: originalKey.id, fromMe: true, remoteJid: chat });
		});

		test('all sends reused the one open connection', () => {
			expect(wa.connections).toBe(1);
		});
	});

	describe('phone-side / contact-side events reach the client', () => {
		test('injected inbound message fires messages.upsert', async () => {
			const chat = contact(20);
			const injected = await wa.injectMessage({ chat, text: 'hello from contact', pushName: 'Alice' });
			const upsert = await client.waitForEvent('messages.upsert', (u) => u.messages.some((m: any) => m.key.id === injected.key.id));
			expect(upsert.type).toBe('notify');
			const msg = upsert.messages[0];
			expect(msg.key).toMatchObject({ remoteJid: chat, fromMe: false });
			expect(msg.message?.conversation).toBe('hello from contact');
			expect(msg.pushName).toBe('Alice');
		});

		test('message sent from our phone arrives with fromMe', async () => {
			const chat = contact(21);
			const injected = await wa.injectMessage({ chat, fromMe: true, text: 'sent on the phone' });
			const upsert = await client.waitForEvent('messages.upsert', (u) => u.messages.some((m: any) => m.key.id === injected.key.id));
			expect(upsert.messages[0].key).toMatchObject({ remoteJid: chat, fromMe: true });
		});

		test('phone-side archive fires chats.update archived: true', async () => {
			await ensureAppStateKey();
			const chat = contact(22);
			await wa.injectAppStateChange({ archive: true, lastMessages: await lastMessagesOf(chat) }, chat);
			const update = await client.waitForEvent('chats.update', (u) => u.some((c: any) => c.id === chat && c.archived === true));
			expect(update.find((c: any) => c.id === chat).archived).toBe(true);
		});

		test('phone-side pin, markRead(false) and star fire chats.update / messages.update', async () => {
			await ensureAppStateKey();
			const chat = contact(23);
			const [{ key }] = await lastMessagesOf(chat);
			await wa.injectAppStateChange({ pin: true }, chat);
			await client.waitForEvent('chats.update', (u) => u.some((c: any) => c.id === chat && typeof c.pinned === 'number'));
			await wa.injectAppStateChange({ markRead: false, lastMessages: [] }, chat);
			await client.waitForEvent('chats.update', (u) => u.some((c: any) => c.id === chat && c.unreadCount === -1));
			await wa.injectAppStateChange({ star: { messages: [{ id: key.id, fromMe: false }], star: true } }, chat);
			const starred = await client.waitForEvent('messages.update', (u) => u.some((m: any) => m.key.id === key.id && m.update.starred));
			expect(starred[0].key.remoteJid).toBe(chat);
		});

		test('contact edit / revoke / reaction fire messages.update and messages.reaction', async () => {
			const chat = contact(24);
			const theirs = await wa.injectMessage({ chat, text: 'typo' });
			await wa.injectEdit({ chat, id: theirs.key.id, text: 'fixed' });
			const edited = await client.waitForEvent('messages.update', (u) =>
				u.some((m: any) => m.key.id === theirs.key.id && m.update.message?.editedMessage),
			);
			expect(edited.find((m: any) => m.key.id === theirs.key.id).update.message.editedMessage.message.conversation).toBe('fixed');

			await wa.injectRevoke({ chat, id: theirs.key.id });
			await client.waitForEvent('messages.update', (u) => u.some((m: any) => m.key.id === theirs.key.id && m.update.messageStubType === 1));

			const mine = await client.sock.sendMessage(chat, { text: 'react to me' });
			await wa.injectReaction({ chat, id: mine.key.id, targetFromMe: true, text: '❤️' });
			const reactions = await client.waitForEvent('messages.reaction', (r) => r.some((x: any) => x.key.id === mine.key.id));
			const reaction = reactions.find((x: any) => x.key.id === mine.key.id);
			expect(reaction.key.fromMe).toBe(true);
			expect(reaction.reaction.text).toBe('❤️');
		});
	});
});

describe('connection lifecycle', () => {
	let wa: FakeWhatsApp;
	const clients: TestClient[] = [];

	async function connect(auth?: { creds: any; keys: any }, config?: Record<string, unknown>) {
		const c = await connectClient(wa, { auth, config });
		clients.push(c);
		return c;
	}

	beforeEach(async () => {
		wa = await startFakeWhatsApp();
	});

	afterEach(async () => {
		for (const c of clients.splice(0)) await c.end();
		await wa.close();
	});

	test.each([
		['restart-required', 515],
		['conflict', 440],
		['logged-out', 401],
	] as const)('kick %s gives lastDisconnect status %i', async (reason, status) => {
		const c = await connect();
		await c.waitForOpen();
		await wa.kick(reason);
		expect(await c.waitForClose()).toBe(status);
		expect(wa.openConnections).toBe(0);
	});

	test('after restart-required the same creds log in again on a new connection', async () => {
		const auth = wa.makePairedCreds();
		const first = await connect(auth);
		await first.waitForOpen();
		await wa.kick('restart-required');
		await first.waitForClose();
		const second = await connect(auth);
		await second.waitForOpen();
		expect(wa.connections).toBe(2);
	});

	test('after logged-out the device is removed: logging in again fails with 401', async () => {
		const auth = wa.makePairedCreds();
		const first = await connect(auth);
		await first.waitForOpen();
		await wa.kick('logged-out');
		await first.waitForClose();
		const second = await connect(auth);
		expect(await second.waitForClose()).toBe(401);
	});

	test('a silent server makes chatModify hang (not settled after 1 s); it completes once answers resume', async () => {
		const c = await connect(wa.makePairedCreds(), { defaultQueryTimeoutMs: 1500 });
		await c.waitForOpen();
		await wa.settle();
		wa.setSilent(true);
		let settled = false;
		const pending = c.sock.chatModify({ archive: true, lastMessages: [] }, contact(30)).finally(() => {
			settled = true;
		});
		await new Promise((r) => setTimeout(r, 1000));
		expect(settled).toBe(false);
		expect(wa.iqs.some((i) => i.xmlns === 'w:sync:app:state' && !i.answered)).toBe(true);
		// Baileys keeps re-asking after each query timeout; once we answer again it goes through.
		wa.setSilent(false);
		await pending;
		await wa.waitFor('mutation', (m) => m.index[0] === 'archive' && m.index[1] === contact(30));
	});

	test('QR pairing: qr is emitted, completePairing sets creds.me, and the device then logs in', async () => {
		const B = await loadBaileys();
		const auth = { creds: B.initAuthCreds() as any, keys: makeMemoryKeyStore() };
		const c = await connect(auth);
		const { qr } = await c.waitForEvent('connection.update', (u) => !!u.qr);
		expect(qr).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#/);
		expect(auth.creds.me).toBeUndefined();

		const device = await wa.completePairing(qr);
		expect(auth.creds.me).toMatchObject({ id: device.jid, lid: device.lid });
		expect(auth.creds.account?.deviceSignature).toBeDefined();
		expect(await c.waitForClose()).toBe(515); // server asks the new device to restart

		const again = await connect(auth);
		await again.waitForOpen();
		// The phone greets the new device: app-state key share + initial history sync.
		await again.waitForEvent('messaging-history.set');
		await again.waitForEvent('creds.update', (u) => !!u.myAppStateKeyId);
	});
});
