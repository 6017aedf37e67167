/**
 * The local store on its own: what it keeps, its bounds, and that it survives a restart (a new
 * ChatStore over the same file) with the keys and last messages chat changes need.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { ChatStore, isMuted, type StoredMessage } from '../../nodes/backends/embedded/store';
import { tempFolder } from './world';

let folder: string;
let file: string;
beforeEach(async () => {
	folder = await tempFolder('wa-store-');
	file = path.join(folder, 'store.json');
});
afterEach(async () => await rm(folder, { recursive: true, force: true }));

const message = (chat: string, id: string, timestamp: number, extra: Partial<StoredMessage> = {}): StoredMessage => ({
	key: { remoteJid: chat, id, fromMe: false, ...(chat.endsWith('@g.us') ? { participant: '15550002222@s.whatsapp.net' } : {}) },
	timestamp,
	text: `text ${id}`,
	hasMedia: false,
	...extra,
});

const A = '15550000001@s.whatsapp.net';
const B = '15550000002@s.whatsapp.net';
const G = '120363000000000001@g.us';

test('survives a restart: chats, messages with full keys, flags and aliases come back', async () => {
	const store = await ChatStore.open(file, { saveDelayMs: 10_000 });
	store.addMessage(message(A, 'A1', 100, { pushName: 'Alice' }));
	store.addMessage(message(G, 'G1', 200));
	store.upsertChat(A, { archived: true, unreadDelta: -1 });
	store.addAlias('1999000000001@lid', A);
	await store.close(); // writes although the save delay has not passed

	const reopened = await ChatStore.open(file);
	expect(reopened.listChats({ limit: 10, offset: 0 }).map((chat) => chat.id)).toEqual([G, A]);
	expect(reopened.getChat(A)).toMatchObject({ name: 'Alice', archived: true, markedUnread: true });
	expect(reopened.findMessage(G, 'G1')?.key).toEqual({ remoteJid: G, id: 'G1', fromMe: false, participant: '15550002222@s.whatsapp.net' });
	expect(reopened.lastMessages('1999000000001@lid')).toEqual([{ key: { remoteJid: A, id: 'A1', fromMe: false }, messageTimestamp: 100 }]);
	expect(reopened.size).toEqual({ chats: 2, messages: 2 });
});

test('changes are saved by themselves after the save delay, atomically (no temp file left)', async () => {
	const store = await ChatStore.open(file, { saveDelayMs: 20 });
	store.addMessage(message(A, 'A1', 100));
	// Nobody asks for the save: the file appears by itself (polled, so a loaded machine is not a failure).
	for (let waited = 0; !existsSync(file) && waited < 5_000; waited += 25) await new Promise((resolve) => setTimeout(resolve, 25));
	expect(JSON.parse(readFileSync(file, 'utf-8')).chats[0].id).toBe(A);
	expect(readFileSync(file, 'utf-8')).not.toContain('.tmp-');
	await store.close();
});

test('lastMessages is the newest message, even when older history arrives later', async () => {
	const store = await ChatStore.open(file);
	store.addMessage(message(A, 'NEW', 300));
	store.addMessage(message(A, 'OLD', 100));
	expect(store.lastMessages(A)).toEqual([{ key: { remoteJid: A, id: 'NEW', fromMe: false }, messageTimestamp: 300 }]);
	expect(store.listMessages(A, { limit: 10, offset: 0 }).map((m) => m.key.id)).toEqual(['NEW', 'OLD']);
	expect(store.lastMessages(B)).toEqual([]);
	await store.close();
});

test('clearing messages keeps the last-message reference; deleting the chat drops everything', async () => {
	const store = await ChatStore.open(file);
	store.addMessage(message(A, 'A1', 100));
	store.clearMessages(A);
	expect(store.listMessages(A, { limit: 10, offset: 0 })).toEqual([]);
	expect(store.lastMessages(A)[0].key.id).toBe('A1');
	store.deleteChat(A);
	expect(store.getChat(A)).toBeUndefined();
	expect(store.lastMessages(A)).toEqual([]);
	await store.close();
});

test('bounded: per chat, in total (oldest chats first) and in chats', async () => {
	const store = await ChatStore.open(file, { maxMessagesPerChat: 3, maxMessages: 5, maxChats: 2 });
	for (let n = 1; n <= 5; n++) store.addMessage(message(A, `A${n}`, n));
	expect(store.listMessages(A, { limit: 10, offset: 0 }).map((m) => m.key.id)).toEqual(['A5', 'A4', 'A3']);
	for (let n = 1; n <= 3; n++) store.addMessage(message(B, `B${n}`, 10 + n));
	// 6 messages > 5: the oldest message of the least recently active chat (A) goes.
	expect(store.size).toEqual({ chats: 2, messages: 5 });
	expect(store.listMessages(A, { limit: 10, offset: 0 }).map((m) => m.key.id)).toEqual(['A5', 'A4']);
	expect(store.lastMessages(A)[0].key.id).toBe('A5');
	store.addMessage(message(G, 'G1', 100));
	// A third chat: the least recently active one (A) is dropped, never the new one.
	expect(store.listChats({ limit: 10, offset: 0 }).map((chat) => chat.id)).toEqual([G, B]);
	await store.close();
});

test('unread: increments add up, marking read clears, marking unread is remembered', async () => {
	const store = await ChatStore.open(file);
	store.upsertChat(A, { unreadDelta: 1 });
	store.upsertChat(A, { unreadDelta: 2 });
	expect(store.getChat(A)?.unreadCount).toBe(3);
	store.upsertChat(A, { unreadDelta: 0 });
	expect(store.getChat(A)).toMatchObject({ unreadCount: 0, markedUnread: false });
	store.upsertChat(A, { unreadDelta: -1 });
	expect(store.getChat(A)).toMatchObject({ markedUnread: true });
	await store.close();
});

test('an unreadable store file is only a cache: the store starts empty', async () => {
	writeFileSync(file, '{"version":1,"chats":[{"id"');
	const store = await ChatStore.open(file);
	expect(store.size).toEqual({ chats: 0, messages: 0 });
	await store.close();
});

test('unread messages: the newest received ones, as many as the unread count says; none when read', async () => {
	const store = await ChatStore.open(file);
	store.addMessage(message(A, 'OLD', 1));
	store.addMessage(message(A, 'MINE', 2, { key: { remoteJid: A, id: 'MINE', fromMe: true } }));
	store.addMessage(message(A, 'NEW1', 3));
	store.addMessage(message(A, 'NEW2', 4));
	expect(store.unreadMessages(A)).toEqual([]);
	store.upsertChat(A, { unreadDelta: 3 });
	expect(store.unreadMessages(A).map((key) => key.id)).toEqual(['NEW2', 'NEW1', 'OLD']);
	store.upsertChat(A, { unreadDelta: 0 });
	expect(store.unreadMessages(A)).toEqual([]);
	expect(store.unreadMessages(B)).toEqual([]);
	await store.close();
});

test('mute: kept across a restart; muted until its end, always with -1, unknown until WhatsApp says', async () => {
	const store = await ChatStore.open(file);
	store.upsertChat(A, { mutedUntil: 2_000 });
	store.upsertChat(B, { mutedUntil: -1 });
	store.upsertChat(G);
	await store.close();
	const reopened = await ChatStore.open(file);
	expect(isMuted(reopened.getChat(A)!, 1_999)).toBe(true);
	expect(isMuted(reopened.getChat(A)!, 2_000)).toBe(false);
	expect(isMuted(reopened.getChat(B)!, 9_999_999_999)).toBe(true);
	expect(isMuted(reopened.getChat(G)!)).toBeNull();
	reopened.upsertChat(B, { mutedUntil: null });
	expect(isMuted(reopened.getChat(B)!)).toBe(false);
	await reopened.close();
});

test('labels and the labels on chats survive a restart; a store file from before labels opens with none', async () => {
	writeFileSync(file, JSON.stringify({ version: 1, chats: [], aliases: {} }));
	const store = await ChatStore.open(file, { saveDelayMs: 10_000 });
	expect(store.labelCount).toBe(0);
	store.addMessage(message(A, 'M1', 1_700_000_001));
	store.putLabel({ id: '2', name: 'VIP', color: 4, deleted: false });
	store.putLabel({ id: '1', name: 'New customer', color: 1, deleted: false });
	// An edit that says only the colour keeps the name.
	store.putLabel({ id: '2', name: '', color: 6, deleted: false });
	store.setChatLabel(A, '2', true);
	store.setChatLabel(A, '1', true);
	store.setChatLabel(A, '1', false);
	await store.close();

	const reopened = await ChatStore.open(file);
	expect(reopened.listLabels()).toEqual([
		{ id: '1', name: 'New customer', color: 1, deleted: false },
		{ id: '2', name: 'VIP', color: 6, deleted: false },
	]);
	expect(reopened.getChat(A)?.labels).toEqual(['2']);
	// A deleted label is forgotten and taken off its chats.
	reopened.putLabel({ id: '2', name: 'VIP', color: 6, deleted: true });
	expect(reopened.listLabels().map((label) => label.id)).toEqual(['1']);
	expect(reopened.getChat(A)?.labels).toEqual([]);
	await reopened.close();
});
