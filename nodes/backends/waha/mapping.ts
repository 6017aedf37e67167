/**
 * WAHA's chats and messages in the shapes every backend outputs: its chats `{ id, name, archived,
 * pinned, unreadCount, timestamp | lastMessage | conversationTimestamp }` (by engine) and messages
 * `{ id, fromMe, from, participant, timestamp, body, hasMedia }`.
 */
import { identityOf, mergeIdentities, sameIdentity, type Identity } from '../identity';
import { unixSeconds } from '../wireValues';
import type { ChatSummary, MessageSummary } from '../WhatsAppBackend';
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
