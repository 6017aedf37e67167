/**
 * Sessions API webhook bodies (one JSON event or an array of them) mapped to ChatEvents: the
 * trigger's own event names or Baileys-style aliases, bodies naming another session dropped.
 */
import { createHash } from 'node:crypto';
import { TRIGGER_EVENTS, type ChatEvent, type TriggerEvent } from '../ChatEvent';
import { nowInSeconds, unixSeconds } from '../wireValues';

/** Event names as such gateways commonly spell them, mapped to the trigger's names. */
const EVENT_ALIASES: Record<string, TriggerEvent> = {
	'messages.upsert': 'message',
	'message.any': 'message',
	'message.received': 'message',
	'message.edit': 'message.edited',
	'message.update': 'message.edited',
	'message.delete': 'message.revoked',
	'message.deleted': 'message.revoked',
	'message.react': 'message.reaction',
	'chat.archived': 'chat.archive',
	'chat.deleted': 'chat.delete',
	'connection.update': 'session.status',
};

type Body = Record<string, any>;

/** The events of one delivery's body, for the session `ourSession` only. */
export function toChatEvents(delivered: unknown, ourSession: string): ChatEvent[] {
	const bodies: Body[] = Array.isArray(delivered) ? delivered : [delivered as Body];
	return bodies.flatMap((body) => {
		const event = toTriggerEvent(body?.event ?? body?.type);
		if (!event) return [];
		// One URL may be entered for several sessions: only this session's events count.
		const sessionId = body.sessionId ?? body.session;
		if (sessionId !== undefined && sessionId !== null && String(sessionId).toLowerCase() !== ourSession.toLowerCase()) return [];
		const data: Body = body.data ?? body.payload ?? {};
		const chatId = body.chatId ?? body.jid ?? data.chatId ?? data.remoteJid ?? data.key?.remoteJid ?? null;
		const messageId = body.messageId ?? data.messageId ?? data.id ?? data.key?.id;
		return [
			{
				event,
				session: ourSession,
				chatId: chatId === null ? null : String(chatId),
				...(messageId ? { messageId: String(messageId) } : {}),
				...(typeof (body.fromMe ?? data.fromMe) === 'boolean' ? { fromMe: body.fromMe ?? data.fromMe } : {}),
				timestamp: unixSeconds(body.timestamp ?? data.timestamp) ?? nowInSeconds(),
				data,
				raw: body,
				// A body `id` may be the message's, shared by the message and its edits: the event and
				// what it says are part of the key, so only a repeat of the same delivery matches.
				dedupeKey: [event, body.id ?? body.eventId ?? `${chatId}:${messageId}:${body.timestamp ?? data.timestamp ?? ''}`, digestOf(data)].join(':'),
			},
		];
	});
}

/** A short fingerprint of a delivery's data (the de-dup memory keeps keys, not whole bodies). */
function digestOf(data: unknown): string {
	return createHash('sha256').update(JSON.stringify(data) ?? '').digest('base64url').slice(0, 22);
}

function toTriggerEvent(name: unknown): TriggerEvent | undefined {
	if (typeof name !== 'string') return undefined;
	const lower = name.toLowerCase();
	if ((TRIGGER_EVENTS as readonly string[]).includes(lower)) return lower as TriggerEvent;
	return EVENT_ALIASES[lower];
}
