/**
 * Evolution's stored records in the shapes every backend outputs. Records come from its database
 * (Prisma rows): `findChats` rows `{ remoteJid, pushName, unreadCount, lastMessage }` and
 * `findMessages` records `{ key, pushName, messageType, message, messageTimestamp }`.
 */
import type { ChatSummary, MessageSummary } from '../WhatsAppBackend';

export interface EvolutionKey {
	remoteJid: string;
	fromMe: boolean;
	id: string;
	participant?: string;
}

export type EvolutionRecord = Record<string, unknown> & { key?: Partial<EvolutionKey> & { remoteJidAlt?: string } };

const MEDIA_TYPES = new Set([
	'imageMessage',
	'videoMessage',
	'audioMessage',
	'documentMessage',
	'documentWithCaptionMessage',
	'stickerMessage',
	'ptvMessage',
]);

/** Text of a WhatsApp message body: plain, extended, or a media caption. */
export function textOf(message: unknown): string | null {
	if (!message || typeof message !== 'object') return null;
	const body = message as Record<string, any>;
	if (typeof body.conversation === 'string') return body.conversation;
	if (typeof body.extendedTextMessage?.text === 'string') return body.extendedTextMessage.text;
	for (const type of ['imageMessage', 'videoMessage', 'documentMessage']) {
		if (typeof body[type]?.caption === 'string') return body[type].caption;
	}
	const inner = body.ephemeralMessage?.message ?? body.viewOnceMessage?.message ?? body.documentWithCaptionMessage?.message;
	return inner ? textOf(inner) : null;
}

export function hasMedia(record: EvolutionRecord): boolean {
	const message = (record.message ?? {}) as Record<string, unknown>;
	return MEDIA_TYPES.has(String(record.messageType)) || Object.keys(message).some((type) => MEDIA_TYPES.has(type));
}

/** Unix seconds from seconds, milliseconds, numeric strings or ISO dates. */
export function toSeconds(value: unknown): number | null {
	if (typeof value === 'string' && value.trim() !== '' && !/^\d+(\.\d+)?$/.test(value.trim())) {
		const ms = Date.parse(value);
		return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
	}
	const number = Number(value);
	if (value === null || value === undefined || !Number.isFinite(number) || number <= 0) return null;
	return number > 1e11 ? Math.floor(number / 1000) : Math.floor(number);
}

export function toChatSummary(raw: Record<string, unknown>): ChatSummary {
	const id = String(raw.remoteJid ?? '');
	const lastMessage = raw.lastMessage as EvolutionRecord | undefined;
	return {
		id,
		name: typeof raw.pushName === 'string' && raw.pushName ? raw.pushName : typeof raw.name === 'string' ? raw.name : null,
		isGroup: id.endsWith('@g.us'),
		// Evolution's chat rows hold neither the archived nor the pinned flag.
		archived: typeof raw.archived === 'boolean' ? raw.archived : null,
		pinned: typeof raw.pinned === 'boolean' ? raw.pinned : null,
		unreadCount: typeof raw.unreadCount === 'number' ? raw.unreadCount : null,
		lastMessageTimestamp: toSeconds(lastMessage?.messageTimestamp) ?? toSeconds(raw.updatedAt),
		raw,
	};
}

export function toMessageSummary(raw: EvolutionRecord, chatId: string): MessageSummary {
	const key = raw.key ?? {};
	const participant = typeof key.participant === 'string' && key.participant ? key.participant : typeof raw.participant === 'string' && raw.participant ? raw.participant : null;
	return {
		id: String(key.id ?? ''),
		chatId,
		fromMe: typeof key.fromMe === 'boolean' ? key.fromMe : null,
		from: participant ?? (typeof key.remoteJid === 'string' ? key.remoteJid : null),
		timestamp: toSeconds(raw.messageTimestamp),
		text: textOf(raw.message),
		hasMedia: hasMedia(raw),
		raw,
	};
}
