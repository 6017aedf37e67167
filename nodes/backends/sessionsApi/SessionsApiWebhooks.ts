/**
 * Sessions API webhooks. The gateway documents neither a webhook format nor a way to register
 * one, so this accepts a JSON event `{ event, chatId|jid, messageId?, fromMe?, timestamp?, data? }`,
 * checks a shared secret in `X-Webhook-Secret` when one is set, maps the event names it knows and
 * keeps the whole body in `raw`. The URL is entered in the gateway by hand.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { TRIGGER_EVENTS, type ChatEvent, type TriggerEvent } from '../ChatEvent';
import { WebhookRejectedError, type WebhookAdapter, type WebhookDelivery } from '../WebhookAdapter';
import { headerValue, nowInSeconds, unixSeconds } from '../wireValues';
import { SESSIONS_API_LABEL } from './SessionsApiDialect';

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

export class SessionsApiWebhooks implements WebhookAdapter {
	readonly label = SESSIONS_API_LABEL;

	constructor(
		private readonly sessionId: string,
		private readonly secret: string | undefined,
	) {}

	verify(delivery: WebhookDelivery): void {
		if (!this.secret) return;
		const given = headerValue(delivery.headers, 'x-webhook-secret');
		const value = Buffer.from(given ?? '');
		const expected = Buffer.from(this.secret);
		if (value.length !== expected.length || !timingSafeEqual(value, expected)) {
			throw new WebhookRejectedError(given ? 'Invalid X-Webhook-Secret' : 'Missing X-Webhook-Secret');
		}
	}

	toEvents(delivery: WebhookDelivery): ChatEvent[] {
		const bodies: Body[] = Array.isArray(delivery.body) ? delivery.body : [delivery.body as Body];
		return bodies.flatMap((body) => {
			const event = toTriggerEvent(body?.event ?? body?.type);
			if (!event) return [];
			// One URL may be entered for several sessions: only this session's events count.
			const sessionId = body.sessionId ?? body.session;
			if (sessionId !== undefined && sessionId !== null && String(sessionId).toLowerCase() !== this.sessionId.toLowerCase()) return [];
			const data: Body = body.data ?? body.payload ?? {};
			const chatId = body.chatId ?? body.jid ?? data.chatId ?? data.remoteJid ?? data.key?.remoteJid ?? null;
			const messageId = body.messageId ?? data.messageId ?? data.id ?? data.key?.id;
			return [
				{
					event,
					session: this.sessionId,
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

	// Nothing to register: the gateway has no documented webhook endpoint.
	async isRegistered(): Promise<boolean> {
		return false;
	}

	async register(): Promise<void> {}

	async unregister(): Promise<void> {}
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
