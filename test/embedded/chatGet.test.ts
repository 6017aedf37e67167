/**
 * Chat → Get and Chat → Get Picture over the embedded connection, from nothing: a fresh n8n user
 * folder, a new credential paired through the node's own Get QR, then messages from the phone.
 * Get answers from the session's store (nothing sent to WhatsApp) and fails naming the chat when
 * the store has none; Get Picture sends the profile-picture IQ for the chat (asserted on the fake
 * server) and downloads the picture from a loopback server standing in for WhatsApp's CDN.
 */
import { randomBytes } from 'node:crypto';
import type { FakeWhatsApp } from '../fake-whatsapp';
import { HostileGateway } from '../gateway-server/HostileGateway';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { pairThroughGetQr, startFreshN8n, type FreshN8n } from './pairFromNothing';
import { eventually } from './world';

jest.setTimeout(40_000);

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF picture of a contact')]);
const contact = (n: number) => `1555200${String(n).padStart(4, '0')}@s.whatsapp.net`;

let wa: FakeWhatsApp;
let cdn: HostileGateway;
let fresh: FreshN8n;
const secret = randomBytes(32).toString('base64url');
const credentials = { connection: 'embedded', session: 'default', authFolder: '', sessionSecret: secret };
const node = (parameters: Record<string, unknown>) => runChatsNode({ credentials, parameters: parameters as never });

beforeAll(async () => {
	fresh = await startFreshN8n('wa-chatget-');
	wa = fresh.wa;
	cdn = await HostileGateway.start();
	cdn.use((_request, res) => {
		res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': JPEG.length });
		res.end(JPEG);
	});

	await pairThroughGetQr(wa, node);
});

afterAll(async () => {
	await fresh?.close();
	await cdn?.close();
});

const pictureIqs = () => wa.iqs.filter((iq) => iq.xmlns === 'w:profile:picture');

describe('Chat → Get', () => {
	test('a chat the session has never seen fails naming the chat and the embedded session', async () => {
		const result = await node({ resource: 'chat', operation: 'get', chatId: chat(`+${contact(1).split('@')[0]}`) });
		expect(result.error?.message).toBe(
			`The embedded session "default" knows no chat ${contact(1)}: it is not in the local store. ` +
				'A chat is learned when a message arrives or is sent while n8n is connected, or from the history the phone shares after pairing; check the phone number or chat id',
		);
		expect(result.output).toEqual([]);
	});

	test('a chat with messages from the phone: name, unread count, flags and the last message, from the store alone', async () => {
		const jid = contact(2);
		const now = Math.floor(Date.now() / 1000);
		await wa.injectMessage({ chat: jid, text: 'first', pushName: 'Asha', timestamp: now - 10 });
		const last = await wa.injectMessage({ chat: jid, text: 'newest words', pushName: 'Asha', timestamp: now });
		const iqsBefore = wa.iqs.length;

		const json = await eventually(async () => {
			const result = await node({ resource: 'chat', operation: 'get', chatId: chat(jid) });
			const item = result.output[0]?.json;
			return (item?.lastMessage as { id?: string } | null)?.id === last.key.id ? item : undefined;
		}, 10_000, 'the chat in the store');

		expect(json).toMatchObject({
			success: true,
			chatId: jid,
			name: 'Asha',
			isGroup: false,
			pictureUrl: null,
			muted: null,
			lastMessageTimestamp: now,
			lastMessage: { id: last.key.id, chatId: jid, fromMe: false, from: jid, timestamp: now, text: 'newest words', hasMedia: false },
		});
		expect(json.unreadCount).toBe(2);
		expect(json).toHaveProperty('archived');
		expect(json).toHaveProperty('pinned');
		expect(json.raw).toMatchObject({ id: jid, storedMessages: 2 });
		// Get reads the store: no query of any kind went to WhatsApp for it.
		expect(wa.iqs.slice(iqsBefore).filter((iq) => iq.xmlns === 'w:profile:picture' || iq.node.attrs.target === jid)).toEqual([]);
		expect(JSON.stringify(json)).not.toContain(secret);
	});

	test('flags the phone changes (pin, archive) show up in Get', async () => {
		const jid = contact(2);
		const last = await wa.injectMessage({ chat: jid, text: 'one more', pushName: 'Asha' });
		await wa.injectAppStateChange({ pin: true }, jid);
		await wa.injectAppStateChange({ archive: true, lastMessages: [last] }, jid);
		const json = await eventually(async () => {
			const item = (await node({ resource: 'chat', operation: 'get', chatId: chat(jid) })).output[0]?.json;
			return item?.pinned === true && item?.archived === true ? item : undefined;
		}, 10_000, 'pinned and archived in Get');
		expect(json).toMatchObject({ chatId: jid, pinned: true, archived: true, lastMessage: { id: last.key.id, text: 'one more' } });
	});

	test('after Clear Messages the last message is still named, with what is no longer known as null', async () => {
		const jid = contact(8);
		const last = await wa.injectMessage({ chat: jid, text: 'to be cleared', pushName: 'Ravi' });
		await eventually(async () => (await node({ resource: 'chat', operation: 'get', chatId: chat(jid) })).output[0]?.json, 10_000, 'the chat in the store');
		const cleared = await node({ resource: 'chat', operation: 'clearMessages', chatId: chat(jid) });
		expect(cleared.error).toBeUndefined();
		const json = (await node({ resource: 'chat', operation: 'get', chatId: chat(jid) })).output[0].json;
		expect(json).toMatchObject({
			chatId: jid,
			name: 'Ravi',
			lastMessage: { id: last.key.id, fromMe: false, timestamp: last.messageTimestamp, text: null, hasMedia: null },
			raw: { storedMessages: 0 },
		});
	});
});

describe('Chat → Get Picture', () => {
	test('sends the profile-picture IQ for the chat and outputs the URL the server answered', async () => {
		const jid = contact(3);
		const url = `${cdn.url}/v/t61.24694-24/${jid.split('@')[0]}_n.jpg?ccb=11-4&oh=01_Q5&oe=6790ABCD`;
		wa.profilePictures.set(jid, { url });
		const result = await node({ resource: 'chat', operation: 'getPicture', chatId: chat(jid) });
		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toMatchObject({ success: true, chatId: jid, hasPicture: true, pictureUrl: url, raw: { chatId: jid, type: 'image', url } });
		expect(result.output[0].binary).toBeUndefined();

		const asked = pictureIqs().filter((iq) => iq.node.attrs.target === jid);
		expect(asked).toHaveLength(1);
		expect(asked[0]).toMatchObject({ type: 'get', child: 'picture', answered: true });
		const picture = (asked[0].node.content as Array<{ tag: string; attrs: Record<string, string> }>)[0];
		expect(picture.attrs).toMatchObject({ type: 'image', query: 'url' });
		expect(cdn.requests).toHaveLength(0);
	});

	test('Download Picture puts the picture in binary, fetched from the CDN without any credential', async () => {
		const jid = contact(4);
		const url = `${cdn.url}/v/t61.24694-24/${jid.split('@')[0]}_n.jpg?oh=01_Q5&oe=6790ABCD`;
		wa.profilePictures.set(jid, { url });
		cdn.use((_request, res) => {
			res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': JPEG.length });
			res.end(JPEG);
		});
		const result = await node({ resource: 'chat', operation: 'getPicture', chatId: chat(jid), downloadPicture: true, binaryPropertyName: 'avatar' });
		expect(result.error).toBeUndefined();
		const binary = result.output[0].binary?.avatar;
		expect(binary).toMatchObject({ mimeType: 'image/jpeg', fileName: '15552000004.jpg' });
		expect(Buffer.from(binary!.data, 'base64').equals(JPEG)).toBe(true);
		expect(cdn.requests).toHaveLength(1);
		expect(cdn.requests[0].path).toBe(`/v/t61.24694-24/${jid.split('@')[0]}_n.jpg`);
		const headers = JSON.stringify(cdn.requests[0].headers);
		expect(headers).not.toContain(secret);
		for (const header of ['authorization', 'cookie', 'x-api-key', 'apikey']) expect(cdn.requests[0].headers[header]).toBeUndefined();
		expect(JSON.stringify(result.output[0].json)).not.toContain(secret);
	});

	test.each([
		['no picture (item-not-found)', null, 'item-not-found'],
		['a picture hidden by privacy (not-authorized)', 'hidden' as const, 'not-authorized'],
	])('a contact with %s gives a null URL and a note, not an error', async (_case, setting, reason) => {
		const jid = contact(setting ? 5 : 6);
		wa.profilePictures.set(jid, setting);
		cdn.use((_request, res) => {
			res.writeHead(500);
			res.end();
		});
		const result = await node({ resource: 'chat', operation: 'getPicture', chatId: chat(jid), downloadPicture: true });
		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toMatchObject({
			success: true,
			chatId: jid,
			hasPicture: false,
			pictureUrl: null,
			note: 'The contact has no profile picture, or their privacy settings hide it from this account; nothing was downloaded',
			raw: { chatId: jid, url: null, reason },
		});
		expect(result.output[0].binary).toBeUndefined();
		expect(pictureIqs().filter((iq) => iq.node.attrs.target === jid)).toHaveLength(1);
		expect(cdn.requests).toHaveLength(0);
	});

	test('a picture query WhatsApp never answers fails at the node\'s Timeout instead of hanging', async () => {
		const jid = contact(7);
		wa.profilePictures.set(jid, { url: `${cdn.url}/never.jpg` });
		wa.withholdAnswers((iq) => iq.xmlns === 'w:profile:picture' && iq.node.attrs.target === jid);
		const started = Date.now();
		const result = await node({ resource: 'chat', operation: 'getPicture', chatId: chat(jid), options: { timeout: 1000 } });
		expect(result.error?.message).toBe(
			'WhatsApp did not complete the profile picture query for chat 15552000007@s.whatsapp.net within 1 s; the connection may be slow or the phone offline',
		);
		expect(Date.now() - started).toBeLessThan(15_000);
	});
});
