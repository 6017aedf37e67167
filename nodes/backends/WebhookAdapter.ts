/**
 * The contract a gateway implements for the trigger: check that a webhook delivery is genuine,
 * map it to `ChatEvent`s, and register / unregister the n8n webhook URL at the gateway.
 */
import type { ChatEvent, TriggerEvent } from './ChatEvent';

export interface WebhookDelivery {
	/** Header names in lower case. */
	headers: Record<string, string | string[] | undefined>;
	/** The body exactly as received: signatures are computed over these bytes. */
	rawBody: Buffer;
	body: unknown;
}

/** A delivery that must be refused; the trigger answers with `status` and emits nothing. */
export class WebhookRejectedError extends Error {
	constructor(
		message: string,
		readonly status = 401,
	) {
		super(message);
		this.name = 'WebhookRejectedError';
	}
}

/** What the trigger keeps between activation and deactivation (n8n's workflow static data). */
export type RegistrationState = Record<string, unknown>;

export interface WebhookAdapter {
	readonly label: string;
	/**
	 * Throws WebhookRejectedError for a missing, wrong or stale signature. Gateways the trigger
	 * registers itself verify against the secret of the registration kept in `state`.
	 */
	verify(delivery: WebhookDelivery, nowMs: number, state?: RegistrationState): void;
	/** One delivery can hold several changes; unknown events and other sessions' events map to nothing. */
	toEvents(delivery: WebhookDelivery): ChatEvent[];
	/** The gateway's own id of a (signed) delivery, the same on its retries, when it sends one. */
	deliveryId?(delivery: WebhookDelivery): string | undefined;
	/** Whether the gateway already sends `events` to `url`, signed as `state` says (a changed or lost entry is not). */
	isRegistered(url: string, events?: readonly TriggerEvent[], state?: RegistrationState): Promise<boolean>;
	/** Makes the gateway send `events` to `url`, leaving its other webhooks as they were. */
	register(url: string, events: readonly TriggerEvent[], state: RegistrationState): Promise<void>;
	/** Removes only what `register` added (or restores what it replaced). */
	unregister(url: string, state: RegistrationState): Promise<void>;
}
