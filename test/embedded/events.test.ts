/**
 * The trigger's feed (subscribeEmbeddedEvents): changes made on the phone or by contacts arrive
 * as one ChatEvent each, merged Baileys updates are split, own actions through the node come back
 * once, and the subscription keeps the shared connection open while it runs.
 */
import type { ChatEvent } from '../../nodes/backends/ChatEvent';
import { mapBaileysEvents } from '../../nodes/backends/embedded/eventMapping';
import { subscribeEmbeddedEvents } from '../../nodes/backends/embedded/triggerFeed';
import { loadBaileys } from '../../nodes/backends/embedded/loadBaileys';
import { configureEmbedded } from '../../nodes/backends/embedded/settings';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { eventually, injectStored, startWorld, type EmbeddedWorld } from './world';

jest.setTimeout(30_000);

const LINGER_MS = 150;
let world: EmbeddedWorld;
const events: ChatEvent[] = [];
let unsubscribe: () => Promise<void>;

beforeAll(async () => {
	world = await startWorld();
	configureEmbedded({ lingerMs: LINGER_MS });
	unsubscribe = await subscribeEmbeddedEvents(world.credentials, (event) => events.push(event));
	await eventually(() => events.some((e) => e.event === 'session.status' && e.data.status === 'open'), 5000, 'session open');
});
afterAll(async () => {
	await unsubscribe?.();
	await world?.close();
});

const contact = (n: number) => `1555300${String(n).padStart(4, '0')}@s.whatsapp.net`;
const eventFor = (match: (e: ChatEvent) => boolean, what: string) => eventually(() => events.find(match), 5000, what);
const lastMessagesOf = async (jid: string) => {
	const seed = await injectStored(world, { chat: jid, text: 'seed' });
	return { seed, lastMessages: [{ key: seed.key, messageTimestamp: seed.messageTimestamp }] };
};

test('an incoming message: one "message" event with text, sender and ids', async () => {
	const jid = contact(1);
	const injected = await world.wa.injectMessage({ chat: jid, text: 'hello trigger', pushName: 'Carol' });
	const event = await eventFor((e) => e.event === 'message' && e.messageId === injected.key.id, 'message event');
	expect(event).toMatchObject({
		session: 'test',
		chatId: jid,
		fromMe: false,
		timestamp: injected.messageTimestamp,
		data: { text: 'hello trigger', from: jid, hasMedia: false },
		dedupeKey: `test:message:${jid}:${injected.key.id}`,
	});
	expect(events.filter((e) => e.messageId === injected.key.id)).toHaveLength(1);
});

test('phone-side archive, pin, mark unread and delete: one chat event each', async () => {
	const jid = contact(2);
	const { lastMessages } = await lastMessagesOf(jid);
	await world.wa.injectAppStateChange({ archive: true, lastMessages }, jid);
	expect((await eventFor((e) => e.event === 'chat.archive' && e.chatId === jid, 'archive')).data).toEqual({ archived: true });
	await world.wa.injectAppStateChange({ pin: true }, jid);
	expect((await eventFor((e) => e.event === 'chat.pin' && e.chatId === jid, 'pin')).data).toEqual({ pinned: true });
	await world.wa.injectAppStateChange({ markRead: false, lastMessages }, jid);
	await eventFor((e) => e.event === 'chat.unread' && e.chatId === jid, 'unread');
	await world.wa.injectAppStateChange({ delete: true, lastMessages }, jid);
	await eventFor((e) => e.event === 'chat.delete' && e.chatId === jid, 'delete');
	expect(events.filter((e) => e.chatId === jid && e.event.startsWith('chat.')).map((e) => e.event)).toEqual(['chat.archive', 'chat.pin', 'chat.unread', 'chat.delete']);
});

test('phone-side star: "message.star" for that message', async () => {
	const jid = contact(3);
	const { seed } = await lastMessagesOf(jid);
	await world.wa.injectAppStateChange({ star: { messages: [{ id: seed.key.id, fromMe: false }], star: true } }, jid);
	const event = await eventFor((e) => e.event === 'message.star' && e.messageId === seed.key.id, 'star');
	expect(event).toMatchObject({ chatId: jid, fromMe: false, data: { starred: true } });
});

test('contact edits, revokes and reacts: message.edited / message.revoked / message.reaction', async () => {
	const jid = contact(4);
	const theirs = await injectStored(world, { chat: jid, text: 'typo' });
	await world.wa.injectEdit({ chat: jid, id: theirs.key.id, text: 'fixed' });
	expect((await eventFor((e) => e.event === 'message.edited' && e.messageId === theirs.key.id, 'edit')).data).toMatchObject({ text: 'fixed' });
	await world.wa.injectReaction({ chat: jid, id: theirs.key.id, text: '😂' });
	const reaction = await eventFor((e) => e.event === 'message.reaction' && e.messageId === theirs.key.id, 'reaction');
	expect(reaction).toMatchObject({ chatId: jid, fromMe: false, data: { emoji: '😂', removed: false, from: jid } });
	expect(reaction.data.reactionMessageId).toEqual(expect.any(String));
	await world.wa.injectRevoke({ chat: jid, id: theirs.key.id });
	await eventFor((e) => e.event === 'message.revoked' && e.messageId === theirs.key.id, 'revoke');
	// The edit and revoke are protocol messages: no extra "message" events for them.
	expect(events.filter((e) => e.event === 'message' && e.chatId === jid).map((e) => e.messageId)).toEqual([theirs.key.id]);
});

test('an archive done through the node comes back as exactly one chat.archive event', async () => {
	const jid = contact(5);
	await lastMessagesOf(jid);
	const result = await runChatsNode({ credentials: world.credentials, parameters: { resource: 'chat', operation: 'archive', chatId: chat(jid) } as never });
	expect(result.error).toBeUndefined();
	await eventFor((e) => e.event === 'chat.archive' && e.chatId === jid, 'own archive');
	await new Promise((resolve) => setTimeout(resolve, 200));
	expect(events.filter((e) => e.chatId === jid && e.event === 'chat.archive')).toHaveLength(1);
});

test('Baileys\' merged updates are split: one entry with archive + pin, one with edit + star', async () => {
	const B = await loadBaileys();
	const key = { remoteJid: contact(6), id: 'MERGED1', fromMe: false };
	const mapped = mapBaileysEvents(B, { session: 'test', me: null }, {
		'chats.update': [{ id: contact(6), archived: true, pinned: 1_700_000_000 }],
		'messages.update': [{ key, update: { starred: true, message: { editedMessage: { message: { conversation: 'new' } } } } }],
	});
	expect(mapped.map((e) => [e.event, e.chatId, e.data])).toEqual([
		['message.edited', contact(6), { text: 'new', hasMedia: false }],
		['message.star', contact(6), { starred: true }],
		['chat.archive', contact(6), { archived: true }],
		['chat.pin', contact(6), { pinned: true }],
	]);
	expect(new Set(mapped.map((e) => e.dedupeKey)).size).toBe(4);
});

test('a reconnect is reported as session.status events', async () => {
	const from = events.length;
	await world.wa.kick('restart-required');
	await eventually(() => events.slice(from).some((e) => e.event === 'session.status' && e.data.status === 'open'), 5000, 'reopened');
	expect(events.slice(from).filter((e) => e.event === 'session.status').map((e) => e.data.status)).toEqual(['reconnecting', 'open']);
});

test('the subscription keeps the session connected past the linger period; unsubscribing lets it close', async () => {
	// Node executions took and released their own references meanwhile.
	await new Promise((resolve) => setTimeout(resolve, LINGER_MS * 3));
	expect(world.wa.openConnections).toBe(1);
	await world.wa.settle();
	const before = events.length;
	await unsubscribe();
	await eventually(() => world.wa.openConnections === 0, 3000, 'the session closed after the linger period');
	expect(events).toHaveLength(before); // nothing is delivered after unsubscribing
});
