/**
 * The identity module on its own (phone numbers and LIDs from ids, the bounded book of pairs, one
 * row per chat, events completed), the store keeping what it learnt across a restart within its
 * bound, the decoder's LID sources, and the trigger's filter and de-dup treating both forms as one.
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChatEvent } from '../../nodes/backends/ChatEvent';
import { decodeBaileysEvents } from '../../nodes/backends/embedded/decodeBaileysEvents';
import { loadBaileys } from '../../nodes/backends/embedded/loadBaileys';
import { ChatStore } from '../../nodes/backends/embedded/store';
import { IdentityBook, identifiedEvent, identityOf, mergeChatRows } from '../../nodes/backends/identity';
import { makeEventFilter } from '../../nodes/WhatsAppChatsTrigger/eventFilter';
import { RecentEvents } from '../../nodes/WhatsAppChatsTrigger/recentEvents';

const PHONE = '919988066776';
const PN = `${PHONE}@s.whatsapp.net`;
const LID = '184069530861739@lid';

test('identityOf reads the server part: phone from any phone-number JID (device dropped), lid from any LID; groups and junk give null', () => {
	expect(identityOf(`${PHONE}:12@s.whatsapp.net`)).toEqual({ phone: PHONE, lid: null });
	expect(identityOf(`${PHONE}@c.us`, '184069530861739:3@lid')).toEqual({ phone: PHONE, lid: LID });
	expect(identityOf(LID, PN)).toEqual({ phone: PHONE, lid: LID });
	expect(identityOf('120363000000000001@g.us', 'not a jid', null, undefined, 42)).toEqual({ phone: null, lid: null });
});

test('the book: pairs both ways, a changed pair replaces the old one, and the oldest go past the bound', () => {
	const book = new IdentityBook(3);
	expect(book.learn(LID, PN)).toBe(true);
	expect(book.learn(LID, PN)).toBe(false);
	expect(book.otherJid(PN)).toBe(LID);
	expect(book.otherJid(LID)).toBe(PN);
	expect(book.identify(`${PHONE}@c.us`)).toEqual({ phone: PHONE, lid: LID });
	book.learn('1@lid', '11111111@s.whatsapp.net');
	book.learn('2@lid', '22222222@s.whatsapp.net');
	book.learn('3@lid', '33333333@s.whatsapp.net');
	expect(book.size).toBe(3);
	expect(book.phoneOf(LID)).toBeNull();
	book.learn('4@lid', '22222222@s.whatsapp.net');
	expect(book.phoneOf('2@lid')).toBeNull();
	expect(book.lidOf('22222222')).toBe('4@lid');
	expect(book.learn('not-a-lid@g.us', PN)).toBe(false);
});

test('one row per chat: the LID row and the phone row merge into the first, null fields filled from the other', () => {
	const rows = mergeChatRows([
		{ id: LID, phone: PHONE, lid: LID, name: null, unreadCount: 3 },
		{ id: '15550001111@s.whatsapp.net', phone: '15550001111', lid: null, name: 'Other', unreadCount: 0 },
		{ id: PN, phone: PHONE, lid: null, name: 'Priya', unreadCount: 0 },
	]);
	expect(rows).toEqual([
		{ id: LID, phone: PHONE, lid: LID, name: 'Priya', unreadCount: 3 },
		{ id: '15550001111@s.whatsapp.net', phone: '15550001111', lid: null, name: 'Other', unreadCount: 0 },
	]);
});

const message = (chatId: string, from: string, extra: Partial<ChatEvent> = {}): ChatEvent => ({
	event: 'message',
	session: 's',
	chatId,
	messageId: 'M1',
	fromMe: false,
	timestamp: 1,
	data: { text: 'hi', from, hasMedia: false },
	raw: null,
	dedupeKey: `message:${chatId}:M1`,
	...extra,
});

test('events: phone/lid after chatId, fromPhone/fromLid after from, completed from the book and from each other in a direct chat', () => {
	const book = new IdentityBook();
	book.learn(LID, PN);
	const event = identifiedEvent(message(LID, LID), book);
	expect(Object.keys(event).slice(0, 5)).toEqual(['event', 'session', 'chatId', 'phone', 'lid']);
	expect(event).toMatchObject({ phone: PHONE, lid: LID, data: { from: LID, fromPhone: PHONE, fromLid: LID } });
	expect(Object.keys(event.data)).toEqual(['text', 'from', 'fromPhone', 'fromLid', 'hasMedia']);
	// Unknown stays null, never a guess.
	expect(identifiedEvent(message(LID, LID))).toMatchObject({ phone: null, lid: LID, data: { fromPhone: null, fromLid: LID } });
	// A backend's own knowledge (alt fields) is kept.
	expect(identifiedEvent(message(LID, LID, { phone: PHONE }))).toMatchObject({ phone: PHONE, data: { fromPhone: PHONE } });
});

test('Only These Chats matches either form; de-dup treats the LID and the phone form of one message as one', () => {
	const byPhone = makeEventFilter({ events: ['message'], onlyChats: `+${PHONE}` });
	const byLid = makeEventFilter({ events: ['message'], onlyChats: LID });
	const lidEvent = identifiedEvent(message(LID, LID, { phone: PHONE }));
	const pnEvent = identifiedEvent(message(`${PHONE}@c.us`, `${PHONE}@c.us`, { dedupeKey: `message:false_${PHONE}@c.us_M1` }));
	expect([byPhone(lidEvent), byPhone(pnEvent), byLid(lidEvent), byLid(pnEvent)]).toEqual([true, true, true, false]);
	expect(byPhone(identifiedEvent(message('111@lid', '111@lid')))).toBe(false);

	const recent = new RecentEvents(60_000);
	expect(recent.keepNew([lidEvent], { nowMs: 1 })).toHaveLength(1);
	expect(recent.keepNew([identifiedEvent(message(PN, PN))], { nowMs: 2 })).toHaveLength(0);
	// And the other way round: the phone form first, then the LID form that knows the phone.
	const other = new RecentEvents(60_000);
	expect(other.keepNew([identifiedEvent(message(PN, PN))], { nowMs: 1 })).toHaveLength(1);
	expect(other.keepNew([lidEvent], { nowMs: 2 })).toHaveLength(0);
});

test('the store keeps learnt pairs across a restart, bounded, and merges the two chats of one person', async () => {
	const file = path.join(tmpdir(), `identity-store-${process.pid}-${Date.now()}.json`);
	try {
		const store = await ChatStore.open(file, { saveDelayMs: 10_000, maxIdentities: 2 });
		store.addMessage({ key: { remoteJid: PN, id: 'OLD', fromMe: false }, timestamp: 100, text: 'old', hasMedia: false, pushName: 'Priya' });
		store.addMessage({ key: { remoteJid: LID, id: 'NEW', fromMe: false }, timestamp: 200, text: 'new', hasMedia: false });
		expect(store.size.chats).toBe(2);
		store.learnIdentity(PN, LID);
		expect(store.listChats({ limit: 10, offset: 0 }).map((chat) => [chat.id, chat.name, chat.messages.map((m) => m.key.id)])).toEqual([[LID, 'Priya', ['OLD', 'NEW']]]);
		expect(store.size).toEqual({ chats: 1, messages: 2 });
		store.learnIdentity('1@lid', '11111111@s.whatsapp.net');
		store.learnIdentity('2@lid', '22222222@s.whatsapp.net');
		await store.close();

		const reopened = await ChatStore.open(file, { maxIdentities: 2 });
		expect(reopened.identities.pairs()).toEqual([
			['1@lid', '11111111'],
			['2@lid', '22222222'],
		]);
		expect(reopened.getChat(LID)?.id).toBe(LID);
	} finally {
		await rm(file, { force: true });
	}
});

test('the decoder: participantAlt and lid-mapping.update become identity pairs', async () => {
	const B = await loadBaileys();
	const changes = decodeBaileysEvents(
		B,
		{
			'messages.upsert': {
				type: 'notify',
				messages: [
					{
						key: { remoteJid: '120363000000000001@g.us', participant: LID, participantAlt: PN, id: 'G1', fromMe: false },
						messageTimestamp: 1_700_000_000,
						message: { conversation: 'hello group' },
					},
				],
			},
			'lid-mapping.update': { lid: '555@lid', pn: '15550005555@s.whatsapp.net' },
		} as never,
		{ me: null, now: 1_700_000_000 },
	);
	expect(changes.filter((change) => change.kind === 'identity')).toEqual([
		{ kind: 'identity', lid: '555@lid', pn: '15550005555@s.whatsapp.net' },
		{ kind: 'identity', lid: LID, pn: PN },
	]);
});
