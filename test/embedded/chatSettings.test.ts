/**
 * Chat → Mark Read, Mute / Unmute, Pin / Unpin on the embedded connection, from nothing: a fresh
 * n8n user folder, a new credential paired through Session → Get QR (the phone then shares its
 * app-state key and a history with a muted chat). Each operation runs in n8n's engine; the fake
 * WhatsApp server decodes the app-state mutation (exact values, the index's jid) and records the
 * read receipts. A mute changed on the phone reaches the Embedded Trigger as `chat.mute`.
 */
import { configureEmbedded } from '../../nodes/backends/embedded/settings';
import { chatSettingOf, lidUserFor, type ChatSetting, type FakeWhatsApp } from '../fake-whatsapp';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { pairThroughGetQr, startFreshN8n, type FreshN8n } from './pairFromNothing';
import { eventually } from './world';

jest.setTimeout(60_000);

const SECRET = 'chat-settings-secret-0123456789';
const credentials = { connection: 'embedded', session: 'default', authFolder: '', sessionSecret: SECRET };
const contact = (n: number) => `1555600${String(n).padStart(4, '0')}@s.whatsapp.net`;
const HISTORY_MUTED = contact(1);
const HISTORY_PLAIN = contact(2);
/** The phone's history: one chat muted for another day (seconds, as history says), one not muted. */
const historyMuteEnd = Math.floor(Date.now() / 1000) + 86_400;

let wa: FakeWhatsApp;
let fresh: FreshN8n;
let trigger: TriggerUnderTest | undefined;

const node = (parameters: Record<string, unknown>) => runChatsNode({ credentials, parameters: parameters as never });

async function succeed(parameters: Record<string, unknown>) {
	const result = await node(parameters);
	expect(result.error?.message).toBeUndefined();
	expect(result.output).toHaveLength(1);
	return result.output[0].json;
}

/** The chat setting the client pushed for `jid` (the n-th of that kind, counting from 0). */
async function setting<K extends ChatSetting['kind']>(kind: K, jid: string, nth = 0): Promise<Extract<ChatSetting, { kind: K }>> {
	return (await eventually(
		() => wa.mutations.map(chatSettingOf).filter((s): s is ChatSetting => s?.kind === kind && s.jid === jid)[nth],
		5000,
		`the ${kind} mutation #${nth} of ${jid}`,
	)) as Extract<ChatSetting, { kind: K }>;
}

const settingsOf = (jid: string) => wa.mutations.map(chatSettingOf).filter((s) => s?.jid === jid);

async function chatInList(jid: string) {
	const chats = await node({ resource: 'chat', operation: 'getMany', returnAll: true });
	return chats.output.find((item) => item.json.id === jid)?.json;
}

beforeAll(async () => {
	fresh = await startFreshN8n('wa-chat-settings-');
	wa = fresh.wa;

	await pairThroughGetQr(wa, node, {
		pairing: {
			historySync: {
				chats: [
					{ id: HISTORY_MUTED, name: 'Muted in history', muteEndTime: historyMuteEnd, messages: [] },
					{ id: HISTORY_PLAIN, name: 'Not muted', messages: [] },
				],
			},
		},
		appStateKeys: true,
		timeoutMs: 15_000,
	});
	await eventually(async () => (await chatInList(HISTORY_PLAIN)) ?? undefined, 5000, 'the history in the store');
});

afterAll(async () => {
	await trigger?.close();
	await fresh?.close();
});

test('Get Many says which chats the history shares as muted; pinned and muted come from the store', async () => {
	expect(await chatInList(HISTORY_MUTED)).toMatchObject({ name: 'Muted in history', muted: true, raw: { mutedUntil: historyMuteEnd } });
	expect(await chatInList(HISTORY_PLAIN)).toMatchObject({ name: 'Not muted', muted: false, pinned: false });
});

describe('Mute / Unmute', () => {
	const jid = contact(10);

	test('Mute for 8 hours sends the end time, now + 28,800,000 ms, as WhatsApp clients do; Get Many then says muted', async () => {
		const before = Date.now();
		const json = await succeed({ resource: 'chat', operation: 'mute', chatId: chat(`+${jid.split('@')[0]}`), muteDuration: '8h' });
		const after = Date.now();
		const mute = await setting('mute', jid);
		expect(mute).toMatchObject({ kind: 'mute', jid, muted: true, collection: 'regular_high' });
		expect(mute.muteEndTimestamp).toBeGreaterThanOrEqual(before + 28_800_000);
		expect(mute.muteEndTimestamp).toBeLessThanOrEqual(after + 28_800_000);
		expect(json).toEqual({
			success: true,
			chatId: jid,
			// No message from this contact yet: its LID is not known.
			phone: jid.split('@')[0],
			lid: null,
			muted: true,
			muteDuration: '8h',
			muteEndTimestamp: Math.floor(mute.muteEndTimestamp! / 1000),
			raw: { chatId: jid, action: 'mute', muteEndTimestamp: Math.floor(mute.muteEndTimestamp! / 1000) },
		});
		expect(await chatInList(jid)).toMatchObject({ muted: true, raw: { mutedUntil: json.muteEndTimestamp } });
	});

	test('Mute for 1 week: the end 604,800,000 ms ahead', async () => {
		const before = Date.now();
		const json = await succeed({ resource: 'chat', operation: 'mute', chatId: chat(jid), muteDuration: '1w' });
		const mute = await setting('mute', jid, 1);
		expect(mute.muted).toBe(true);
		expect(mute.muteEndTimestamp! - before).toBeGreaterThanOrEqual(604_800_000);
		expect(mute.muteEndTimestamp! - before).toBeLessThan(604_800_000 + 5000);
		expect(json).toMatchObject({ muted: true, muteDuration: '1w', muteEndTimestamp: Math.floor(mute.muteEndTimestamp! / 1000) });
	});

	test('Mute always sends -1 (no end); the output says no end (null)', async () => {
		const json = await succeed({ resource: 'chat', operation: 'mute', chatId: chat(jid), muteDuration: 'always' });
		expect(await setting('mute', jid, 2)).toEqual({ kind: 'mute', jid, muted: true, muteEndTimestamp: -1, collection: 'regular_high' });
		expect(json).toMatchObject({ success: true, chatId: jid, muted: true, muteDuration: 'always', muteEndTimestamp: null });
		expect(await chatInList(jid)).toMatchObject({ muted: true, raw: { mutedUntil: -1 } });
	});

	test('Unmute sends muted: false without an end; Get Many then says not muted', async () => {
		const json = await succeed({ resource: 'chat', operation: 'unmute', chatId: chat(jid) });
		expect(await setting('mute', jid, 3)).toEqual({ kind: 'mute', jid, muted: false, muteEndTimestamp: null, collection: 'regular_high' });
		expect(json).toEqual({ success: true, chatId: jid, phone: jid.split('@')[0], lid: null, muted: false, muteEndTimestamp: null, raw: { chatId: jid, action: 'unmute' } });
		expect(await chatInList(jid)).toMatchObject({ muted: false });
		expect(settingsOf(jid)).toHaveLength(4);
	});

	test('a bad Mute For fails naming the field, the value and what is expected, and nothing reaches WhatsApp', async () => {
		const other = contact(11);
		const result = await node({ resource: 'chat', operation: 'mute', chatId: chat(other), muteDuration: '2d' });
		expect(result.error?.message).toBe('Invalid Mute For "2d": expected "8h" (8 hours), "1w" (1 week) or "always"');
		await wa.settle();
		expect(settingsOf(other)).toEqual([]);
	});
});

test('Pin / Unpin pin the chat itself (pin_v1 with the chat’s jid), also a chat with no message seen yet', async () => {
	const jid = contact(20);
	const pinned = await succeed({ resource: 'chat', operation: 'pin', chatId: chat(jid) });
	expect(await setting('pin', jid)).toEqual({ kind: 'pin', jid, pinned: true, collection: 'regular_low' });
	expect(pinned).toEqual({ success: true, chatId: jid, phone: jid.split('@')[0], lid: null, pinned: true, raw: { chatId: jid, action: 'pin' } });
	expect(await chatInList(jid)).toMatchObject({ pinned: true });

	const unpinned = await succeed({ resource: 'chat', operation: 'unpin', chatId: chat(jid) });
	expect(await setting('pin', jid, 1)).toEqual({ kind: 'pin', jid, pinned: false, collection: 'regular_low' });
	expect(unpinned).toMatchObject({ success: true, chatId: jid, pinned: false });
	expect(await chatInList(jid)).toMatchObject({ pinned: false });
	// No message was sent for it: a chat pin is an app-state change, not a pin message.
	expect(wa.messages.filter((message) => message.to === jid)).toEqual([]);
});

describe('Mark Read', () => {
	test('read receipts for the chat’s unread messages, then markChatAsRead read: true with its last message; unread count 0', async () => {
		const jid = contact(30);
		const first = await wa.injectMessage({ chat: jid, text: 'are you there?', timestamp: Math.floor(Date.now() / 1000) - 2 });
		const second = await wa.injectMessage({ chat: jid, text: 'hello?', timestamp: Math.floor(Date.now() / 1000) - 1 });
		await eventually(async () => (await chatInList(jid))?.unreadCount === 2, 5000, 'two unread messages in the store');

		const json = await succeed({ resource: 'chat', operation: 'markRead', chatId: chat(jid) });

		const receipt = await wa.readReceipts.waitFor((r) => r.to === jid);
		expect(receipt).toMatchObject({ type: 'read', to: jid });
		expect(receipt.ids.sort()).toEqual([first.key.id, second.key.id].sort());
		expect(receipt.t).toEqual(expect.any(Number));
		const markRead = await setting('markRead', jid);
		expect(markRead).toEqual({
			kind: 'markRead',
			jid,
			read: true,
			// Baileys puts the message's time in the range only as lastMessageTimestamp (not per message).
			messages: [{ id: second.key.id, remoteJid: jid, fromMe: false, timestamp: null }],
			lastMessageTimestamp: second.messageTimestamp,
			collection: 'regular_low',
		});
		expect(json).toEqual({
			success: true,
			chatId: jid,
			// Its messages came with the sender's LID (Baileys learns the pair).
			phone: jid.split('@')[0],
			lid: `${lidUserFor(jid.split('@')[0])}@lid`,
			unread: false,
			raw: {
				chatId: jid,
				action: 'mark read',
				readMessageIds: [second.key.id, first.key.id],
				lastMessageId: second.key.id,
				lastMessageTimestamp: second.messageTimestamp,
			},
		});
		expect(await chatInList(jid)).toMatchObject({ unreadCount: 0, raw: { markedUnread: false } });
	});

	test('a chat marked unread by hand, nothing unread: no receipt, only the read mark', async () => {
		const jid = contact(31);
		const own = await wa.injectMessage({ chat: jid, fromMe: true, text: 'sent from the phone' });
		await eventually(async () => (await chatInList(jid)) ?? undefined, 5000, 'the chat in the store');
		await succeed({ resource: 'chat', operation: 'markUnread', chatId: chat(jid) });
		expect(await setting('markRead', jid)).toMatchObject({ read: false });

		const json = await succeed({ resource: 'chat', operation: 'markRead', chatId: chat(jid) });
		expect(await setting('markRead', jid, 1)).toMatchObject({ read: true, messages: [{ id: own.key.id, fromMe: true }] });
		expect(json).toMatchObject({ unread: false, raw: { readMessageIds: [] } });
		await wa.settle();
		expect(wa.readReceipts.items.filter((r) => r.to === jid)).toEqual([]);
	});

	test('a chat without any message seen fails clearly and sends nothing', async () => {
		const jid = contact(32);
		const result = await node({ resource: 'chat', operation: 'markRead', chatId: chat(jid) });
		expect(result.error?.message).toMatch(new RegExp(`^Cannot mark read chat ${jid}: the embedded session "default" has seen no message in it yet`));
		await wa.settle();
		expect(settingsOf(jid)).toEqual([]);
		expect(wa.readReceipts.items.filter((r) => r.to === jid)).toEqual([]);
	});
});

test('a mute changed on the phone starts the Embedded Trigger with chat.mute (end in Unix seconds; null when unmuted)', async () => {
	configureEmbedded({ lingerMs: 100 });
	trigger = await startTrigger({ credentials, parameters: { source: 'embedded', events: ['chat.mute'] } });
	await trigger.startTrigger();
	const jid = contact(40);
	const endMs = Date.now() + 3_600_000;
	await wa.injectAppStateChange({ mute: endMs }, jid);
	const muted = await eventually(() => trigger!.executions.map(([item]) => item.json).find((json) => json.chatId === jid), 5000, 'chat.mute');
	expect(muted).toMatchObject({ event: 'chat.mute', session: 'default', chatId: jid, data: { muted: true, muteEndTimestamp: Math.floor(endMs / 1000) } });

	await wa.injectAppStateChange({ mute: null }, jid);
	await eventually(() => trigger!.executions.length >= 2, 5000, 'the unmute');
	await new Promise((resolve) => setTimeout(resolve, 150)); // a duplicate would arrive by now
	expect(trigger.executions.map(([item]) => [item.json.event, item.json.data])).toEqual([
		['chat.mute', { muted: true, muteEndTimestamp: Math.floor(endMs / 1000) }],
		['chat.mute', { muted: false, muteEndTimestamp: null }],
	]);
	expect(await chatInList(jid)).toMatchObject({ muted: false });
});
