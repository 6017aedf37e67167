/**
 * WAHA's chats and messages in the shapes every backend outputs: its chats `{ id, name, archived,
 * pinned, unreadCount, timestamp | lastMessage | conversationTimestamp }` (by engine) and messages
 * `{ id, fromMe, from, participant, timestamp, body, hasMedia }`.
 */
import { unixSeconds } from '../wireValues';
import type { ChatDetails, ChatSummary, MessageSummary } from '../WhatsAppBackend';
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
