/**
 * Evolution API webhooks for the trigger. An instance has exactly one webhook (`/webhook/set`
 * replaces it), so registering keeps the webhook it replaces in the trigger's state and
 * unregistering puts it back. With a Webhook Secret, Evolution is told to sign deliveries
 * (`headers.jwt_key`) and every delivery must carry a valid HS256 token.
 */
import type { GatewayHttpClient, HttpRequest } from '../../transport/GatewayHttpClient';
import { InvalidInputError } from '../errors';
import type { ChatEvent, TriggerEvent } from '../events';
import type { RegistrationState, WebhookAdapter, WebhookDelivery } from '../webhooks';
import { explainEvolutionError } from './gatewayWords';
import { verifyEvolutionJwt } from './jwt';
import { toChatEvents, type EvolutionEnvelope } from './webhookEvents';

/** Which Evolution events feed which trigger events; Evolution reports no stars. */
export const EVOLUTION_EVENTS_FOR: Partial<Record<TriggerEvent, string[]>> = {
	message: ['MESSAGES_UPSERT'],
	'message.reaction': ['MESSAGES_UPSERT'],
	'message.edited': ['MESSAGES_EDITED'],
	'message.revoked': ['MESSAGES_DELETE'],
	'chat.read': ['MESSAGES_UPDATE', 'CHATS_UPDATE'],
	'chat.unread': ['CHATS_UPDATE'],
	'chat.archive': ['CHATS_UPDATE'],
	'chat.pin': ['CHATS_UPDATE'],
	'chat.delete': ['CHATS_DELETE'],
	'session.status': ['CONNECTION_UPDATE'],
};

/** Key in the trigger's state holding the webhook that was there before ours (null: none). */
export const PREVIOUS_WEBHOOK = 'evolutionPreviousWebhook';

/** The part of Evolution's webhook row that `/webhook/set` takes back. */
export interface WebhookSettings {
	enabled: boolean;
	url: string;
	events: string[];
	headers: Record<string, unknown>;
	byEvents: boolean;
	base64: boolean;
}

type WebhookRow = {
	url?: string;
	enabled?: boolean | null;
	events?: unknown;
	headers?: unknown;
	webhookByEvents?: boolean | null;
	webhookBase64?: boolean | null;
};

export class EvolutionWebhooks implements WebhookAdapter {
	readonly label = 'Evolution API';

	constructor(
		private readonly http: GatewayHttpClient,
		private readonly instance: string,
		private readonly secret: string | undefined,
	) {}

	verify(delivery: WebhookDelivery, nowMs: number): void {
		if (!this.secret) return;
		const authorization = delivery.headers.authorization;
		verifyEvolutionJwt(Array.isArray(authorization) ? authorization[0] : authorization, this.secret, nowMs);
	}

	/** Deliveries of other instances (e.g. Evolution's global webhook) are not this trigger's. */
	toEvents(delivery: WebhookDelivery): ChatEvent[] {
		const envelope = (delivery.body && typeof delivery.body === 'object' ? delivery.body : {}) as EvolutionEnvelope;
		if (envelope.instance !== undefined && envelope.instance !== this.instance) return [];
		return toChatEvents({ ...envelope, instance: this.instance }, Date.now());
	}

	async isRegistered(url: string): Promise<boolean> {
		const current = await this.find();
		return current?.url === url && current.enabled !== false;
	}

	async register(url: string, events: readonly TriggerEvent[], state: RegistrationState): Promise<void> {
		const evolutionEvents = [...new Set(events.flatMap((event) => EVOLUTION_EVENTS_FOR[event] ?? []))];
		if (evolutionEvents.length === 0) {
			// An empty list would make Evolution send every event it has.
			throw new InvalidInputError('Events', events.join(', '), `at least one event Evolution API reports: ${Object.keys(EVOLUTION_EVENTS_FOR).join(', ')}`);
		}
		const current = await this.find();
		if (current?.url !== url) state[PREVIOUS_WEBHOOK] = current ? settingsOf(current) : null;
		else if (!(PREVIOUS_WEBHOOK in state)) state[PREVIOUS_WEBHOOK] = null;
		await this.set({
			enabled: true,
			url,
			events: evolutionEvents,
			// Always sent: Evolution keeps the old headers when none are given, and they belong to the old receiver.
			headers: this.secret ? { jwt_key: this.secret } : {},
			// One URL for all events (by-events would append /messages-upsert…), and no media in the payloads.
			byEvents: false,
			base64: false,
		});
	}

	async unregister(url: string, state: RegistrationState): Promise<void> {
		const previous = state[PREVIOUS_WEBHOOK] as WebhookSettings | null | undefined;
		const current = await this.find();
		// When someone set another webhook since, it is theirs now and stays.
		if (current?.url === url) {
			await this.set(previous ?? { enabled: false, url, events: [], headers: {}, byEvents: false, base64: false });
		}
		// Forgotten only once done, so a failed attempt can be repeated.
		delete state[PREVIOUS_WEBHOOK];
	}

	private async find(): Promise<WebhookRow | null> {
		const data = await this.send({ method: 'GET', path: ['webhook', 'find', this.instance] });
		return data && typeof data === 'object' && typeof (data as WebhookRow).url === 'string' ? (data as WebhookRow) : null;
	}

	private async set(webhook: WebhookSettings): Promise<void> {
		await this.send({ method: 'POST', path: ['webhook', 'set', this.instance], body: { webhook } });
	}

	private async send(request: HttpRequest): Promise<unknown> {
		try {
			return (await this.http.request(request)).data;
		} catch (error) {
			throw explainEvolutionError(error, this.instance);
		}
	}
}

/** Factory for the trigger: `createEvolutionWebhooks(http('apikey'), instance, credentials.webhookSecret)`. */
export function createEvolutionWebhooks(http: GatewayHttpClient, instance: string, secret?: string): WebhookAdapter {
	return new EvolutionWebhooks(http, instance, secret || undefined);
}

function settingsOf(row: WebhookRow): WebhookSettings {
	return {
		enabled: row.enabled !== false,
		url: String(row.url),
		events: Array.isArray(row.events) ? row.events.map(String) : [],
		headers: row.headers && typeof row.headers === 'object' ? (row.headers as Record<string, unknown>) : {},
		byEvents: row.webhookByEvents === true,
		base64: row.webhookBase64 === true,
	};
}
