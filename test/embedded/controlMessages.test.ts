/**
 * Control messages (pin/unpin, edits, revokes, reactions, key distribution, keep-in-chat) come back
 * through Baileys' events but are not chat messages: they are never stored, listed, emitted as
 * "message", used as a chat's last message or named in the next archive's messageRange; they
 * update the message they refer to.
 */
import type { WAMessage } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { ChatEvent } from '../../nodes/backends/ChatEvent';
import type { BaileysEvents } from '../../nodes/backends/embedded/connection';
import { subscribeEmbeddedEvents } from '../../nodes/backends/embedded/triggerFeed';
import { mapBaileysEvents } from '../../nodes/backends/embedded/eventMapping';
import { loadBaileys } from '../../nodes/backends/embedded/loadBaileys';
import { isChatContent, storedMessageOf } from '../../nodes/backends/embedded/messageContent';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { eventually, injectStored, startWorld, withConnection, type EmbeddedWorld } from './world';

jest.setTimeout(30_000);

const contact = (n: number) => `1555400${String(n).padStart(4, '0')}@s.whatsapp.net`;

let world: EmbeddedWorld;
/** Every raw Baileys event map the session's connection heard. */
const heard: BaileysEvents[] = [];
/** What the trigger's feed emitted. */
const feed: ChatEvent[] = [];
let unsubscribe: (() => Promise<void>) | undefined;

beforeAll(async () => {
	world = await startWorld();
	const status = await node({ resource: 'session', operation: 'status' });
	expect(status.output[0].json).toMatchObject({ state: 'open' });
	// Keep listening for the whole file (the connection stays warm for its linger time).
	await withConnection(world.folder, (connection) => {
		connection.subscribe({ onEvents: (events) => heard.push(events) });
	});
	unsubscribe = await subscribeEmbeddedEvents(world.credentials, (event) => feed.push(event));
});
afterAll(async () => {
	await unsubscribe?.();
	await world?.close();
});

async function node(parameters: Record<string, unknown>) {
	return await runChatsNode({ credentials: world.credentials, parameters: parameters as never });
}

async function succeed(parameters: Record<string, unknown>) {
	const result = await node(parameters);
	expect(result.error?.message).toBeUndefined();
	return result.output[0].json;
}

/** Waits until Baileys itself emitted messages.upsert for a message matching `match` (our own sends come back this way). */
const upserted = (match: (message: WAMessage) => boolean, what: string) =>
	eventually(() => heard.flatMap((events) => events['messages.upsert']?.messages ?? []).find(match), 5000, what);

test('pin, then archive: no pin message stored; the archive names the real last message; Get Many keeps its time', async () => {
	const jid = contact(1);
	const past = Math.floor(Date.now() / 1000) - 3600;
	const real = await injectStored(world, { chat: jid, text: 'the real last message', timestamp: past });

	const pinned = await succeed({ resource: 'message', operation: 'pin', chatId: chat(jid), messageId: real.key.id, duration: 86400 });
	const pinId = (pinned.raw as { id: string }).id;
	await upserted((m) => m.key.id === pinId && !!m.message?.pinInChatMessage, 'the pin message coming back through Baileys');
	await succeed({ resource: 'message', operation: 'unpin', chatId: chat(jid), messageId: real.key.id });
	const unpinned = await upserted((m) => m.key.id !== pinId && m.message?.pinInChatMessage?.type === 2, 'the unpin message coming back');

	await withConnection(world.folder, (connection) => {
		expect(connection.store.findMessage(jid, pinId)).toBeUndefined();
		expect(connection.store.findMessage(jid, unpinned.key.id!)).toBeUndefined();
		// The pin updated the message it names: pinned, then unpinned.
		expect(connection.store.findMessage(jid, real.key.id)).toMatchObject({ text: 'the real last message', pinned: false });
	});

	// The trigger's feed: the real message once, no "message" for the pin or the unpin.
	expect(feed.filter((e) => e.event === 'message' && e.chatId === jid).map((e) => e.messageId)).toEqual([real.key.id]);

	const messages = await node({ resource: 'chat', operation: 'getMessages', chatId: chat(jid), limit: 50 });
	expect(messages.output.map((item) => item.json.id)).toEqual([real.key.id]);
	for (const item of messages.output) expect(item.json.text !== null || item.json.hasMedia === true).toBe(true);

	const chats = await node({ resource: 'chat', operation: 'getMany', returnAll: true });
	expect(chats.output.find((item) => item.json.id === jid)?.json.lastMessageTimestamp).toBe(past);

	const archived = await succeed({ resource: 'chat', operation: 'archive', chatId: chat(jid) });
	expect(archived.raw).toMatchObject({ lastMessageId: real.key.id, lastMessageTimestamp: past });
	const mutation = await world.wa.waitFor('mutation', (m) => m.index[0] === 'archive' && m.index[1] === jid);
	const range = mutation.value.archiveChatAction?.messageRange;
	expect(range?.messages?.map((m) => m.key?.id)).toEqual([real.key.id]);
	expect(Number(range?.lastMessageTimestamp)).toBe(past);
});

test('a contact pins, edits, reacts and revokes: the target changes, no new messages, mark unread names the real message', async () => {
	const jid = contact(2);
	const past = Math.floor(Date.now() / 1000) - 600;
	const theirs = await injectStored(world, { chat: jid, text: 'typo', timestamp: past });
	const other = await injectStored(world, { chat: jid, text: 'second', timestamp: past + 1 });

	await world.wa.injectMessage({ chat: jid, attrs: { edit: '2' }, message: { pinInChatMessage: { type: 1, key: { remoteJid: jid, fromMe: false, id: theirs.key.id }, senderTimestampMs: Date.now() }, messageContextInfo: { messageAddOnDurationInSecs: 86400 } } });
	await world.wa.injectMessage({ chat: jid, message: { keepInChatMessage: { key: { remoteJid: jid, fromMe: false, id: theirs.key.id }, keepType: 1, timestampMs: Date.now() } } });
	await world.wa.injectEdit({ chat: jid, id: theirs.key.id, text: 'fixed' });
	await world.wa.injectReaction({ chat: jid, id: other.key.id, text: '👍' });
	await world.wa.injectRevoke({ chat: jid, id: other.key.id });

	await withConnection(world.folder, (connection) =>
		eventually(() => connection.store.findMessage(jid, other.key.id)?.revoked && connection.store.findMessage(jid, theirs.key.id)?.pinned, 5000, 'the revoke and the pin applied'),
	);
	const messages = await node({ resource: 'chat', operation: 'getMessages', chatId: chat(jid), limit: 50 });
	expect(messages.output.map((item) => [item.json.id, item.json.text])).toEqual([
		[other.key.id, null],
		[theirs.key.id, 'fixed'],
	]);
	expect((messages.output[0].json.raw as { revoked?: boolean }).revoked).toBe(true);

	const chats = await node({ resource: 'chat', operation: 'getMany', returnAll: true });
	expect(chats.output.find((item) => item.json.id === jid)?.json.lastMessageTimestamp).toBe(past + 1);

	await succeed({ resource: 'chat', operation: 'markUnread', chatId: chat(jid) });
	const mutation = await world.wa.waitFor('mutation', (m) => m.index[0] === 'markChatAsRead' && m.index[1] === jid);
	expect(mutation.value.markChatAsReadAction?.messageRange?.messages?.map((m) => m.key?.id)).toEqual([other.key.id]);
});

test('content rule: control-only messages are not chat content; content next to key distribution is', async () => {
	const B = await loadBaileys();
	const key = { remoteJid: '120363000000000077@g.us', id: 'CTRL1', fromMe: false, participant: contact(3) };
	const target = { remoteJid: key.remoteJid, id: 'TARGET1', fromMe: false, participant: contact(4) };
	const skdm = { groupId: key.remoteJid, axolotlSenderKeyDistributionMessage: Buffer.from([1, 2, 3]) };
	const message = (content: Record<string, unknown>): WAMessage => ({ key, messageTimestamp: 1_700_000_000, message: content }) as WAMessage;
	const control = [
		{ senderKeyDistributionMessage: skdm },
		{ senderKeyDistributionMessage: skdm, messageContextInfo: { deviceListMetadataVersion: 2 } },
		{ pinInChatMessage: { type: 1, key: target }, messageContextInfo: { messageAddOnDurationInSecs: 86400 } },
		{ keepInChatMessage: { key: target, keepType: 1 } },
		{ encReactionMessage: { targetMessageKey: target, encPayload: Buffer.from([1]), encIv: Buffer.from([2]) } },
		{ reactionMessage: { key: target, text: '👍' } },
		{ protocolMessage: { type: 0, key: target } },
		{ editedMessage: { message: { protocolMessage: { type: 14, key: target, editedMessage: { conversation: 'x' } } } } },
		{ pollUpdateMessage: { pollCreationMessageKey: target } },
	];
	for (const content of control) {
		expect([Object.keys(content)[0], isChatContent(B, message(content))]).toEqual([Object.keys(content)[0], false]);
		expect(storedMessageOf(B, message(content))).toBeNull();
	}
	expect(mapBaileysEvents(B, { session: 'test', me: null }, { 'messages.upsert': { type: 'notify', messages: control.map(message) } })).toEqual([]);

	const withText = storedMessageOf(B, message({ senderKeyDistributionMessage: skdm, conversation: 'first group message' }));
	expect(withText).toMatchObject({ key: { id: 'CTRL1' }, text: 'first group message' });
	expect(isChatContent(B, message({ locationMessage: { degreesLatitude: 1, degreesLongitude: 2 } }))).toBe(true);
	expect(isChatContent(B, message({ ephemeralMessage: { message: { extendedTextMessage: { text: 'disappearing' } } } }))).toBe(true);
});
