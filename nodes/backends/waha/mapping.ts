/**
 * WAHA's chats and messages in the shapes every backend outputs: its chats `{ id, name, archived,
 * pinned, unreadCount, timestamp | lastMessage | conversationTimestamp }` (by engine) and messages
 * `{ id, fromMe, from, participant, timestamp, body, hasMedia }`.
 */
import { chatLabelIdsOf, labelSummary } from '../labels';
import { unixSeconds } from '../wireValues';
import type { ChatSummary, LabelSummary, MessageSummary } from '../WhatsAppBackend';
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
		labels: chatLabelIdsOf(raw.labels),
		raw,
	};
}

/** WAHA's labels `{ id, name, color (0–19), colorHex }`. */
export function toLabelSummary(raw: Record<string, unknown>): LabelSummary {
	return labelSummary(raw.id, raw.name, raw.color, raw.colorHex, raw);
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
