/**
 * Evolution API webhooks for the trigger. An instance has exactly one webhook (`/webhook/set`
 * replaces it), so registering keeps the webhook it replaces in the trigger's state and
 * unregistering puts it back; that webhook's headers are another receiver's secrets, so it is kept
 * sealed with a key derived from the credentials' API key. Every registration is signed: Evolution
 * gets the Webhook Secret (or one generated for the registration) as `headers.jwt_key`, and every
 * delivery must carry a valid HS256 token.
 */
import type { GatewayHttpClient, HttpRequest } from '../../transport/GatewayHttpClient';
import { InvalidInputError } from '../errors';
import type { ChatEvent, TriggerEvent } from '../ChatEvent';
import { WebhookRejectedError, type RegistrationState, type WebhookAdapter, type WebhookDelivery } from '../WebhookAdapter';
import { acceptedSecrets, expectedSecret, forgetGeneratedSecret, isSealed, NO_SECRET_YET, registrationSecret, seal, SealedValueError, unseal } from '../webhookSecrets';
import { EVOLUTION_LABEL, explainEvolutionError } from './EvolutionDialect';
import { headerValue } from '../wireValues';
import { verifyEvolutionJwt } from './jwt';
import { toChatEvents, type EvolutionEnvelope } from './webhookEvents';

/** Which Evolution events feed which trigger events; Evolution reports no stars. */
export const EVOLUTION_EVENTS_FOR: Partial<Record<TriggerEvent, string[]>> = {
	message: ['MESSAGES_UPSERT'],
	'message.reaction': ['MESSAGES_UPSERT'],
	'message.edited': ['MESSAGES_EDITED'],
	'message.revoked': ['MESSAGES_DELETE'],
	'message.ack': ['MESSAGES_UPDATE'],
	'chat.read': ['MESSAGES_UPDATE', 'CHATS_UPDATE'],
	'chat.unread': ['CHATS_UPDATE'],
	'chat.archive': ['CHATS_UPDATE'],
	'chat.pin': ['CHATS_UPDATE'],
	'chat.delete': ['CHATS_DELETE'],
	'chat.label': ['LABELS_ASSOCIATION'],
	'session.status': ['CONNECTION_UPDATE'],
};

/** Key in the trigger's state holding the webhook that was there before ours, sealed (null: none). */
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
	readonly label = EVOLUTION_LABEL;

	/**
	 * @param secret the credentials' Webhook Secret, if any
	 * @param sealingKey what the replaced webhook is sealed with in the state: the credentials' API key
	 */
	constructor(
		private readonly http: GatewayHttpClient,
		private readonly instance: string,
		private readonly secret: string | undefined,
		private readonly sealingKey = '',
	) {}

	verify(delivery: WebhookDelivery, nowMs: number, state?: RegistrationState): void {
		const secrets = acceptedSecrets(this.secret, state);
		if (secrets.length === 0) throw new WebhookRejectedError(NO_SECRET_YET);
		const authorization = headerValue(delivery.headers, 'authorization');
		let refusal: unknown;
		for (const secret of secrets) {
			try {
				verifyEvolutionJwt(authorization, secret, nowMs);
				return;
			} catch (error) {
				refusal ??= error;
			}
		}
		throw refusal;
	}

	/** Deliveries of other instances (e.g. Evolution's global webhook) are not this trigger's. */
	toEvents(delivery: WebhookDelivery): ChatEvent[] {
		const envelope = (delivery.body && typeof delivery.body === 'object' ? delivery.body : {}) as EvolutionEnvelope;
		if (envelope.instance !== undefined && envelope.instance !== this.instance) return [];
		return toChatEvents({ ...envelope, instance: this.instance }, Date.now());
	}

	/** Ours, switched on, and (when Evolution shows the headers) signed with the registration's secret. */
	async isRegistered(url: string, _events?: readonly TriggerEvent[], state?: RegistrationState): Promise<boolean> {
		const secret = expectedSecret(this.secret, state);
		if (!secret) return false;
		const current = await this.find();
		if (current?.url !== url || current.enabled === false) return false;
		const headers = current.headers as Record<string, unknown> | null | undefined;
		return !headers || typeof headers !== 'object' || !('jwt_key' in headers) || headers.jwt_key === secret;
	}

	async register(url: string, events: readonly TriggerEvent[], state: RegistrationState): Promise<void> {
		const evolutionEvents = [...new Set(events.flatMap((event) => EVOLUTION_EVENTS_FOR[event] ?? []))];
		if (evolutionEvents.length === 0) {
			// An empty list would make Evolution send every event it has.
			throw new InvalidInputError('Events', events.join(', '), `at least one event Evolution API reports: ${Object.keys(EVOLUTION_EVENTS_FOR).join(', ')}`);
		}
		const current = await this.find();
		if (current?.url !== url) state[PREVIOUS_WEBHOOK] = current ? await this.sealed(settingsOf(current)) : null;
		else if (!(PREVIOUS_WEBHOOK in state)) state[PREVIOUS_WEBHOOK] = null;
		// Kept in plain text by an older version: sealed now.
		else if (state[PREVIOUS_WEBHOOK] && !isSealed(state[PREVIOUS_WEBHOOK])) state[PREVIOUS_WEBHOOK] = await this.sealed(state[PREVIOUS_WEBHOOK] as WebhookSettings);
		await this.set({
			enabled: true,
			url,
			events: evolutionEvents,
			// Always sent: Evolution keeps the old headers when none are given, and they belong to the old receiver.
			headers: { jwt_key: registrationSecret(this.secret, state) },
			// One URL for all events (by-events would append /messages-upsert…), and no media in the payloads.
			byEvents: false,
			base64: false,
		});
	}

	async unregister(url: string, state: RegistrationState): Promise<void> {
		const kept = state[PREVIOUS_WEBHOOK];
		const current = await this.find();
		// When someone set another webhook since, it is theirs now and stays.
		if (current?.url === url) {
			const previous = isSealed(kept) ? await this.unsealed(kept) : ((kept ?? null) as WebhookSettings | null);
			await this.set(previous ?? { enabled: false, url, events: [], headers: {}, byEvents: false, base64: false });
		}
		// Forgotten only once done, so a failed attempt can be repeated.
		delete state[PREVIOUS_WEBHOOK];
		forgetGeneratedSecret(state);
	}

	private purpose(): string {
		return `whatsapp-chats/evolution-previous-webhook/${this.instance}`;
	}

	private async sealed(settings: WebhookSettings) {
		return await seal(settings, this.sealingKey, this.purpose());
	}

	private async unsealed(kept: Parameters<typeof unseal>[0]): Promise<WebhookSettings> {
		try {
			return await unseal<WebhookSettings>(kept, this.sealingKey, this.purpose());
		} catch (error) {
			if (!(error instanceof SealedValueError)) throw error;
			throw new InvalidInputError(
				'API Key',
				'(hidden)',
				`the API key the workflow was activated with: the webhook to restore on instance "${this.instance}" ${error.message}. Put that key back and deactivate again, or set the instance's webhook in Evolution API yourself`,
			);
		}
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

/** Factory for the trigger: `createEvolutionWebhooks(http('apikey'), instance, credentials.webhookSecret, credentials.apiKey)`. */
export function createEvolutionWebhooks(http: GatewayHttpClient, instance: string, secret?: string, apiKey?: string): WebhookAdapter {
	return new EvolutionWebhooks(http, instance, secret || undefined, apiKey ?? '');
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
