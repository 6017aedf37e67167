/**
 * Receipts on the embedded connection decoded into `message.ack` (decodeBaileysEvents → eventMapping):
 * `messages.update` status in direct chats, `message-receipt.update` in groups, the same receipts
 * folded by Baileys' event buffer into a message still being upserted, once each; the server's own
 * statuses (pending, server ack) and reads of received messages are no recipient's ack.
 */
import type { BaileysEventMap, WAMessage } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { decodeBaileysEvents } from '../../nodes/backends/embedded/decodeBaileysEvents';
import { toChatEvents } from '../../nodes/backends/embedded/eventMapping';
import { loadBaileys, type Baileys } from '../../nodes/backends/embedded/loadBaileys';

const ME = '15550000001@s.whatsapp.net';
const BOB = '15554009002@s.whatsapp.net';
const CAROL = '15554009003@s.whatsapp.net';
const GROUP = '120363000000000099@g.us';
const NOW = 1_800_000_000;

let B: Baileys;
beforeAll(async () => {
	B = await loadBaileys();
});

const acksOf = (events: Partial<BaileysEventMap>) =>
	toChatEvents('s', decodeBaileysEvents(B, events, { me: ME, now: NOW }))
		.filter((event) => event.event === 'message.ack')
		.map(({ chatId, messageId, fromMe, data, timestamp }) => ({ chatId, messageId, fromMe, data, timestamp }));

const update = (id: string, status: number, remoteJid = BOB, fromMe = true) => ({ key: { remoteJid, id, fromMe }, update: { status, messageTimestamp: 1_700_000_050 } });

test('direct chat: delivered (3), read (4), played (5) from the recipient', () => {
	expect(acksOf({ 'messages.update': [update('A1', 3), update('A2', 4), update('A3', 5)] })).toEqual([
		{ chatId: BOB, messageId: 'A1', fromMe: true, data: { status: 'delivered', from: BOB }, timestamp: 1_700_000_050 },
		{ chatId: BOB, messageId: 'A2', fromMe: true, data: { status: 'read', from: BOB }, timestamp: 1_700_000_050 },
		{ chatId: BOB, messageId: 'A3', fromMe: true, data: { status: 'played', from: BOB }, timestamp: 1_700_000_050 },
	]);
});

test('the server’s statuses (error 0, pending 1, server ack 2) and this account reading a received message are no ack', () => {
	expect(acksOf({ 'messages.update': [update('B0', 0), update('B1', 1), update('B2', 2), update('B3', 4, BOB, false)] })).toEqual([]);
});

test('a group message’s status names no reader, and viewers of a status update are no chat: no ack', () => {
	expect(
		acksOf({
			'messages.update': [update('C1', 4, GROUP)],
			'message-receipt.update': [{ key: { remoteJid: 'status@broadcast', id: 'C2', fromMe: true, participant: BOB }, receipt: { userJid: BOB, readTimestamp: 1_700_000_001 } }],
		}),
	).toEqual([]);
});

test('group: each member’s receipt, delivered and read apart, the reader as `from`', () => {
	const key = (participant: string) => ({ remoteJid: GROUP, id: 'G1', fromMe: true, participant });
	expect(
		acksOf({
			'message-receipt.update': [
				{ key: key(BOB), receipt: { userJid: BOB, receiptTimestamp: 1_700_000_060 } },
				{ key: key(CAROL), receipt: { userJid: CAROL, readTimestamp: 1_700_000_070 } },
			],
		}),
	).toEqual([
		{ chatId: GROUP, messageId: 'G1', fromMe: true, data: { status: 'delivered', from: BOB }, timestamp: 1_700_000_060 },
		{ chatId: GROUP, messageId: 'G1', fromMe: true, data: { status: 'read', from: CAROL }, timestamp: 1_700_000_070 },
	]);
});

test('receipts Baileys folded into a message still in its buffer (status, userReceipt) are acks too', () => {
	const direct = { key: { remoteJid: BOB, id: 'F1', fromMe: true }, messageTimestamp: 1_700_000_080, status: 3, message: { conversation: 'x' } };
	const group = {
		key: { remoteJid: GROUP, id: 'F2', fromMe: true },
		messageTimestamp: 1_700_000_081,
		status: 2,
		message: { conversation: 'y' },
		userReceipt: [{ userJid: CAROL, receiptTimestamp: 1_700_000_090, readTimestamp: 1_700_000_095 }],
	};
	const pending = { key: { remoteJid: BOB, id: 'F3', fromMe: true }, messageTimestamp: 1_700_000_082, status: 1, message: { conversation: 'z' } };
	expect(acksOf({ 'messages.upsert': { type: 'append', messages: [direct, group, pending] as unknown as WAMessage[] } })).toEqual([
		{ chatId: BOB, messageId: 'F1', fromMe: true, data: { status: 'delivered', from: BOB }, timestamp: 1_700_000_080 },
		{ chatId: GROUP, messageId: 'F2', fromMe: true, data: { status: 'read', from: CAROL }, timestamp: 1_700_000_095 },
	]);
});

test('the same ack seen through both Baileys events (folded into the upsert and as messages.update) fires once', () => {
	const sent = { key: { remoteJid: BOB, id: 'D1', fromMe: true }, messageTimestamp: 1_700_000_100, status: 4, message: { conversation: 'x' } };
	const events = toChatEvents(
		's',
		decodeBaileysEvents(B, { 'messages.upsert': { type: 'append', messages: [sent as unknown as WAMessage] }, 'messages.update': [update('D1', 4)] }, { me: ME, now: NOW }),
	).filter((event) => event.event === 'message.ack');
	expect(events).toHaveLength(1);
	expect(events[0]).toMatchObject({ messageId: 'D1', data: { status: 'read', from: BOB }, dedupeKey: `s:message.ack:${BOB}:D1:read:${BOB}` });
});

test('history never makes acks (old statuses are no news)', () => {
	const old = { key: { remoteJid: BOB, id: 'H1', fromMe: true }, messageTimestamp: 1_600_000_000, status: 4, message: { conversation: 'x' } };
	expect(acksOf({ 'messaging-history.set': { chats: [], contacts: [], messages: [old as unknown as WAMessage], isLatest: true, lidPnMappings: [] } as never })).toEqual([]);
});
