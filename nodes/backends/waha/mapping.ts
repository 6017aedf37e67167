/**
 * WAHA's chats and messages in the shapes every backend outputs: its chats `{ id, name, archived,
 * pinned, unreadCount, timestamp | lastMessage | conversationTimestamp }` (by engine) and messages
 * `{ id, fromMe, from, participant, timestamp, body, hasMedia }`.
 */
import { chatLabelIdsOf, labelSummary } from '../labels';
import { mediaFactsOfContent, NO_MEDIA } from '../mediaFile';
import { identityOf, mergeIdentities, sameIdentity, type Identity } from '../identity';
import { unixSeconds } from '../wireValues';
import type { ChatDetails, ChatSummary, LabelSummary, MediaFacts, MessageSummary } from '../WhatsAppBackend';
import { wahaIdOf } from './WahaDialect';

export function toChatSummary(raw: Record<string, unknown>): ChatSummary {
	const id = wahaIdOf(raw.id);
	const lastMessage = raw.lastMessage as { timestamp?: unknown; messageTimestamp?: unknown } | undefined;
	return {
		id,
		...identityOf(id, ...altJidsOf(raw.lastMessage as Record<string, unknown> | undefined, 'remoteJidAlt')),
		name: typeof raw.name === 'string' ? raw.name : null,
		isGroup: id.endsWith('@g.us'),
		archived: typeof raw.archived === 'boolean' ? raw.archived : null,
		pinned: typeof raw.pinned === 'boolean' ? raw.pinned : null,
		muted: mutedOf(raw),
		unreadCount: typeof raw.unreadCount === 'number' ? raw.unreadCount : null,
		// WEBJS gives `timestamp`, others the last message's; NOWEB chats carry `conversationTimestamp`.
		lastMessageTimestamp:
			unixSeconds(raw.timestamp) ??
			unixSeconds(lastMessage?.timestamp) ??
			unixSeconds(raw.conversationTimestamp) ??
			unixSeconds(lastMessage?.messageTimestamp),
		labels: chatLabelIdsOf(raw.labels),
		raw,
	};
}

/**
 * WEBJS chats say `isMuted` (and `muteExpiration`, Unix seconds, -1 for always); NOWEB chats carry
 * Baileys' `muteEndTime`; other engines say nothing (null).
 */
function mutedOf(raw: Record<string, unknown>): boolean | null {
	if (typeof raw.isMuted === 'boolean') return raw.isMuted;
	const end = raw.muteExpiration ?? raw.muteEndTime;
	if (end === null) return false;
	if (typeof end !== 'number') return null;
	// Seconds or milliseconds, by size; -1 (or any negative) is "always".
	return end < 0 || (end > 1e11 ? end / 1000 : end) > Date.now() / 1000;
}

/** WAHA's labels `{ id, name, color (0–19), colorHex }`. */
export function toLabelSummary(raw: Record<string, unknown>): LabelSummary {
	return labelSummary(raw.id, raw.name, raw.color, raw.colorHex, raw);
}

/**
 * The other id WAHA's NOWEB and GOWS engines pass on from Baileys in `_data.key` (`remoteJidAlt`
 * for the chat, `participantAlt` for a group's sender), as JIDs; empty when absent.
 */
export function altJidsOf(raw: Record<string, unknown> | undefined, field: 'remoteJidAlt' | 'participantAlt'): string[] {
	const data = raw?._data as { key?: Record<string, unknown>; [field: string]: unknown } | undefined;
	return [data?.key?.[field], data?.[field], raw?.[field]].filter((value): value is string => typeof value === 'string' && value.includes('@'));
}

export function toMessageSummary(raw: Record<string, unknown>, chatId: string, chatIdentity?: Identity): MessageSummary {
	const from = typeof raw.participant === 'string' && raw.participant ? raw.participant : typeof raw.from === 'string' ? raw.from : null;
	const chat = mergeIdentities(identityOf(chatId, ...altJidsOf(raw, 'remoteJidAlt')), chatIdentity);
	const isGroup = chatId.endsWith('@g.us');
	// In a 1:1 chat the chat's other id is the sender's only when the message is theirs.
	let sender = identityOf(from, ...(isGroup ? altJidsOf(raw, 'participantAlt') : raw.fromMe === true ? [] : altJidsOf(raw, 'remoteJidAlt')));
	if (!isGroup && from && sameIdentity(sender, chat)) sender = mergeIdentities(sender, chat);
	return {
		id: wahaIdOf(raw.id),
		chatId,
		phone: chat.phone,
		lid: chat.lid,
		fromMe: typeof raw.fromMe === 'boolean' ? raw.fromMe : null,
		from,
		fromPhone: sender.phone,
		fromLid: sender.lid,
		timestamp: unixSeconds(raw.timestamp),
		text: typeof raw.body === 'string' ? raw.body : null,
		hasMedia: typeof raw.hasMedia === 'boolean' ? raw.hasMedia : null,
		raw,
	};
}

/**
 * One row of `GET /api/{session}/chats/overview` (`{ id, name, picture, lastMessage, _chat }`, the
 * same on every engine) as Chat: Get outputs it; `_chat` is the engine's own chat, read for the
 * flags it carries (unread count, archived, pinned, mute).
 */
export function toChatDetails(row: Record<string, unknown>, chatId: string): ChatDetails {
	const engineChat = (row._chat && typeof row._chat === 'object' ? row._chat : {}) as Record<string, unknown>;
	const summary = toChatSummary({ ...engineChat, ...row, id: row.id ?? engineChat.id });
	const lastMessage = row.lastMessage && typeof row.lastMessage === 'object' ? toMessageSummary(row.lastMessage as Record<string, unknown>, chatId) : null;
	return {
		...summary,
		id: chatId,
		archived: typeof engineChat.archived === 'boolean' ? engineChat.archived : summary.archived,
		pinned: typeof engineChat.pinned === 'boolean' ? engineChat.pinned : summary.pinned,
		unreadCount: typeof engineChat.unreadCount === 'number' ? engineChat.unreadCount : summary.unreadCount,
		muted: mutedOf(engineChat),
		pictureUrl: typeof row.picture === 'string' && row.picture ? row.picture : null,
		lastMessage,
		lastMessageTimestamp: lastMessage?.timestamp ?? summary.lastMessageTimestamp,
		raw: row,
	};
}

/** WAHA's `media` (`{ url, mimetype, filename, error }`, with downloadMedia) as it gave it, if any. */
export function wahaMediaOf(raw: unknown): { url?: unknown; mimetype?: unknown; filename?: unknown; error?: unknown } | undefined {
	const media = (raw as { media?: unknown } | null)?.media;
	return media && typeof media === 'object' ? (media as Record<string, unknown>) : undefined;
}

/**
 * Media facts of a WAHA message: WAHA's `media` object, and the engine's own message body in
 * `_data` (NOWEB and GOWS keep the WhatsApp message there) for the type and size.
 */
export function toMediaFacts(raw: Record<string, unknown>): MediaFacts {
	if (raw.hasMedia !== true && !wahaMediaOf(raw)) return NO_MEDIA;
	const engine = mediaFactsOfContent((raw._data as { message?: unknown } | undefined)?.message);
	const media = wahaMediaOf(raw) ?? {};
	const mimeType = typeof media.mimetype === 'string' && media.mimetype ? media.mimetype : engine.mimeType;
	return {
		mediaType: engine.mediaType ?? (mimeType ? mediaTypeOfMime(mimeType) : null),
		mimeType,
		fileName: typeof media.filename === 'string' && media.filename ? media.filename : engine.fileName,
		fileSize: engine.fileSize,
	};
}

function mediaTypeOfMime(mimeType: string): string {
	const kind = mimeType.split('/')[0];
	return ['image', 'video', 'audio'].includes(kind) ? kind : 'document';
}
