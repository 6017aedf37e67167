/**
 * WAHA's chats and messages in the shapes every backend outputs: its chats `{ id, name, archived,
 * pinned, unreadCount, timestamp | lastMessage | conversationTimestamp }` (by engine) and messages
 * `{ id, fromMe, from, participant, timestamp, body, hasMedia }`.
 */
import { mediaFactsOfContent, NO_MEDIA } from '../mediaFile';
import { unixSeconds } from '../wireValues';
import type { ChatDetails, ChatSummary, MediaFacts, MessageSummary } from '../WhatsAppBackend';
import { wahaIdOf } from './WahaDialect';

export function toChatSummary(raw: Record<string, unknown>): ChatSummary {
	const id = wahaIdOf(raw.id);
	const lastMessage = raw.lastMessage as { timestamp?: unknown; messageTimestamp?: unknown } | undefined;
	return {
		id,
		name: typeof raw.name === 'string' ? raw.name : null,
		isGroup: id.endsWith('@g.us'),
		archived: typeof raw.archived === 'boolean' ? raw.archived : null,
		pinned: typeof raw.pinned === 'boolean' ? raw.pinned : null,
		unreadCount: typeof raw.unreadCount === 'number' ? raw.unreadCount : null,
		// WEBJS gives `timestamp`, others the last message's; NOWEB chats carry `conversationTimestamp`.
		lastMessageTimestamp:
			unixSeconds(raw.timestamp) ??
			unixSeconds(lastMessage?.timestamp) ??
			unixSeconds(raw.conversationTimestamp) ??
			unixSeconds(lastMessage?.messageTimestamp),
		raw,
	};
}

export function toMessageSummary(raw: Record<string, unknown>, chatId: string): MessageSummary {
	return {
		id: wahaIdOf(raw.id),
		chatId,
		fromMe: typeof raw.fromMe === 'boolean' ? raw.fromMe : null,
		from: typeof raw.participant === 'string' && raw.participant ? raw.participant : typeof raw.from === 'string' ? raw.from : null,
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

/** WEBJS chats say `isMuted` / `muteExpiration` (-1 always), NOWEB ones `muteEndTime`; others nothing. */
function mutedOf(chat: Record<string, unknown>): boolean | null {
	if (typeof chat.isMuted === 'boolean') return chat.isMuted;
	const until = chat.muteExpiration ?? chat.muteEndTime;
	if (until === null || until === undefined) return null;
	const number = Number(until);
	if (!Number.isFinite(number)) return null;
	if (number === 0) return false;
	if (number < 0) return true;
	return (unixSeconds(number) ?? 0) > Date.now() / 1000;
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
