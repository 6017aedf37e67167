/**
 * Evolution webhook deliveries `{ event: "messages.upsert", instance, data, date_time, sender,
 * apikey }` mapped to ChatEvents. `sender` is the instance's own JID. `apikey` (the instance key,
 * sent when Evolution exposes it) is dropped from `raw`. `date_time` is the same on every retry of a
 * delivery, so it tells repeats apart for changes that carry no id of their own.
 */
import type { AckStatus, ChatEvent } from '../ChatEvent';
import { identityOf } from '../identity';
import { canonicalJid } from '../ids';
import { messageText } from '../messageContent';
import { unixSeconds } from '../wireValues';
import { hasMedia } from './mapping';

export interface EvolutionEnvelope {
	event?: unknown;
	instance?: unknown;
	data?: unknown;
	date_time?: unknown;
	sender?: unknown;
	[field: string]: unknown;
}

type Data = Record<string, any>;
type Base = Pick<ChatEvent, 'session' | 'timestamp' | 'raw'>;

/** `messages.upsert` and `MESSAGES_UPSERT` are the same event (the latter is how webhooks are configured). */
export function evolutionEventName(event: unknown): string {
	return String(event ?? '').replace(/[.-]/g, '_').toUpperCase();
}

export function toChatEvents(envelope: EvolutionEnvelope, receivedAtMs: number): ChatEvent[] {
	const { apikey: _apikey, ...raw } = envelope;
	const context: Context = {
		base: { session: String(envelope.instance ?? ''), timestamp: Math.floor(receivedAtMs / 1000), raw },
		me: canonicalJid(typeof envelope.sender === 'string' ? envelope.sender : null),
		sent: String(envelope.date_time ?? receivedAtMs),
	};
	const items = Array.isArray(envelope.data) ? envelope.data : [envelope.data];
	const mapper = MAPPERS[evolutionEventName(envelope.event)];
	return mapper
		? items.flatMap((item) => (item === null || item === undefined ? [] : mapper(item, context).map((event) => withKeyIdentities(event, item))))
		: [];
}

/**
 * The other ids a record's key names (Baileys 7 through Evolution): `remoteJidAlt` is the chat's
 * other id — the LID in 2.3.7, where `remoteJid` is the phone JID; the phone JID in 2.4, where
 * `remoteJid` is the LID; told apart by their server part, not by the version — and, in groups,
 * `participantAlt` the sender's.
 */
function withKeyIdentities(event: ChatEvent, item: Data): ChatEvent {
	const key: Data = (item?.key && typeof item.key === 'object' ? item.key : item) ?? {};
	const sameChat = typeof key.remoteJid === 'string' && canonicalJid(key.remoteJid) === canonicalJid(event.chatId);
	const chat = identityOf(event.chatId, sameChat ? key.remoteJidAlt : undefined);
	const out: ChatEvent = { ...event, phone: chat.phone, lid: chat.lid };
	if ('from' in event.data) {
		const isGroup = String(event.chatId ?? '').endsWith('@g.us');
		const alt = isGroup ? key.participantAlt : event.fromMe ? undefined : key.remoteJidAlt;
		const from = identityOf(event.data.from, sameChat || isGroup ? alt : undefined);
		out.data = { ...event.data, fromPhone: from.phone, fromLid: from.lid };
	}
	return out;
}

interface Context {
	base: Base;
	/** Own JID, from the envelope's `sender`. */
	me: string | null;
	/** The delivery's `date_time`: identical on retries. */
	sent: string;
}

const MAPPERS: Record<string, (item: any, context: Context) => ChatEvent[]> = {
	MESSAGES_UPSERT: upserted,
	MESSAGES_EDITED: edited,
	MESSAGES_DELETE: deleted,
	MESSAGES_UPDATE: updated,
	CHATS_UPDATE: chatUpdated,
	CHATS_DELETE: chatDeleted,
	CONNECTION_UPDATE: connectionUpdated,
	LABELS_ASSOCIATION: labelAssociated,
};

/** A stored message record `{ key, pushName, messageType, message, messageTimestamp }`; reactions arrive here too. */
function upserted(record: Data, { base, me }: Context): ChatEvent[] {
	const key: Data = record.key ?? {};
	if (typeof key.id !== 'string' || typeof key.remoteJid !== 'string') return [];
	const fromMe = key.fromMe === true;
	const from = key.participant || (fromMe ? me : key.remoteJid) || null;
	const timestamp = unixSeconds(record.messageTimestamp) ?? base.timestamp;
	const reaction: Data | undefined = record.message?.reactionMessage;
	if (reaction) {
		const emoji = String(reaction.text ?? '');
		return [
			{
				...base,
				timestamp,
				event: 'message.reaction',
				chatId: key.remoteJid,
				messageId: reaction.key?.id,
				fromMe,
				data: { emoji, removed: emoji === '', reactionMessageId: key.id, from },
				dedupeKey: `reaction:${key.id}`,
			},
		];
	}
	// Protocol messages (edits, revokes, key shares) are reported by their own events.
	if (record.message?.protocolMessage || record.messageType === 'protocolMessage') return [];
	return [
		{
			...base,
			timestamp,
			event: 'message',
			chatId: key.remoteJid,
			messageId: key.id,
			fromMe,
			data: { text: messageText(record.message), from, hasMedia: hasMedia(record) },
			dedupeKey: `message:${key.id}`,
		},
	];
}

/**
 * The protocol message of an edit `{ key, type: "MESSAGE_EDIT", editedMessage, timestampMs }`.
 * Evolution sends every protocol message here (revokes, key shares, history notices): only edits
 * count; revokes come, with the chat seen from our side, as MESSAGES_DELETE. The key is the
 * editor's: when another person edits in a direct chat its remoteJid is our own JID, and the
 * payload does not say which chat it was, so chatId is null then.
 */
function edited(protocol: Data, { base, me }: Context): ChatEvent[] {
	const isEdit = protocol.type === 'MESSAGE_EDIT' || protocol.type === 14;
	const key: Data = protocol.key ?? {};
	if (!isEdit || typeof key.id !== 'string') return [];
	const chat = typeof key.remoteJid === 'string' ? key.remoteJid : null;
	const chatId = chat && me && canonicalJid(chat) === me ? null : chat;
	const text = messageText(protocol.editedMessage);
	const editedAt = unixSeconds(protocol.timestampMs);
	return [
		{
			...base,
			timestamp: editedAt ?? base.timestamp,
			event: 'message.edited',
			chatId,
			messageId: key.id,
			data: { text },
			dedupeKey: `edited:${key.id}:${protocol.timestampMs ?? text}`,
		},
	];
}

/** A revoke: Baileys' key `{ remoteJid, fromMe, id }`, or the stored record `{ key, status: "DELETED" }` after an API delete. */
function deleted(item: Data, { base }: Context): ChatEvent[] {
	const key: Data = item.key && typeof item.key === 'object' ? item.key : item;
	if (typeof key.id !== 'string') return [];
	return [revoked(base, key.remoteJid, key.id, key.fromMe)];
}

/** Evolution's (Baileys') statuses of an own message that a recipient caused; SERVER_ACK and PENDING are the server's. */
const EVOLUTION_ACKS: Record<string, AckStatus> = { DELIVERY_ACK: 'delivered', READ: 'read', PLAYED: 'played' };

/** Delivery and read receipts `{ keyId, remoteJid, fromMe, participant?, status }`, and deletions. */
function updated(update: Data, { base, sent }: Context): ChatEvent[] {
	if (typeof update.keyId !== 'string' || typeof update.remoteJid !== 'string') return [];
	if (update.status === 'DELETED') return [revoked(base, update.remoteJid, update.keyId, update.fromMe)];
	const ack = EVOLUTION_ACKS[String(update.status)];
	if (ack && update.fromMe === true) {
		const from = update.participant || update.remoteJid;
		return [
			{
				...base,
				event: 'message.ack',
				chatId: update.remoteJid,
				messageId: update.keyId,
				fromMe: true,
				data: { status: ack, from },
				dedupeKey: `ack:${update.keyId}:${ack}:${from}`,
			},
		];
	}
	// A received message turning READ means this account read the chat (on any of its devices).
	if (update.status === 'READ' && update.fromMe === false) {
		return [
			{
				...base,
				event: 'chat.read',
				chatId: update.remoteJid,
				data: {},
				// One event per chat and delivery second, not one per message read.
				dedupeKey: `read:${update.remoteJid}:${sent.slice(0, 19)}`,
			},
		];
	}
	return [];
}

/**
 * Evolution v2 (up to 2.3.6 at least) sends only `{ remoteJid, instanceId }` here, without what
 * changed; flags are mapped when a version sends them (Baileys' `archived`, `pinned`, `unreadCount`).
 */
function chatUpdated(chat: Data, { base, sent }: Context): ChatEvent[] {
	const chatId = typeof chat.remoteJid === 'string' ? chat.remoteJid : typeof chat.id === 'string' ? chat.id : null;
	if (!chatId) return [];
	const events: ChatEvent[] = [];
	const archived = chat.archived ?? chat.archive;
	if (typeof archived === 'boolean') {
		events.push({ ...base, event: 'chat.archive', chatId, data: { archived }, dedupeKey: `archive:${chatId}:${archived}:${sent}` });
	}
	if ('pinned' in chat || 'pin' in chat) {
		const pinned = Boolean(chat.pinned ?? chat.pin);
		events.push({ ...base, event: 'chat.pin', chatId, data: { pinned }, dedupeKey: `pin:${chatId}:${pinned}:${sent}` });
	}
	const unread = chat.unreadCount ?? chat.unreadMessages;
	if (typeof unread === 'number') {
		const event = unread === 0 ? 'chat.read' : 'chat.unread';
		events.push({ ...base, event, chatId, data: {}, dedupeKey: `${event === 'chat.read' ? 'read' : 'unread'}:${chatId}:${sent}` });
	}
	return events;
}

/** A list of JIDs. */
function chatDeleted(chat: unknown, { base, sent }: Context): ChatEvent[] {
	const chatId = typeof chat === 'string' ? chat : typeof (chat as Data)?.remoteJid === 'string' ? (chat as Data).remoteJid : null;
	return chatId ? [{ ...base, event: 'chat.delete', chatId, data: {}, dedupeKey: `delete:${chatId}:${sent}` }] : [];
}

/** `{ instance, state: "open" | "connecting" | "close" | "refused", statusReason }`. */
function connectionUpdated(update: Data, { base, sent }: Context): ChatEvent[] {
	if (typeof update.state !== 'string') return [];
	return [
		{
			...base,
			event: 'session.status',
			chatId: null,
			data: { status: update.state },
			dedupeKey: `status:${update.state}:${sent}`,
		},
	];
}

/**
 * Baileys' `labels.association` as Evolution forwards it: `{ instance, type: "add" | "remove",
 * chatId, labelId }` (older releases nest `{ association: { chatId, labelId }, type }`). It names
 * no label, so `labelName` is null unless a release sends one.
 */
function labelAssociated(item: Data, { base, sent }: Context): ChatEvent[] {
	const association: Data = item.association && typeof item.association === 'object' ? { ...item.association, type: item.type } : item;
	const chatId = typeof association.chatId === 'string' ? association.chatId : null;
	const labelId = association.labelId;
	if (!chatId || (typeof labelId !== 'string' && typeof labelId !== 'number')) return [];
	const added = association.type !== 'remove';
	const labelName = typeof association.labelName === 'string' ? association.labelName : null;
	return [
		{
			...base,
			event: 'chat.label',
			chatId,
			data: { labelId: String(labelId), labelName, added },
			dedupeKey: `label:${chatId}:${labelId}:${added}:${sent}`,
		},
	];
}

function revoked(base: Base, chatId: unknown, messageId: string, fromMe: unknown): ChatEvent {
	return {
		...base,
		event: 'message.revoked',
		chatId: typeof chatId === 'string' ? chatId : null,
		messageId,
		...(typeof fromMe === 'boolean' ? { fromMe } : {}),
		data: {},
		dedupeKey: `revoked:${messageId}`,
	};
}
