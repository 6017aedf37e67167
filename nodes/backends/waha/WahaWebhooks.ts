/**
 * WAHA webhooks: `{ id, timestamp, event, session, payload }` envelopes, signed with
 * `X-Webhook-Hmac` (sha512 of the raw body), configured in the session's `config.webhooks` list,
 * which other tools share: only our own entry is touched. Every registration is signed (with a
 * secret generated for it when the credentials have none), and the list is written, read back
 * and written again until our change holds, because WAHA has no way to change one entry alone.
 */
import { createHmac } from 'node:crypto';
import type { GatewayHttpClient, HttpRequest } from '../../transport/GatewayHttpClient';
import { GatewayError } from '../errors';
import type { ChatEvent, TriggerEvent } from '../ChatEvent';
import { WebhookRejectedError, type RegistrationState, type WebhookAdapter, type WebhookDelivery } from '../WebhookAdapter';
import { acceptedSecrets, equalInConstantTime, expectedSecret, forgetGeneratedSecret, NO_SECRET_YET, registrationSecret } from '../webhookSecrets';
import { headerValue } from '../wireValues';
import { explainWahaError, WAHA_LABEL } from './WahaDialect';
import { toChatEvents, type WahaEnvelope } from './webhookEvents';

/** Deliveries older than this (or this far in the future) are refused as replays. */
export const WEBHOOK_MAX_AGE_MS = 5 * 60 * 1000;

/** Which WAHA events feed which trigger events; WAHA has none for unread, pin, delete and star. */
const WAHA_EVENTS_FOR: Partial<Record<TriggerEvent, string[]>> = {
	'chat.archive': ['chat.archive'],
	message: ['message.any'],
	'message.edited': ['message.edited'],
	'message.revoked': ['message.revoked'],
	'message.reaction': ['message.reaction'],
	'chat.label': ['label.chat.added', 'label.chat.deleted'],
	'message.ack': ['message.ack'],
	'session.status': ['session.status'],
};

type WebhookConfig = { url?: string; events?: unknown; hmac?: { key?: unknown } | null; [key: string]: unknown };

/** An HMAC-SHA512 in hex, exactly: nothing before or after it. */
const SHA512_HEX = /^[0-9a-f]{128}$/i;

/** How often the session's webhook list is written before giving up when others keep changing it. */
const MAX_WRITE_ATTEMPTS = 6;

export interface RegistrationTiming {
	/** How long after a write that held the list is read once more (a writer that read before us may land late). */
	settleMs: number;
	/** Upper bound of the random pause before writing again. */
	retryJitterMs: number;
}

const DEFAULT_TIMING: RegistrationTiming = { settleMs: 300, retryJitterMs: 250 };

/** One queue per WAHA session in this process, so this process's triggers never race each other. */
const sessionQueues = new Map<string, Promise<unknown>>();

async function inSessionQueue<T>(key: string, work: () => Promise<T>): Promise<T> {
	const before = sessionQueues.get(key) ?? Promise.resolve();
	const mine = before.catch(() => undefined).then(work);
	const tail = mine.catch(() => undefined);
	sessionQueues.set(key, tail);
	try {
		return await mine;
	} finally {
		if (sessionQueues.get(key) === tail) sessionQueues.delete(key);
	}
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class WahaWebhooks implements WebhookAdapter {
	readonly label = WAHA_LABEL;

	/**
	 * @param secret the credentials' Webhook Secret, if any
	 * @param queueKey names the WAHA session across this process (base URL and session), so
	 *   registrations on one session are made one at a time
	 */
	constructor(
		private readonly http: GatewayHttpClient,
		private readonly session: string,
		private readonly secret: string | undefined,
		private readonly queueKey = session,
		private readonly timing: RegistrationTiming = DEFAULT_TIMING,
	) {}

	verify(delivery: WebhookDelivery, nowMs: number, state?: RegistrationState): void {
		const secrets = acceptedSecrets(this.secret, state);
		if (secrets.length === 0) throw new WebhookRejectedError(NO_SECRET_YET);
		const signature = headerValue(delivery.headers, 'x-webhook-hmac');
		if (!signature) throw new WebhookRejectedError('Missing X-Webhook-Hmac signature');
		const algorithm = headerValue(delivery.headers, 'x-webhook-hmac-algorithm');
		if (algorithm && algorithm.toLowerCase() !== 'sha512') {
			throw new WebhookRejectedError(`Unsupported signature algorithm "${algorithm}"`);
		}
		// Buffer.from(…, 'hex') stops at the first non-hex character, so the shape is checked first.
		const given = SHA512_HEX.test(signature.trim()) ? Buffer.from(signature.trim(), 'hex') : Buffer.alloc(0);
		const matches = secrets.some((secret) => equalInConstantTime(given, createHmac('sha512', secret).update(delivery.rawBody).digest()));
		if (!matches) throw new WebhookRejectedError('Invalid X-Webhook-Hmac signature');
		// The signed body's own timestamp is what a replay cannot change; the header is a fallback.
		const sentAt = Number((delivery.body as WahaEnvelope)?.timestamp ?? headerValue(delivery.headers, 'x-webhook-timestamp'));
		if (!Number.isFinite(sentAt) || Math.abs(nowMs - sentAt) > WEBHOOK_MAX_AGE_MS) {
			throw new WebhookRejectedError('Stale or undated webhook delivery refused');
		}
	}

	/** The envelope's `evt_…` id (signed with the body), else the `X-Webhook-Request-Id` header. */
	deliveryId(delivery: WebhookDelivery): string | undefined {
		const id = (delivery.body as WahaEnvelope | undefined)?.id;
		if (typeof id === 'string' && id) return `waha:${id}`;
		const requestId = headerValue(delivery.headers, 'x-webhook-request-id');
		return requestId ? `waha-request:${requestId}` : undefined;
	}

	toEvents(delivery: WebhookDelivery): ChatEvent[] {
		const envelope = (delivery.body && typeof delivery.body === 'object' ? delivery.body : {}) as WahaEnvelope;
		// A webhook URL may be set on several sessions (or globally): only this session's events count.
		if (envelope.session !== undefined && String(envelope.session) !== this.session) return [];
		return toChatEvents(envelope, this.session);
	}

	/** Our entry is there, for these events, signed with the registration's secret. */
	async isRegistered(url: string, events?: readonly TriggerEvent[], state?: RegistrationState): Promise<boolean> {
		const secret = expectedSecret(this.secret, state);
		// Without a secret the registration is unsigned (made by an older version): make it again.
		if (!secret) return false;
		const wanted = events ? wahaEventsFor(events) : undefined;
		return (await this.webhooks()).some((webhook) => isOurs(webhook, url, secret, wanted));
	}

	async register(url: string, events: readonly TriggerEvent[], state: RegistrationState): Promise<void> {
		const ours: WebhookConfig = {
			url,
			events: wahaEventsFor(events),
			hmac: { key: registrationSecret(this.secret, state) },
			retries: { attempts: 5, delaySeconds: 2 },
		};
		await this.writeUntilItHolds(
			(webhooks) => [...webhooks.filter((webhook) => webhook.url !== url), ours],
			(webhooks) => webhooks.filter((webhook) => webhook.url === url).length === 1 && webhooks.some((webhook) => isOurs(webhook, url, ours.hmac!.key as string, ours.events as string[])),
		);
	}

	async unregister(url: string, state: RegistrationState): Promise<void> {
		await this.writeUntilItHolds(
			(webhooks) => webhooks.filter((webhook) => webhook.url !== url),
			(webhooks) => !webhooks.some((webhook) => webhook.url === url),
		);
		forgetGeneratedSecret(state);
	}

	/** Requests to WAHA, with its wording for a session it does not know. */
	private async send(request: HttpRequest): Promise<unknown> {
		try {
			return (await this.http.request(request)).data;
		} catch (error) {
			throw explainWahaError(error, this.session);
		}
	}

	private async sessionConfig(): Promise<Record<string, unknown>> {
		const info = (await this.send({ method: 'GET', path: ['api', 'sessions', this.session] })) as { config?: Record<string, unknown> };
		return info?.config ?? {};
	}

	private async webhooks(): Promise<WebhookConfig[]> {
		return webhooksOf(await this.sessionConfig());
	}

	/**
	 * Read-modify-write of the session config (everything but the webhooks list kept as it was),
	 * read back until `holds`: another n8n process or tool writing the same list at the same moment
	 * (last writer wins at WAHA) would otherwise silently drop our change. A last read after a pause
	 * catches a writer that read the list before our write and saves it after.
	 */
	private async writeUntilItHolds(change: (webhooks: WebhookConfig[]) => WebhookConfig[], holds: (webhooks: WebhookConfig[]) => boolean): Promise<void> {
		await inSessionQueue(this.queueKey, async () => {
			for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
				const config = await this.sessionConfig();
				const current = webhooksOf(config);
				if (!holds(current)) {
					await this.send({ method: 'PUT', path: ['api', 'sessions', this.session], body: { config: { ...config, webhooks: change(current) } } });
					if (!holds(await this.webhooks())) {
						await pause(Math.random() * this.timing.retryJitterMs * attempt);
						continue;
					}
				} else if (attempt === 1) {
					// Already as wanted, and nothing written that a late writer could undo.
					return;
				}
				await pause(this.timing.settleMs);
				if (holds(await this.webhooks())) return;
				await pause(Math.random() * this.timing.retryJitterMs * attempt);
			}
			throw new GatewayError(
				this.label,
				'rejected',
				`The webhook list of the WAHA session "${this.session}" kept being changed by someone else while the trigger updated it (${MAX_WRITE_ATTEMPTS} attempts); activate the workflow again, and check for another tool or n8n instance rewriting the session's webhooks`,
			);
		});
	}
}

function wahaEventsFor(events: readonly TriggerEvent[]): string[] {
	return [...new Set(events.flatMap((event) => WAHA_EVENTS_FOR[event] ?? []))];
}

function webhooksOf(config: Record<string, unknown>): WebhookConfig[] {
	return Array.isArray(config.webhooks) ? (config.webhooks as WebhookConfig[]) : [];
}

function isOurs(webhook: WebhookConfig, url: string, secret: string, events?: readonly string[]): boolean {
	if (webhook.url !== url || webhook.hmac?.key !== secret) return false;
	if (!events) return true;
	const registered = Array.isArray(webhook.events) ? webhook.events.map(String) : [];
	return registered.length === events.length && events.every((event) => registered.includes(event));
}
