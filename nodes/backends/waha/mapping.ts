/**
 * WAHA's chats and messages in the shapes every backend outputs: its chats `{ id, name, archived,
 * pinned, unreadCount, timestamp | lastMessage | conversationTimestamp }` (by engine) and messages
 * `{ id, fromMe, from, participant, timestamp, body, hasMedia }`.
 */
import { unixSeconds } from '../wireValues';
import type { ChatSummary, MessageSummary } from '../WhatsAppBackend';
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
		muted: mutedOf(raw),
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
