/**
 * Evolution's stored records in the shapes every backend outputs. Records come from its database
 * (Prisma rows): `findChats` rows `{ remoteJid, pushName, unreadCount, lastMessage }` and
 * `findMessages` records `{ key, pushName, messageType, message, messageTimestamp }`.
 */
import { chatLabelIdsOf, labelSummary } from '../labels';
import { mediaFactsOfContent } from '../mediaFile';
import { MEDIA_MESSAGE_TYPES, messageHasMedia, messageText } from '../messageContent';
import { identityOf, mergeIdentities, sameIdentity } from '../identity';
import { unixSeconds } from '../wireValues';
import type { ChatDetails, ChatSummary, LabelSummary, MediaFacts, MessageSummary } from '../WhatsAppBackend';

export interface EvolutionKey {
	remoteJid: string;
	fromMe: boolean;
	id: string;
	participant?: string;
}

export type EvolutionRecord = Record<string, unknown> & { key?: Partial<EvolutionKey> & { remoteJidAlt?: string; participantAlt?: string } };

/** Media by Evolution's `messageType` (e.g. `documentWithCaptionMessage`) or by the message body. */
export function hasMedia(record: EvolutionRecord): boolean {
	const type = String(record.messageType);
	return MEDIA_MESSAGE_TYPES.includes(type) || type === 'documentWithCaptionMessage' || messageHasMedia(record.message);
}

export function toChatSummary(raw: Record<string, unknown>): ChatSummary {
	const id = String(raw.remoteJid ?? '');
	const lastMessage = raw.lastMessage as EvolutionRecord | undefined;
	// The row's other id (`remoteJidAlt`, on the row or its last message's key): a LID or a phone JID by its server part.
	const lastKey = lastMessage?.key;
	const alt = raw.remoteJidAlt ?? (lastKey && canonical(lastKey.remoteJid) === canonical(id) ? lastKey.remoteJidAlt : undefined);
	return {
		id,
		...identityOf(id, alt),
		name: typeof raw.pushName === 'string' && raw.pushName ? raw.pushName : typeof raw.name === 'string' ? raw.name : null,
		isGroup: id.endsWith('@g.us'),
		// Evolution's chat rows hold neither the archived nor the pinned flag.
		archived: typeof raw.archived === 'boolean' ? raw.archived : null,
		pinned: typeof raw.pinned === 'boolean' ? raw.pinned : null,
		// Nor whether the chat is muted.
		muted: typeof raw.muted === 'boolean' ? raw.muted : null,
		unreadCount: typeof raw.unreadCount === 'number' ? raw.unreadCount : null,
		lastMessageTimestamp: unixSeconds(lastMessage?.messageTimestamp) ?? unixSeconds(raw.updatedAt),
		// Evolution keeps the label ids WhatsApp associated with the chat (LABELS_ASSOCIATION) on its row.
		labels: chatLabelIdsOf(raw.labels),
		raw,
	};
}

/** Evolution's `findLabels` rows `{ id, name, color, predefinedId }` (`id` is WhatsApp's label id; stored rows call it `labelId`). */
export function toLabelSummary(raw: Record<string, unknown>): LabelSummary {
	return labelSummary(raw.labelId ?? raw.id, raw.name, raw.color, undefined, raw);
}

export function toMessageSummary(raw: EvolutionRecord, chatId: string): MessageSummary {
	const key = raw.key ?? {};
	const participant = typeof key.participant === 'string' && key.participant ? key.participant : typeof raw.participant === 'string' && raw.participant ? raw.participant : null;
	// Evolution 2.3.7 keys records by phone JID with the LID in `remoteJidAlt`, 2.4 the reverse: both are the chat.
	const chat = identityOf(key.remoteJid, key.remoteJidAlt);
	const own = identityOf(chatId);
	const chatIdentity = sameIdentity(chat, own) || canonical(key.remoteJid) === canonical(chatId) ? mergeIdentities(own, chat) : own;
	const from = participant ?? (typeof key.remoteJid === 'string' ? key.remoteJid : null);
	// `from` is the participant in groups, else the chat's key (as Evolution gives it): its ids are those.
	const sender = participant ? identityOf(participant, key.participantAlt) : chatIdentity;
	return {
		id: String(key.id ?? ''),
		chatId,
		phone: chatIdentity.phone,
		lid: chatIdentity.lid,
		fromMe: typeof key.fromMe === 'boolean' ? key.fromMe : null,
		from,
		fromPhone: from ? sender.phone : null,
		fromLid: from ? sender.lid : null,
		timestamp: unixSeconds(raw.messageTimestamp),
		text: messageText(raw.message),
		hasMedia: hasMedia(raw),
		raw,
	};
}

/** A `findChats` row as Chat: Get outputs it: Evolution keeps the contact's `profilePicUrl` on the row; no mute flag. */
export function toChatDetails(raw: Record<string, unknown>, chatId: string): ChatDetails {
	const summary = toChatSummary(raw);
	const last = raw.lastMessage && typeof raw.lastMessage === 'object' ? (raw.lastMessage as EvolutionRecord) : undefined;
	return {
		...summary,
		id: chatId,
		muted: null,
		pictureUrl: typeof raw.profilePicUrl === 'string' && raw.profilePicUrl ? raw.profilePicUrl : null,
		lastMessage: last?.key ? toMessageSummary(last, chatId) : null,
	};
}

/** Media facts of a stored record, from its message body. */
export function toMediaFacts(raw: EvolutionRecord): MediaFacts {
	return mediaFactsOfContent(raw.message);
}

function canonical(jid: unknown): string | null {
	return typeof jid === 'string' ? jid.replace(/@c\.us$/, '@s.whatsapp.net') : null;
}
