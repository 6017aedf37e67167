/**
 * Issue 13's chat surface over the embedded connection (Baileys inside n8n) in one real
 * `n8n execute` of test/e2e/workflows/embedded-chat-surface.json, against the fake WhatsApp server
 * in this jest process (set up as in embedded.e2e.ts: a paired session folder, a store filled by
 * one short session first). Every node's output and what reached WhatsApp: the app-state
 * mutations (mark read, mute, pin, labels), the read receipts, the profile-picture query, the
 * media download, and the reply / edit / reaction messages.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IBinaryData, IDataObject } from 'n8n-workflow';
import { executeWorkflow, importCredentials, importWorkflows, prepareUserFolder, type E2eCredential, type E2eExecutionResult } from '../../scripts/n8n/e2e';
import { sessionPaths } from '../../nodes/backends/embedded/paths';
import { acquireSession, closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { loadBaileys, mediaMessage, startFakeMediaServer, startFakeWhatsApp, type FakeMediaServer, type FakeWhatsApp, type InjectedMessage } from '../fake-whatsapp';
import { BUSINESS_PLATFORM, labelMutations, phoneEditsLabel, phoneLabelsChat } from '../fake-whatsapp/labels';
import { TEST_SECRET, writePairedAuth } from '../embedded/world';
import { binaryBytes } from './helpers/binary';
import { startPictureCdn, testImages, type ChatSurfaceState } from './helpers/chatSurfaceGateway';
import { e2eWorkflow, freshUserFolder, logTiming, requireN8n, waitFor } from './helpers/e2e';

const SESSION = 'e2e-surface';
const CHAT = '15551000001@s.whatsapp.net';
/** Ids the workflow file uses. */
const THEIRS = '3EB0E2E0THEIRS0001';
const MEDIA = '3EB0E2E0MEDIA00001';
const REPLY_TEXT = 'Thanks, the invoice arrived.';
const EDITED_TEXT = 'Thanks, the invoice arrived. Paying today.';
const PRELOAD = path.join(__dirname, 'preload', 'waTestRoot.mjs');
const WORKFLOW_FILE = 'embedded-chat-surface.json';

let wa: FakeWhatsApp;
let media: FakeMediaServer;
let cdn: ChatSurfaceState['cdn'];
let images: { media: Buffer; picture: Buffer };
let mediaPath: string;
let userFolder: string;
let result: E2eExecutionResult;
let sentBefore: number;
let mutationsBefore: number;
let executedAt: number;
const seeded: Record<string, InjectedMessage> = {};
const timings: Record<string, number> = {};

beforeAll(async () => {
	requireN8n();
	let t = Date.now();
	// a WhatsApp Business phone: labels are offered
	wa = await startFakeWhatsApp({ platform: BUSINESS_PLATFORM });
	media = await startFakeMediaServer();
	images = await testImages();
	cdn = await startPictureCdn(images.picture);
	wa.profilePictures.set(CHAT, { url: `${cdn.url}/pp/15551000001.png` });
	const { WA_CERT_DETAILS } = await loadBaileys();
	const root = WA_CERT_DETAILS as unknown as { PUBLIC_KEY: Uint8Array; SERIAL: number };
	const env = {
		WHATSAPP_CHATS_WA_URL: wa.url,
		WHATSAPP_CHATS_E2E_CERT_ROOT: `${root.SERIAL}:${Buffer.from(root.PUBLIC_KEY).toString('hex')}`,
		NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${pathToFileURL(PRELOAD).href}`].filter(Boolean).join(' '),
		WHATSAPP_CHATS_LINGER_MS: '0',
		// the product's setting for where Baileys downloads media from (WhatsApp's CDN in production)
		WHATSAPP_CHATS_MEDIA_URL: media.url,
	};
	userFolder = prepareUserFolder({ userFolder: freshUserFolder('chat-surface-embedded') });
	const authFolder = path.join(userFolder, 'whatsapp-session');
	await writePairedAuth(wa, authFolder, {}, SESSION);
	await seedStore(authFolder);
	timings['pair + seed store'] = Date.now() - t;

	const credential: E2eCredential = {
		id: 'e2eEmbeddedConn1',
		name: 'E2E embedded connection',
		type: 'whatsAppChatsApi',
		data: { connection: 'embedded', session: SESSION, authFolder, sessionSecret: TEST_SECRET },
	};
	await importCredentials([credential], { userFolder });
	const [id] = await importWorkflows([e2eWorkflow(WORKFLOW_FILE)], { userFolder });
	sentBefore = wa.messages.length;
	mutationsBefore = wa.mutations.length;
	t = executedAt = Date.now();
	result = await executeWorkflow(id, { userFolder, env });
	timings['execute'] = Date.now() - t;
	await wa.settle();
});

afterAll(async () => {
	logTiming('chat surface (embedded)', timings);
	await wa?.close();
	await media?.close();
	await cdn?.close();
});

/** One session in this process receives the chat's messages, then closes: the store is on disk for n8n. */
async function seedStore(authFolder: string): Promise<void> {
	process.env.WHATSAPP_CHATS_WA_URL = wa.url;
	const lease = await acquireSession(sessionPaths(SESSION, authFolder, TEST_SECRET));
	try {
		await lease.connection.whenOpen(30_000);
		const now = Math.floor(Date.now() / 1000);
		seeded.older = await wa.injectMessage({ chat: CHAT, text: 'Did you get the invoice?', pushName: 'Alice', timestamp: now - 30 });
		seeded.theirs = await wa.injectMessage({ chat: CHAT, id: THEIRS, text: 'Here it is again', pushName: 'Alice', timestamp: now - 20 });
		const uploaded = await media.upload(images.media, 'image');
		mediaPath = uploaded.directPath;
		seeded.media = await wa.injectMessage({ chat: CHAT, id: MEDIA, message: mediaMessage(uploaded, { mimetype: 'image/png', caption: 'the invoice' }), pushName: 'Alice', timestamp: now - 10 });
		// the Business phone's labels, one of them on the chat
		for (const label of [
			{ id: '1', name: 'New customer', color: 0 },
			{ id: '2', name: 'VIP', color: 1 },
			{ id: '5', name: 'Paid', color: 4 },
		])
			await phoneEditsLabel(wa, label);
		await phoneLabelsChat(wa, '1', CHAT);
		const store = lease.connection.store;
		await waitFor('the seeded messages in the store', () => Object.values(seeded).every((message) => store.findMessage(message.key.remoteJid, message.key.id)));
		await wa.settle();
	} finally {
		lease.release();
		await closeAllSessions();
		delete process.env.WHATSAPP_CHATS_WA_URL;
	}
}

const mutationsOf = (indexName: string) => wa.mutations.slice(mutationsBefore).filter((m) => m.index[0] === indexName && m.index[1] === CHAT);

function single(node: string): { json: IDataObject; binary?: Record<string, IBinaryData> } {
	const items = result.outputOf(node);
	expect(items.map((item) => item.json.error)).toEqual([undefined]);
	expect(items[0].pairedItem).toEqual({ item: 0 });
	return items[0] as { json: IDataObject; binary?: Record<string, IBinaryData> };
}

test('the execution succeeds, every node ran once', () => {
	expect(result.error).toBeUndefined();
	expect(result.status).toBe('success');
	const nodes = e2eWorkflow(WORKFLOW_FILE).nodes.map((node) => node.name);
	expect(Object.keys(result.runData).sort()).toEqual([...nodes].sort());
});

test('Chat → Mark Read: a markRead app-state mutation with the last message, and read receipts for the unread messages', async () => {
	expect(single('Mark Read').json).toMatchObject({ success: true, chatId: CHAT });
	const [mutation] = mutationsOf('markChatAsRead');
	expect(mutation).toMatchObject({ operation: 'set', value: { markChatAsReadAction: { read: true } } });
	// WhatsApp needs the chat's newest message in the range, or the phone ignores the change
	const range = (mutation.value as { markChatAsReadAction: { messageRange: { messages: Array<{ key: IDataObject }> } } }).markChatAsReadAction.messageRange;
	expect(range.messages[0].key).toMatchObject({ id: MEDIA, remoteJid: CHAT, fromMe: false });
	const receipt = await wa.waitFor('ack', (ack) => ack.tag === 'receipt' && ack.node.attrs.type === 'read' && JSON.stringify(ack.node).includes(THEIRS), 5000);
	const ids = [receipt.id, ...((receipt.node.content as Array<{ tag: string; content?: Array<{ attrs: { id: string } }> }> | undefined) ?? []).filter((child) => child.tag === 'list').flatMap((list) => (list.content ?? []).map((item) => item.attrs.id))];
	expect(ids.sort()).toEqual([seeded.older.key.id, THEIRS, MEDIA].sort());
});

test('Chat → Mute 8 hours, then Unmute: mute mutations (end 8 h = 28,800,000 ms ahead), muted then not', () => {
	const mute = single('Mute 8 Hours').json;
	expect(mute).toMatchObject({ success: true, chatId: CHAT, muted: true });
	const actions = mutationsOf('mute').map((m) => (m.value as IDataObject).muteAction as { muted: boolean; muteEndTimestamp?: number | { toNumber(): number } });
	expect(actions.map((action) => action.muted)).toEqual([true, false]);
	const end = actions[0].muteEndTimestamp;
	const endMs = typeof end === 'object' && end !== null ? end.toNumber() : Number(end);
	// 8 hours after the execution ran (Baileys sends the end time in ms)
	expect(endMs - executedAt).toBeGreaterThan(28_800_000 - 60_000);
	expect(endMs - executedAt).toBeLessThan(28_800_000 + timings.execute + 60_000);
	expect(single('Unmute').json).toMatchObject({ success: true, chatId: CHAT, muted: false });
});

test('Chat → Pin, then Unpin: pin mutations, pinned then not', () => {
	expect(single('Pin Chat').json).toMatchObject({ success: true, chatId: CHAT, pinned: true });
	expect(single('Unpin Chat').json).toMatchObject({ success: true, chatId: CHAT, pinned: false });
	expect(mutationsOf('pin_v1').map((m) => ((m.value as IDataObject).pinAction as { pinned: boolean }).pinned)).toEqual([true, false]);
});

test('Chat → Get: the chat from the store, with its last message', () => {
	const { json } = single('Get Chat');
	expect(json).toMatchObject({ chatId: CHAT, name: 'Alice', isGroup: false, lastMessage: expect.objectContaining({ id: MEDIA, hasMedia: true }) });
});

test('Chat → Get Picture: the profile-picture query reached WhatsApp; the picture from the CDN as binary "picture"', async () => {
	const { json, binary } = single('Get Picture');
	expect(json).toMatchObject({ success: true, chatId: CHAT, hasPicture: true, pictureUrl: `${cdn.url}/pp/15551000001.png` });
	const iq = await wa.waitFor('iq', (i) => i.xmlns === 'w:profile:picture', 1000);
	expect(iq.node.attrs.target).toBe(CHAT);
	expect(cdn.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /pp/15551000001.png']);
	expect(binary?.picture).toMatchObject({ mimeType: 'image/png' });
	expect(binaryBytes(userFolder, binary!.picture).equals(images.picture)).toBe(true);
});

test('Label → Get Many / Get Chat\'s Labels: the labels the phone made, the one on the chat', () => {
	expect(result.json('Get Labels')).toMatchObject([
		{ id: '1', name: 'New customer' },
		{ id: '2', name: 'VIP' },
		{ id: '5', name: 'Paid' },
	]);
	expect(single("Get Chat's Labels").json).toMatchObject({ success: true, chatId: CHAT, labels: [{ id: '1', name: 'New customer' }] });
});

test('Label → Add to Chat (by id), Remove from Chat (by name): label_jid mutations reached WhatsApp', () => {
	expect(single('Add VIP Label').json).toMatchObject({ success: true, chatId: CHAT, labelId: '2', added: true });
	expect(single('Remove New Customer Label').json).toMatchObject({ success: true, chatId: CHAT, labelId: '1', added: false });
	const associations = labelMutations(wa).filter((mutation) => mutation.kind === 'association');
	expect(associations).toMatchObject([
		{ labelId: '2', chatJid: CHAT, labeled: true },
		{ labelId: '1', chatJid: CHAT, labeled: false },
	]);
});

test('Message → Get with Download Media: the encrypted blob fetched from the media server, decrypted into binary "data"', () => {
	const { json, binary } = single('Get Media Message');
	expect(json).toMatchObject({ id: MEDIA, chatId: CHAT, fromMe: false, hasMedia: true, mimeType: 'image/png' });
	expect(media.requests.map((request) => request.path)).toEqual([mediaPath]);
	expect(binary?.data).toMatchObject({ mimeType: 'image/png', fileExtension: 'png' });
	expect(binaryBytes(userFolder, binary!.data).equals(images.media)).toBe(true);
});

test('Message → Send Text as a reply, then Edit and React on the id it returned: the messages reached WhatsApp', async () => {
	const B = await loadBaileys();
	const sent = wa.messages.slice(sentBefore);
	expect(sent.map((m) => m.decryptErrors)).toEqual(sent.map(() => []));
	const reply = sent.find((m) => m.message?.extendedTextMessage?.text === REPLY_TEXT || m.message?.conversation === REPLY_TEXT);
	expect(reply).toBeDefined();
	expect(reply!.to).toBe(CHAT);
	expect(reply!.message?.extendedTextMessage?.contextInfo).toMatchObject({ stanzaId: THEIRS, participant: CHAT });
	const sentId = reply!.id;
	expect(single('Send Reply').json).toMatchObject({ success: true, chatId: CHAT, messageId: sentId });

	const edit = sent.find((m) => m.edit === '1');
	expect(edit?.message?.protocolMessage).toMatchObject({ type: B.proto.Message.ProtocolMessage.Type.MESSAGE_EDIT, key: { id: sentId, fromMe: true } });
	const edited = edit?.message?.protocolMessage?.editedMessage;
	expect(edited?.conversation ?? edited?.extendedTextMessage?.text).toBe(EDITED_TEXT);
	expect(single('Edit Sent Message').json).toMatchObject({ success: true, messageId: sentId, edited: true });

	const reaction = sent.find((m) => m.type === 'reaction');
	expect(reaction?.message?.reactionMessage).toMatchObject({ text: '✅', key: { id: sentId, fromMe: true, remoteJid: CHAT } });
	expect(single('React to Sent Message').json).toMatchObject({ success: true, messageId: sentId, reaction: '✅' });
	// reply, edit, reaction: nothing else was sent
	expect(sent.map((m) => m.id).filter((id) => ![reply!.id, edit!.id, reaction!.id].includes(id))).toEqual([]);
});

test('nothing the nodes output carries the session secret', () => {
	expect(JSON.stringify(result.runData)).not.toContain(TEST_SECRET);
});
