/**
 * The Baileys event decoder on its own (event map in, changes out), the store and the trigger
 * reading its changes, and the fan-out: with three triggers on one session, each batch is
 * decoded once and mapped once, and every message's content is read once.
 */
import { rm } from 'node:fs/promises';
import type { WAMessage } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { ChatChange } from '../../nodes/backends/embedded/ChatChange';
import { sessionStatusChange } from '../../nodes/backends/embedded/ChatChange';
import { decodeBaileysEvents, decoderWork } from '../../nodes/backends/embedded/decodeBaileysEvents';
import { toChatEvents } from '../../nodes/backends/embedded/eventMapping';
import { isChatContentOf } from '../../nodes/backends/embedded/messageContent';
import { loadBaileys, type Baileys } from '../../nodes/backends/embedded/loadBaileys';
import { configureEmbedded } from '../../nodes/backends/embedded/settings';
import { ChatStore } from '../../nodes/backends/embedded/store';
import { applyChangesToStore } from '../../nodes/backends/embedded/storeFeed';
import { triggerFeedWork } from '../../nodes/backends/embedded/triggerFeed';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';
import { eventually, startWorld, tempFolder, withConnection } from './world';

jest.setTimeout(60_000);

const ME = '15550000001@s.whatsapp.net';
const ALICE = '15550001111@s.whatsapp.net';
const CONTACT = '15554009001@s.whatsapp.net';
const GROUP = '120363000000000099@g.us';
const CAROL = '15554009002@s.whatsapp.net';
const NOW = 1_800_000_000;
let B: Baileys;
beforeAll(async () => {
	B = await loadBaileys();
});
const decode = (events: Parameters<typeof decodeBaileysEvents>[1]) => decodeBaileysEvents(B, events, { me: ME, now: NOW });
const upsert = (...messages: unknown[]) => ({ 'messages.upsert': { type: 'notify' as const, messages: messages as WAMessage[] } });

describe('decodeBaileysEvents: event map in, changes out', () => {
	test('messages: text with its sender (contact, group member, own), media caption, phone-number alias', () => {
		const changes = decode(
			upsert(
				{ key: { remoteJid: ALICE, remoteJidAlt: '111222@lid', id: 'M1', fromMe: false }, messageTimestamp: 1_700_000_001, pushName: 'Alice', message: { conversation: 'hi' } },
				{ key: { remoteJid: GROUP, id: 'M2', fromMe: false, participant: ALICE }, messageTimestamp: 1_700_000_002, message: { imageMessage: { caption: 'look' } } },
				{ key: { remoteJid: ALICE, id: 'M3', fromMe: true }, messageTimestamp: 1_700_000_003, message: { ephemeralMessage: { message: { extendedTextMessage: { text: 'mine' } } } } },
			),
		);
		expect(changes).toEqual([
			{ kind: 'chat.alias', alias: '111222@lid', chatId: ALICE },
			{
				kind: 'message',
				origin: 'notify',
				from: ALICE,
				message: { key: { remoteJid: ALICE, id: 'M1', fromMe: false }, timestamp: 1_700_000_001, text: 'hi', hasMedia: false, pushName: 'Alice' },
				raw: { key: { remoteJid: ALICE, remoteJidAlt: '111222@lid', id: 'M1', fromMe: false }, pushName: 'Alice', type: 'notify' },
			},
			expect.objectContaining({ kind: 'message', from: ALICE, message: expect.objectContaining({ key: { remoteJid: GROUP, id: 'M2', fromMe: false, participant: ALICE }, text: 'look', hasMedia: true }) }),
			expect.objectContaining({ kind: 'message', from: ME, message: expect.objectContaining({ text: 'mine', hasMedia: false }) }),
		]);
	});

	test('control messages are no messages: a pin marks its target, reactions and revokes as messages give nothing', () => {
		const target = { remoteJid: ALICE, id: 'TARGET', fromMe: true };
		const changes = decode(
			upsert(
				{ key: { remoteJid: ALICE, id: 'P1', fromMe: false }, message: { pinInChatMessage: { type: 1, key: target } } },
				{ key: { remoteJid: ALICE, id: 'P2', fromMe: false }, message: { pinInChatMessage: { type: 2, key: target } } },
				{ key: { remoteJid: ALICE, id: 'R1', fromMe: false }, message: { reactionMessage: { key: target, text: '👍' } } },
				{ key: { remoteJid: ALICE, id: 'X1', fromMe: false }, message: { protocolMessage: { type: 0, key: target } } },
				{ key: { remoteJid: 'status@broadcast', id: 'S1', fromMe: false, participant: ALICE }, message: { conversation: 'a status' } },
			),
		);
		expect(changes).toEqual([
			{ kind: 'message.pinned', chatId: ALICE, messageId: 'TARGET', pinned: true },
			{ kind: 'message.pinned', chatId: ALICE, messageId: 'TARGET', pinned: false },
		]);
	});

	test('message updates: edit, revoke and star kept apart even when Baileys merged them into one entry', () => {
		const key = { remoteJid: ALICE, id: 'U1', fromMe: false };
		const changes = decode({
			'messages.update': [
				{ key, update: { starred: true, messageTimestamp: 1_700_000_100, message: { editedMessage: { message: { imageMessage: { caption: 'new caption' } } } } } },
				{ key: { ...key, id: 'U2' }, update: { messageStubType: 1 } },
				{ key: { id: 'NO-CHAT' }, update: { starred: false } },
			],
		});
		const storedKey = { remoteJid: ALICE, id: 'U1', fromMe: false };
		expect(changes.map(({ raw: _raw, ...change }: ChatChange & { raw?: unknown }) => change)).toEqual([
			{ kind: 'message.edited', key: storedKey, text: 'new caption', hasMedia: true, timestamp: 1_700_000_100 },
			{ kind: 'message.starred', key: storedKey, starred: true },
			{ kind: 'message.revoked', key: { ...storedKey, id: 'U2' } },
		]);
		// One copy of the merged entry for both of its changes.
		expect((changes[0] as { raw: unknown }).raw).toBe((changes[1] as { raw: unknown }).raw);
	});

	test('reactions: who reacted, when, and a removal', () => {
		const key = { remoteJid: ALICE, id: 'T1', fromMe: true };
		const changes = decode({
			'messages.reaction': [
				{ key, reaction: { key: { remoteJid: ALICE, id: 'RX1', fromMe: false }, text: '🎉', senderTimestampMs: 1_700_000_200_500 } },
				{ key, reaction: { key: { remoteJid: ALICE, id: 'RX2', fromMe: true }, text: '' } },
			],
		});
		expect(changes.map(({ raw: _raw, ...change }: ChatChange & { raw?: unknown }) => change)).toEqual([
			{ kind: 'message.reaction', key, emoji: '🎉', reactionMessageId: 'RX1', fromMe: false, from: ALICE, timestamp: 1_700_000_200 },
			{ kind: 'message.reaction', key, emoji: '', reactionMessageId: 'RX2', fromMe: true, from: ME, timestamp: NOW },
		]);
	});

	test('chat updates: archive, pin, unread marks, mute; lists and history with absolute counts; deletes and clears', () => {
		const changes = decode({
			'messaging-history.set': {
				chats: [{ id: ALICE, name: 'Alice', unreadCount: 3 }, { id: CAROL, muteEndTime: 1_800_000_000 }],
				contacts: [{ id: ALICE, notify: 'Ally' }],
				messages: [{ key: { remoteJid: ALICE, id: 'H1', fromMe: false }, messageTimestamp: 1_600_000_000, message: { conversation: 'old' } }] as WAMessage[],
				lidPnMappings: [{ lid: '999@lid', pn: ALICE }],
				isLatest: true,
			},
			'chats.upsert': [{ id: GROUP, name: 'Team', unreadCount: -1 }],
			'chats.update': [
				{ id: ALICE, archived: true, pinned: 1_700_000_000 },
				// App-state mutes say milliseconds (-1: always), history says seconds.
				{ id: GROUP, unreadCount: -1, pinned: null, muteEndTime: 1_900_000_000_123 },
				{ id: ALICE, unreadCount: 0, muteEndTime: null },
				{ id: CAROL, muteEndTime: -1 },
			],
			'chats.delete': [GROUP],
			'messages.delete': { keys: [{ remoteJid: ALICE, id: 'H1', fromMe: false }] },
		});
		expect(changes.map((change) => ('raw' in change ? { ...change, raw: undefined } : change))).toEqual([
			{ kind: 'chat', chatId: ALICE, fields: { name: 'Alice', unreadCount: 3, mutedUntil: null }, origin: 'history', raw: undefined },
			{ kind: 'chat', chatId: CAROL, fields: { mutedUntil: 1_800_000_000 }, origin: 'history', raw: undefined },
			{ kind: 'chat.alias', alias: ALICE, chatId: '999@lid' },
			expect.objectContaining({ kind: 'message', origin: 'history', message: expect.objectContaining({ text: 'old' }) }),
			{ kind: 'contact', chatId: ALICE, name: 'Ally' },
			{ kind: 'chat', chatId: GROUP, fields: { name: 'Team', unreadCount: 0 }, origin: 'upsert', raw: undefined },
			{ kind: 'chat', chatId: ALICE, fields: { archived: true, pinned: true }, origin: 'update', raw: undefined },
			{ kind: 'chat', chatId: GROUP, fields: { unreadDelta: -1, pinned: false, mutedUntil: 1_900_000_000 }, origin: 'update', raw: undefined },
			{ kind: 'chat.muted', chatId: GROUP, muted: true, muteEndTimestamp: 1_900_000_000, raw: undefined },
			{ kind: 'chat', chatId: ALICE, fields: { unreadDelta: 0, mutedUntil: null }, origin: 'update', raw: undefined },
			{ kind: 'chat.muted', chatId: ALICE, muted: false, muteEndTimestamp: null, raw: undefined },
			{ kind: 'chat', chatId: CAROL, fields: { mutedUntil: -1 }, origin: 'update', raw: undefined },
			{ kind: 'chat.muted', chatId: CAROL, muted: true, muteEndTimestamp: null, raw: undefined },
			{ kind: 'chat.deleted', chatId: GROUP, raw: undefined },
			{ kind: 'message.deleted', key: { remoteJid: ALICE, id: 'H1', fromMe: false } },
		]);
		expect(decode({ 'messages.delete': { jid: ALICE, all: true } })).toEqual([{ kind: 'chat.cleared', chatId: ALICE }]);
	});

	test('a mute change becomes one chat.mute event: the end in Unix seconds, null when always or unmuted', () => {
		const events = toChatEvents(
			'test',
			decode({
				'chats.update': [
					{ id: ALICE, muteEndTime: 1_900_000_000_999 },
					{ id: GROUP, muteEndTime: -1, archived: true },
					{ id: CAROL, muteEndTime: null },
				],
			}),
		);
		expect(events.map(({ event, chatId, data }) => ({ event, chatId, data }))).toEqual([
			{ event: 'chat.mute', chatId: ALICE, data: { muted: true, muteEndTimestamp: 1_900_000_000 } },
			{ event: 'chat.archive', chatId: GROUP, data: { archived: true } },
			{ event: 'chat.mute', chatId: GROUP, data: { muted: true, muteEndTimestamp: null } },
			{ event: 'chat.mute', chatId: CAROL, data: { muted: false, muteEndTimestamp: null } },
		]);
	});

	test('session status, and each message content read once per batch', () => {
		expect(toChatEvents('test', [sessionStatusChange('reconnecting')])).toEqual([
			expect.objectContaining({ event: 'session.status', session: 'test', chatId: null, data: { status: 'reconnecting' } }),
		]);
		const before = { ...decoderWork };
		decode({
			...upsert({ key: { remoteJid: ALICE, id: 'C1', fromMe: false }, message: { conversation: 'one' } }, { key: { remoteJid: ALICE, id: 'C2', fromMe: false }, message: { pinInChatMessage: { type: 1, key: { id: 'C1' } } } }),
			'messages.update': [{ key: { remoteJid: ALICE, id: 'C1' }, update: { message: { editedMessage: { message: { conversation: 'two' } } } } }],
		});
		expect({ batches: decoderWork.batches - before.batches, messageContents: decoderWork.messageContents - before.messageContents }).toEqual({ batches: 1, messageContents: 3 });
	});

	test('labels: an edit, a chat association named by the same batch or by what the store knew; message labels are not a chat\'s', () => {
		const same = decode({
			'labels.edit': { id: '7', name: 'VIP', color: 4, deleted: false },
			'labels.association': { type: 'add', association: { type: 'label_jid' as never, chatId: '15550001111:3@s.whatsapp.net', labelId: '7' } },
		} as never);
		expect(same).toEqual([
			{ kind: 'label', label: { id: '7', name: 'VIP', color: 4, deleted: false } },
			{ kind: 'chat.label', chatId: ALICE, labelId: '7', labelName: 'VIP', added: true },
		]);
		const known = decodeBaileysEvents(
			B,
			{ 'labels.association': { type: 'remove', association: { type: 'label_jid' as never, chatId: ALICE, labelId: '3' } } } as never,
			{ me: ME, now: NOW, labelName: (id) => (id === '3' ? 'Paid' : null) },
		);
		expect(known).toEqual([{ kind: 'chat.label', chatId: ALICE, labelId: '3', labelName: 'Paid', added: false }]);
		expect(decode({ 'labels.association': { type: 'add', association: { type: 'label_message' as never, chatId: ALICE, messageId: 'M1', labelId: '3' } } } as never)).toEqual([]);
		expect(toChatEvents('s', known)).toEqual([
			expect.objectContaining({ event: 'chat.label', chatId: ALICE, data: { labelId: '3', labelName: 'Paid', added: false } }),
		]);
	});
});

test('the content rule, read from content normalized once, agrees with Baileys\' isRealMessage on what it lets through', () => {
	const target = { remoteJid: ALICE, id: 'T', fromMe: false };
	const contents = [
		{ conversation: 'text' },
		{ protocolMessage: { type: 0, key: target } },
		{ conversation: 'text', protocolMessage: { type: 0, key: target } },
		{ reactionMessage: { key: target, text: '👍' } },
		{ pollUpdateMessage: { pollCreationMessageKey: target } },
		{ senderKeyDistributionMessage: { groupId: GROUP } },
		{ messageContextInfo: {} },
		{ viewOnceMessage: { message: { imageMessage: { caption: 'once' } } } },
		{ editedMessage: { message: { protocolMessage: { type: 14, key: target, editedMessage: { conversation: 'x' } } } } },
		{ pinInChatMessage: { type: 1, key: target } },
	];
	for (const content of contents) {
		const message = { key: { ...target, id: 'C' }, message: content } as WAMessage;
		const ours = isChatContentOf(B.normalizeMessageContent(message.message));
		// Never more than Baileys calls real; the control fields (pins, key distribution) are the only difference.
		expect([content, ours && !B.isRealMessage(message)]).toEqual([content, false]);
	}
	expect(contents.map((content) => isChatContentOf(B.normalizeMessageContent(content)))).toEqual([true, false, false, false, false, false, false, true, false, false]);
});

describe('the store and the trigger read the same changes', () => {
	test('the store applies them; the trigger maps the live ones in its usual order', async () => {
		const folder = await tempFolder('wa-decoder-');
		const store = await ChatStore.open(`${folder}/store.json`, { saveDelayMs: 60_000 });
		const changes = decode({
			'chats.update': [{ id: ALICE, archived: true }],
			...upsert(
				{ key: { remoteJid: ALICE, id: 'S1', fromMe: false }, messageTimestamp: 1_700_000_300, message: { conversation: 'hello' } },
				{ key: { remoteJid: ALICE, id: 'S2', fromMe: false }, message: { pinInChatMessage: { type: 1, key: { id: 'S1' } } } },
			),
			'contacts.upsert': [{ id: ALICE, name: 'Alice A.' }, { id: '15559999999@s.whatsapp.net', name: 'Nobody' }],
			'messages.update': [{ key: { remoteJid: ALICE, id: 'S1' }, update: { starred: true } }],
		});
		applyChangesToStore(store, changes);
		expect(store.getChat(ALICE)).toMatchObject({ name: 'Alice A.', archived: true, messages: [{ key: { id: 'S1' }, text: 'hello', pinned: true, starred: true }] });
		expect(store.size).toEqual({ chats: 1, messages: 1 });
		expect(toChatEvents('test', changes).map((event) => [event.event, event.messageId ?? null])).toEqual([
			['message', 'S1'],
			['message.star', 'S1'],
			['chat.archive', null],
		]);
		await store.close();
		await rm(folder, { recursive: true, force: true });
	});
});

describe('three triggers on one session', () => {
	let world: Awaited<ReturnType<typeof startWorld>>;
	const triggers: TriggerUnderTest[] = [];
	afterAll(async () => {
		for (const trigger of triggers) await trigger.close();
		await world?.close();
	});

	test('each batch is decoded once and mapped once; every trigger gets every message', async () => {
		world = await startWorld();
		configureEmbedded({ lingerMs: 100 });
		for (let i = 0; i < 3; i++) {
			const trigger = await startTrigger({ credentials: world.credentials, parameters: { source: 'embedded', events: ['message'] } });
			await trigger.startTrigger();
			triggers.push(trigger);
		}
		let batches = 0;
		let rawMessages = 0;
		const unsubscribe = await withConnection(world.folder, async (connection) => {
			await connection.whenOpen(10_000);
			return connection.subscribe({
				onEvents: (events) => {
					batches++;
					rawMessages += events['messages.upsert']?.messages.length ?? 0;
				},
			});
		});
		const decodedBefore = { ...decoderWork };
		const mappedBefore = triggerFeedWork.mappedBatches;
		const ids: string[] = [];
		for (let i = 0; i < 10; i++) ids.push((await world.wa.injectMessage({ chat: CONTACT, text: `fan-out ${i}` })).key.id!);
		await eventually(() => triggers.every((trigger) => ids.every((id) => trigger.executions.some(([item]) => item.json.messageId === id))), 10_000, 'all messages at all triggers');
		unsubscribe();

		for (const trigger of triggers) expect(trigger.executions.filter(([item]) => ids.includes(item.json.messageId as string))).toHaveLength(ids.length);
		expect(batches).toBeGreaterThan(0);
		expect(rawMessages).toBeGreaterThanOrEqual(ids.length);
		// Once per batch whatever the number of triggers (3 triggers did not make 3 decodings)...
		expect(decoderWork.batches - decodedBefore.batches).toBe(batches);
		expect(triggerFeedWork.mappedBatches - mappedBefore).toBeLessThanOrEqual(batches);
		// ...and each message's content read once.
		expect(decoderWork.messageContents - decodedBefore.messageContents).toBe(rawMessages);
	});
});
