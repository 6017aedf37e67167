/**
 * WAHA webhooks: `{ id, timestamp, event, session, payload }` envelopes, signed with
 * `X-Webhook-Hmac` (sha512 of the raw body) when the session has an HMAC key, configured in the
 * session's `config.webhooks` list, which other tools share: only our own entry is touched.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { GatewayHttpClient } from '../../transport/GatewayHttpClient';
import type { ChatEvent, TriggerEvent } from '../events';
import { WebhookRejectedError, type RegistrationState, type WebhookAdapter, type WebhookDelivery } from '../webhooks';

/** Deliveries older than this (or this far in the future) are refused as replays. */
export const WEBHOOK_MAX_AGE_MS = 5 * 60 * 1000;

/** Which WAHA events feed which trigger events; WAHA has none for unread, pin, delete and star. */
const WAHA_EVENTS_FOR: Partial<Record<TriggerEvent, string[]>> = {
	'chat.archive': ['chat.archive'],
	message: ['message.any'],
	'message.edited': ['message.edited'],
	'message.revoked': ['message.revoked'],
	'message.reaction': ['message.reaction'],
	'session.status': ['session.status'],
};

type Envelope = { id?: string; timestamp?: number; event?: string; session?: string; payload?: Record<string, any> };
type WebhookConfig = { url?: string; [key: string]: unknown };

export class WahaWebhooks implements WebhookAdapter {
	readonly label = 'WAHA';

	constructor(
		private readonly http: GatewayHttpClient,
		private readonly session: string,
		private readonly secret: string | undefined,
	) {}

	verify(delivery: WebhookDelivery, nowMs: number): void {
		if (!this.secret) return;
		const signature = header(delivery, 'x-webhook-hmac');
		if (!signature) throw new WebhookRejectedError('Missing X-Webhook-Hmac signature');
		const algorithm = header(delivery, 'x-webhook-hmac-algorithm');
		if (algorithm && algorithm.toLowerCase() !== 'sha512') {
			throw new WebhookRejectedError(`Unsupported signature algorithm "${algorithm}"`);
		}
		const expected = createHmac('sha512', this.secret).update(delivery.rawBody).digest();
		const given = Buffer.from(signature, 'hex');
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
			throw new WebhookRejectedError('Invalid X-Webhook-Hmac signature');
		}
		// The signed body's own timestamp is what a replay cannot change; the header is a fallback.
		const sentAt = Number((delivery.body as Envelope)?.timestamp ?? header(delivery, 'x-webhook-timestamp'));
		if (!Number.isFinite(sentAt) || Math.abs(nowMs - sentAt) > WEBHOOK_MAX_AGE_MS) {
			throw new WebhookRejectedError('Stale or undated webhook delivery refused');
		}
	}

	toEvents(delivery: WebhookDelivery): ChatEvent[] {
		const envelope = (delivery.body ?? {}) as Envelope;
		const payload = envelope.payload ?? {};
		const session = String(envelope.session ?? this.session);
		const timestamp = toSeconds(payload.timestamp ?? envelope.timestamp);
		const base = { session, timestamp, raw: envelope };
		const chatOf = (message: Record<string, any>) => String((message.fromMe ? message.to : message.from) ?? '') || null;

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
						dedupeKey: `message:${payload.id}`,
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
						dedupeKey: `edited:${payload.editedMessageId}:${payload.id}`,
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
						dedupeKey: `revoked:${payload.revokedMessageId}`,
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
						dedupeKey: `reaction:${payload.id}`,
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
						dedupeKey: `archive:${payload.id}:${payload.archived}:${payload.timestamp}`,
					},
				];
			case 'session.status':
				return [
					{
						...base,
						event: 'session.status',
						chatId: null,
						data: { status: payload.status },
						dedupeKey: `status:${payload.status}:${envelope.timestamp}`,
					},
				];
			default:
				return [];
		}
	}

	async isRegistered(url: string): Promise<boolean> {
		return (await this.webhooks()).some((webhook) => webhook.url === url);
	}

	async register(url: string, events: readonly TriggerEvent[], _state: RegistrationState): Promise<void> {
		const wahaEvents = [...new Set(events.flatMap((event) => WAHA_EVENTS_FOR[event] ?? []))];
		const ours: WebhookConfig = {
			url,
			events: wahaEvents,
			hmac: this.secret ? { key: this.secret } : null,
			retries: { attempts: 5, delaySeconds: 2 },
		};
		await this.saveWebhooks((webhooks) => [...webhooks.filter((webhook) => webhook.url !== url), ours]);
	}

	async unregister(url: string, _state: RegistrationState): Promise<void> {
		await this.saveWebhooks((webhooks) => webhooks.filter((webhook) => webhook.url !== url));
	}

	private async sessionConfig(): Promise<Record<string, unknown>> {
		const info = (await this.http.request({ method: 'GET', path: ['api', 'sessions', this.session] })).data as { config?: Record<string, unknown> };
		return info?.config ?? {};
	}

	private async webhooks(): Promise<WebhookConfig[]> {
		const webhooks = (await this.sessionConfig()).webhooks;
		return Array.isArray(webhooks) ? (webhooks as WebhookConfig[]) : [];
	}

	/** Read-modify-write of the session config, keeping everything but the webhooks list as it was. */
	private async saveWebhooks(change: (webhooks: WebhookConfig[]) => WebhookConfig[]): Promise<void> {
		const config = await this.sessionConfig();
		const current = Array.isArray(config.webhooks) ? (config.webhooks as WebhookConfig[]) : [];
		await this.http.request({
			method: 'PUT',
			path: ['api', 'sessions', this.session],
			body: { config: { ...config, webhooks: change(current) } },
		});
	}
}

function header(delivery: WebhookDelivery, name: string): string | undefined {
	const value = delivery.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

/** WAHA payloads use Unix seconds, envelopes milliseconds. */
function toSeconds(value: unknown): number {
	const number = Number(value);
	if (!Number.isFinite(number) || number <= 0) return Math.floor(Date.now() / 1000);
	return number > 1e11 ? Math.floor(number / 1000) : number;
}
