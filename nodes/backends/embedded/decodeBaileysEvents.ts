/**
 * Baileys event map → ChatChange[]: the one place that reads Baileys' (buffered, merged) events.
 * Runs once per batch per session (in SessionConnection); the store and every active trigger of
 * the session read the same result. Pure apart from the counters below: no store, no trigger,
 * no I/O. Each message's content is normalized once here and never again downstream.
 */
import type { BaileysEventMap, Chat, ChatUpdate, Contact, WAMessage, WAMessageKey } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { AckStatus } from '../ChatEvent';
import { MESSAGE_STUB_TYPE, PIN_IN_CHAT_TYPE } from './baileysConstants';
import { MUTED_ALWAYS, type ChatChange, type ChatFields, type MessageOrigin, type RawCopy } from './ChatChange';
import type { Baileys } from './loadBaileys';
import { hasMediaOfContent, storedKeyOf, storedMessageOf, textOfContent } from './messageContent';

export type DecoderHelpers = Pick<Baileys, 'normalizeMessageContent' | 'isRealMessage' | 'jidNormalizedUser' | 'toNumber'>;

/**
 * Baileys' `WebMessageInfo.Status` numbers a recipient causes: 3 DELIVERY_ACK, 4 READ, 5 PLAYED.
 * 0 ERROR, 1 PENDING and 2 SERVER_ACK are the server's, not a recipient's.
 */
const RECIPIENT_ACKS: Record<string, AckStatus> = { 3: 'delivered', 4: 'read', 5: 'played', DELIVERY_ACK: 'delivered', READ: 'read', PLAYED: 'played' };

/** A recipient's ack in Baileys' status (a number, or its name once copied through JSON), or undefined. */
function recipientAckOf(status: unknown): AckStatus | undefined {
	return typeof status === 'number' || typeof status === 'string' ? RECIPIENT_ACKS[status] : undefined;
}

type UserReceipt = { userJid?: string | null; receiptTimestamp?: unknown; readTimestamp?: unknown; playedTimestamp?: unknown };

export interface DecodeContext {
	/** Own account JID (the sender of our own messages and reactions), when paired. */
	me: string | null;
	/** Unix seconds, for changes Baileys gives no time for. */
	now: number;
	/** The name of a label known before this batch (the store's), for `chat.label`. */
	labelName?: (labelId: string) => string | null;
}

/** How much decoding this process did (for the bench and the tests: once per batch, once per message). */
export const decoderWork = { batches: 0, messageContents: 0 };

export function decodeBaileysEvents(B: DecoderHelpers, events: Partial<BaileysEventMap>, context: DecodeContext): ChatChange[] {
	decoderWork.batches++;
	const out: ChatChange[] = [];
	const jid = (id: string) => B.jidNormalizedUser(id);
	const contentOf = (message: WAMessage['message']) => {
		decoderWork.messageContents++;
		return B.normalizeMessageContent(message);
	};

	/** A group member's receipt (message-receipt.update, or folded into an upsert's userReceipt). */
	const decodeUserReceipt = (key: WAMessageKey, receipt: UserReceipt, raw: RawCopy) => {
		const stored = storedKeyOf(B, key);
		// Status updates (stories) are no chat: their viewers are not reported.
		if (!stored || !stored.fromMe || !receipt.userJid || stored.remoteJid === 'status@broadcast') return;
		const status: AckStatus | undefined = receipt.playedTimestamp ? 'played' : receipt.readTimestamp ? 'read' : receipt.receiptTimestamp ? 'delivered' : undefined;
		if (!status) return;
		const at = receipt.playedTimestamp ?? receipt.readTimestamp ?? receipt.receiptTimestamp;
		// The key's participant is the reader here, not the message's sender: the message is our own.
		const { participant: _reader, ...messageKey } = stored;
		out.push({ kind: 'message.ack', key: messageKey, status, from: jid(receipt.userJid), timestamp: Number(B.toNumber(at as number)) || context.now, raw });
	};

	const decodeMessage = (message: WAMessage, origin: MessageOrigin) => {
		const alt = message.key.remoteJidAlt;
		if (alt && message.key.remoteJid) out.push({ kind: 'chat.alias', alias: jid(alt), chatId: jid(message.key.remoteJid) });
		// A group sender's other id (Baileys 7: `participantAlt`, its phone number when it writes by LID, or the reverse).
		const participantAlt = message.key.participantAlt;
		if (participantAlt && message.key.participant) out.push(identityPair(jid(message.key.participant), jid(participantAlt)));
		const content = contentOf(message.message);
		const stored = storedMessageOf(B, message, content);
		if (stored) {
			const { key } = stored;
			out.push({
				kind: 'message',
				message: stored,
				origin,
				from: key.participant ?? (key.fromMe ? context.me : key.remoteJid),
				raw: origin === 'history' ? null : { key: { ...message.key }, pushName: message.pushName ?? null, type: origin },
			});
			// Baileys folds receipts that arrive while the message is still in its event buffer into the
			// message itself (status in direct chats, userReceipt in groups): they are acks all the same.
			if (origin !== 'history' && key.fromMe) {
				const ack = key.remoteJid.endsWith('@g.us') ? undefined : recipientAckOf(message.status);
				const raw = { key: { ...message.key }, status: message.status ?? null };
				if (ack) out.push({ kind: 'message.ack', key, status: ack, from: key.remoteJid, timestamp: stored.timestamp, raw });
				for (const receipt of message.userReceipt ?? []) decodeUserReceipt(message.key, receipt, { key: { ...message.key }, receipt: { ...receipt } });
			}
			return;
		}
		// Control messages are never chat content; a pin marks the message it names (edits, revokes
		// and reactions arrive from Baileys as messages.update / messages.reaction of their target).
		const pin = content?.pinInChatMessage;
		const chatId = message.key.remoteJid ? jid(message.key.remoteJid) : undefined;
		if (pin?.key?.id && chatId && (pin.type === PIN_IN_CHAT_TYPE.PIN_FOR_ALL || pin.type === PIN_IN_CHAT_TYPE.UNPIN_FOR_ALL)) {
			out.push({ kind: 'message.pinned', chatId, messageId: pin.key.id, pinned: pin.type === PIN_IN_CHAT_TYPE.PIN_FOR_ALL });
		}
	};
	const decodeContacts = (contacts: Array<Partial<Contact>>) => {
		for (const contact of contacts) {
			const name = contact.name ?? contact.verifiedName ?? contact.notify;
			if (contact.id && name) out.push({ kind: 'contact', chatId: jid(contact.id), name });
		}
	};

	const history = events['messaging-history.set'];
	if (history) {
		for (const chat of history.chats) {
			// History describes the whole chat: no mute end there means not muted.
			if (chat.id) out.push({ kind: 'chat', chatId: jid(chat.id), fields: { mutedUntil: null, ...chatFields(B, chat, false) }, origin: 'history', raw: null });
		}
		for (const mapping of history.lidPnMappings ?? []) out.push({ kind: 'chat.alias', alias: jid(mapping.pn), chatId: jid(mapping.lid) });
		for (const message of history.messages) decodeMessage(message, 'history');
		decodeContacts(history.contacts);
	}
	// Baileys 7 learnt that a LID is a phone number's (from the phone's app state, a usync, a message).
	const mapping = (events as { 'lid-mapping.update'?: { lid?: string; pn?: string } })['lid-mapping.update'];
	for (const pair of Array.isArray(mapping) ? mapping : mapping ? [mapping] : []) {
		if (pair?.lid && pair?.pn) out.push(identityPair(jid(pair.lid), jid(pair.pn)));
	}
	for (const chat of events['chats.upsert'] ?? []) if (chat.id) out.push({ kind: 'chat', chatId: jid(chat.id), fields: chatFields(B, chat, false), origin: 'upsert', raw: null });
	for (const update of events['chats.update'] ?? []) {
		if (!update.id) continue;
		const chatId = jid(update.id);
		const fields = chatFields(B, update, true);
		const raw = { ...update, conditional: undefined };
		out.push({ kind: 'chat', chatId, fields, origin: 'update', raw });
		if (fields.mutedUntil !== undefined) {
			const muted = fields.mutedUntil !== null;
			out.push({ kind: 'chat.muted', chatId, muted, muteEndTimestamp: muted && fields.mutedUntil !== MUTED_ALWAYS ? fields.mutedUntil : null, raw });
		}
	}
	for (const id of events['chats.delete'] ?? []) out.push({ kind: 'chat.deleted', chatId: jid(id), raw: { id } });
	decodeContacts(events['contacts.upsert'] ?? []);
	decodeContacts(events['contacts.update'] ?? []);

	const upsert = events['messages.upsert'];
	for (const message of upsert?.messages ?? []) decodeMessage(message, upsert?.type === 'append' ? 'append' : 'notify');

	for (const { key, update } of events['messages.update'] ?? []) {
		const stored = storedKeyOf(B, key);
		if (!stored) continue;
		let raw: RawCopy | undefined;
		const rawOf = () => (raw ??= { key: { ...key }, update: { ...update } });
		const edited = update.message?.editedMessage?.message;
		if (edited) {
			const content = contentOf(edited);
			const timestamp = update.messageTimestamp ? Number(B.toNumber(update.messageTimestamp)) : context.now;
			out.push({ kind: 'message.edited', key: stored, text: textOfContent(content), hasMedia: hasMediaOfContent(content), timestamp, raw: rawOf() });
		}
		if (update.messageStubType === MESSAGE_STUB_TYPE.REVOKE) out.push({ kind: 'message.revoked', key: stored, raw: rawOf() });
		if (typeof update.starred === 'boolean') out.push({ kind: 'message.starred', key: stored, starred: update.starred, raw: rawOf() });
		// Only own messages in direct chats: a status on a received one is this account reading it (on
		// another device); a group's status names no reader (its receipts are message-receipt.update).
		const ack = stored.fromMe && !stored.remoteJid.endsWith('@g.us') ? recipientAckOf(update.status) : undefined;
		if (ack) {
			const timestamp = update.messageTimestamp ? Number(B.toNumber(update.messageTimestamp)) || context.now : context.now;
			out.push({ kind: 'message.ack', key: stored, status: ack, from: stored.remoteJid, timestamp, raw: rawOf() });
		}
	}

	// Group receipts, per reader: a delivery sets receiptTimestamp, a read (and a play: Baileys files it there too) readTimestamp.
	for (const { key, receipt } of events['message-receipt.update'] ?? []) decodeUserReceipt(key, receipt, { key: { ...key }, receipt: { ...receipt } });

	for (const { key, reaction } of events['messages.reaction'] ?? []) {
		const stored = storedKeyOf(B, key);
		if (!stored) continue;
		const reactor = reaction.key;
		out.push({
			kind: 'message.reaction',
			key: stored,
			emoji: reaction.text ?? '',
			reactionMessageId: reactor?.id ?? null,
			fromMe: !!reactor?.fromMe,
			from: reactor?.participant || (reactor?.fromMe ? context.me : stored.remoteJid),
			timestamp: reaction.senderTimestampMs ? Math.floor(Number(B.toNumber(reaction.senderTimestampMs)) / 1000) : context.now,
			raw: { key: { ...key }, reaction: { ...reaction, key: reactor ? { ...reactor } : reactor } },
		});
	}

	// Labels made in this batch name the associations of the same batch.
	const batchLabelNames = new Map<string, string>();
	// Baileys emits these two one at a time (they are not buffered), so a batch holds one of each at most.
	const labelEdit = events['labels.edit'];
	for (const label of labelEdit ? [labelEdit] : []) {
		if (!label.id) continue;
		const name = typeof label.name === 'string' ? label.name : '';
		if (name) batchLabelNames.set(String(label.id), name);
		out.push({
			kind: 'label',
			label: {
				id: String(label.id),
				name,
				color: typeof label.color === 'number' ? label.color : null,
				deleted: !!label.deleted,
				...(label.predefinedId ? { predefinedId: String(label.predefinedId) } : {}),
			},
		});
	}
	const labelAssociation = events['labels.association'];
	for (const { association, type } of labelAssociation ? [labelAssociation] : []) {
		// Message labels (label_message) are not a chat's; only chat labels are kept.
		if (association.type !== 'label_jid' || !association.chatId || !association.labelId) continue;
		const labelId = String(association.labelId);
		out.push({
			kind: 'chat.label',
			chatId: jid(association.chatId),
			labelId,
			labelName: batchLabelNames.get(labelId) ?? context.labelName?.(labelId) ?? null,
			added: type === 'add',
		});
	}

	const deleted = events['messages.delete'];
	if (deleted && 'keys' in deleted) {
		for (const key of deleted.keys) {
			const stored = storedKeyOf(B, key as WAMessageKey);
			if (stored) out.push({ kind: 'message.deleted', key: stored });
		}
	} else if (deleted) {
		out.push({ kind: 'chat.cleared', chatId: jid(deleted.jid) });
	}
	return out;
}

/** A LID / phone-number pair, whichever of the two comes first. */
function identityPair(a: string, b: string): ChatChange {
	return a.endsWith('@lid') ? { kind: 'identity', lid: a, pn: b } : { kind: 'identity', lid: b, pn: a };
}

/** Chat fields as the store keeps them; `update` marks Baileys' incremental chats.update. */
function chatFields(B: DecoderHelpers, chat: Partial<Chat> | ChatUpdate, update: boolean): ChatFields {
	const fields: ChatFields = {};
	if (typeof chat.name === 'string' && chat.name) fields.name = chat.name;
	if (typeof chat.archived === 'boolean') fields.archived = chat.archived;
	if (chat.pinned !== undefined) fields.pinned = chat.pinned !== null && Number(B.toNumber(chat.pinned)) > 0;
	if (typeof chat.unreadCount === 'number') {
		if (update) fields.unreadDelta = chat.unreadCount;
		else fields.unreadCount = Math.max(chat.unreadCount, 0);
	}
	if (chat.muteEndTime !== undefined) fields.mutedUntil = muteEndSeconds(chat.muteEndTime === null ? 0 : Number(B.toNumber(chat.muteEndTime)));
	return fields;
}

/** Past this (the year 9999, in seconds) a mute end means "always" (WhatsApp's -1 read as unsigned). */
const LAST_SECOND = 253_402_300_799;

/**
 * A mute end as the store keeps it: Unix seconds, MUTED_ALWAYS, or null (not muted). App-state
 * mutes (chats.update) say milliseconds, -1 for always; history says seconds: told apart by size.
 */
export function muteEndSeconds(end: number): number | null {
	if (!Number.isFinite(end) || end === 0) return end === 0 ? null : MUTED_ALWAYS;
	if (end < 0) return MUTED_ALWAYS;
	const seconds = end > 1e11 ? Math.floor(end / 1000) : end;
	return seconds > LAST_SECOND ? MUTED_ALWAYS : seconds;
}
