/**
 * Sessions API webhooks. The gateway documents neither a webhook format nor a way to register
 * one, so this accepts a JSON event `{ event, chatId|jid, messageId?, fromMe?, timestamp?, data? }`,
 * checks a shared secret in `X-Webhook-Secret` when one is set, maps the event names it knows and
 * keeps the whole body in `raw`. The URL is entered in the gateway by hand.
 */
import { timingSafeEqual } from 'node:crypto';
import type { ChatEvent } from '../ChatEvent';
import { WebhookRejectedError, type WebhookAdapter, type WebhookDelivery } from '../WebhookAdapter';
import { headerValue } from '../wireValues';
import { SESSIONS_API_LABEL } from './SessionsApiDialect';
import { toChatEvents } from './webhookEvents';

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
		return toChatEvents(delivery.body, this.sessionId);
	}

	// Nothing to register: the gateway has no documented webhook endpoint.
	async isRegistered(): Promise<boolean> {
		return false;
	}

	async register(): Promise<void> {}

	async unregister(): Promise<void> {}
}
