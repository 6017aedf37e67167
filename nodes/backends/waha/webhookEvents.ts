/**
 * WAHA webhook envelopes `{ id, timestamp, event, session, payload }` mapped to ChatEvents, one
 * per change (WAHA's `message` and `message.any` for one message share a de-dup key).
 */
import type { AckStatus, ChatEvent } from '../ChatEvent';
import { identityOf } from '../identity';
import { nowInSeconds, unixSeconds } from '../wireValues';
import { altJidsOf } from './mapping';
import { splitWahaMessageId } from './WahaDialect';

/** WAHA's ack numbers and names: -1 ERROR, 0 PENDING and 1 SERVER are no recipient's; 2 DEVICE, 3 READ, 4 PLAYED are. */
const WAHA_ACKS: Record<string, AckStatus> = { '2': 'delivered', DEVICE: 'delivered', '3': 'read', READ: 'read', '4': 'played', PLAYED: 'played' };

/** The recipient's ack of a `message.ack` payload `{ id, from, to?, participant, fromMe, ack, ackName }`, or undefined. */
function wahaAckOf(payload: Record<string, any>): AckStatus | undefined {
	return WAHA_ACKS[String(payload.ackName ?? '').toUpperCase()] ?? WAHA_ACKS[String(payload.ack)];
}

export type WahaEnvelope = { id?: string; timestamp?: number; event?: string; session?: string; payload?: Record<string, any> };

/** The events of one envelope already known to be for `session`, with the other ids (phone ↔ LID) its payload names. */
export function toChatEvents(envelope: WahaEnvelope, session: string): ChatEvent[] {
	return eventsOf(envelope, session).map((event) => withPayloadIdentities(event, envelope.payload ?? {}));
}

/**
 * NOWEB and GOWS pass Baileys' key on in `_data.key`: `remoteJidAlt` is the chat's other id (and,
 * for a message that is not ours, the sender's), `participantAlt` a group sender's.
 */
function withPayloadIdentities(event: ChatEvent, payload: Record<string, any>): ChatEvent {
	const message = payload.after ?? payload.before ?? payload;
	const chat = identityOf(event.chatId, ...altJidsOf(message, 'remoteJidAlt'));
	const out: ChatEvent = { ...event, phone: chat.phone, lid: chat.lid };
	if ('from' in event.data) {
		const isGroup = String(event.chatId ?? '').endsWith('@g.us');
		const alts = isGroup ? altJidsOf(message, 'participantAlt') : event.fromMe ? [] : altJidsOf(message, 'remoteJidAlt');
		const from = identityOf(event.data.from, ...alts);
		out.data = { ...event.data, fromPhone: from.phone, fromLid: from.lid };
	}
	return out;
}

function eventsOf(envelope: WahaEnvelope, session: string): ChatEvent[] {
	const payload = envelope.payload ?? {};
	// WAHA payloads use Unix seconds, envelopes milliseconds.
	const timestamp = unixSeconds(payload.timestamp ?? envelope.timestamp) ?? nowInSeconds();
	const base = { session, timestamp, raw: envelope };
	const chatOf = (message: Record<string, any>) => String((message.fromMe ? message.to : message.from) ?? '') || null;
	// Changes without an id of their own are told apart by WAHA's event id where it sends one.
	const eventId = typeof envelope.id === 'string' && envelope.id ? envelope.id : undefined;
	const keyed = (prefix: string, ...content: unknown[]) => (eventId ? `${prefix}:${eventId}` : [prefix, ...content].join(':'));
	const messageKey = (prefix: string, id: unknown, ...content: unknown[]) =>
		typeof id === 'string' && id ? [prefix, id, ...content].join(':') : keyed(prefix, JSON.stringify(payload));

	switch (envelope.event) {
		case 'message':
		case 'message.any':
			return [
				{
					...base,
					event: 'message',
					chatId: chatOf(payload),
					messageId: payload.id,
					fromMe: Boolean(payload.fromMe),
					data: { text: payload.body ?? null, from: payload.participant || payload.from || null, hasMedia: Boolean(payload.hasMedia) },
					dedupeKey: messageKey('message', payload.id),
				},
			];
		case 'message.edited':
			return [
				{
					...base,
					event: 'message.edited',
					chatId: chatOf(payload),
					messageId: payload.editedMessageId ?? payload.id,
					fromMe: Boolean(payload.fromMe),
					data: { text: payload.body ?? null },
					dedupeKey: messageKey('edited', payload.id, payload.editedMessageId),
				},
			];
		case 'message.revoked': {
			const message = payload.after ?? payload.before ?? payload;
			return [
				{
					...base,
					event: 'message.revoked',
					chatId: chatOf(message),
					messageId: payload.revokedMessageId,
					fromMe: Boolean(message.fromMe),
					data: {},
					dedupeKey: messageKey('revoked', payload.revokedMessageId),
				},
			];
		}
		case 'message.reaction': {
			const emoji = String(payload.reaction?.text ?? '');
			return [
				{
					...base,
					event: 'message.reaction',
					chatId: chatOf(payload),
					messageId: payload.reaction?.messageId,
					fromMe: Boolean(payload.fromMe),
					data: { emoji, removed: emoji === '', reactionMessageId: payload.id, from: payload.participant || payload.from || null },
					dedupeKey: messageKey('reaction', payload.id),
				},
			];
		}
		case 'message.ack': {
			const status = wahaAckOf(payload);
			if (!status || typeof payload.id !== 'string') return [];
			// The chat is the serialized id's; `from`/`to` name it too, depending on the engine.
			const chatId = splitWahaMessageId(payload.id)?.chat ?? (chatOf(payload) || null);
			const from = payload.participant || chatId;
			return [
				{
					...base,
					event: 'message.ack',
					chatId,
					messageId: payload.id,
					fromMe: payload.fromMe !== false,
					data: { status, from },
					dedupeKey: ['ack', payload.id, status, from].join(':'),
				},
			];
		}
		case 'chat.archive':
			return [
				{
					...base,
					event: 'chat.archive',
					chatId: payload.id ?? null,
					data: { archived: Boolean(payload.archived) },
					dedupeKey: keyed('archive', payload.id, payload.archived, payload.timestamp),
				},
			];
		case 'label.chat.added':
		case 'label.chat.deleted': {
			// `{ labelId, chatId, label: { id, name, color, colorHex } | null }`
			const added = envelope.event === 'label.chat.added';
			const labelId = payload.labelId ?? payload.label?.id;
			if (labelId === undefined || labelId === null) return [];
			return [
				{
					...base,
					event: 'chat.label',
					chatId: payload.chatId ?? null,
					data: { labelId: String(labelId), labelName: typeof payload.label?.name === 'string' ? payload.label.name : null, added },
					dedupeKey: keyed('label', payload.chatId, labelId, added, envelope.timestamp),
				},
			];
		}
		case 'session.status':
			return [
				{
					...base,
					event: 'session.status',
					chatId: null,
					data: { status: payload.status },
					dedupeKey: keyed('status', payload.status, envelope.timestamp),
				},
			];
		default:
			return [];
	}
}
