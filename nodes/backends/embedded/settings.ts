/**
 * Tunables of the embedded mode. Defaults suit n8n; tests and the bench lower them through
 * `configureEmbedded`. `WHATSAPP_CHATS_WA_URL` (advanced) points Baileys at another WhatsApp Web
 * endpoint, e.g. a test server (`WHATSAPP_CHATS_MEDIA_URL` its media host); `WHATSAPP_CHATS_LINGER_MS` changes how long an idle session stays connected.
 */
import type { BackoffSettings } from './reconnectPolicy';
import { DEFAULT_STORE_LIMITS, type StoreLimits } from './store';

export interface EmbeddedSettings extends BackoffSettings {
	/** How long a session stays connected after its last user released it, so the next execution reuses it. */
	lingerMs: number;
	/** How long opening the WebSocket to WhatsApp (and its handshake) may take before it counts as unreachable. */
	connectTimeoutMs: number;
	/** Baileys' own deadline for one query (it retries some); our per-call timeout is separate. */
	queryTimeoutMs: number;
	store: StoreLimits;
}

const DEFAULTS: EmbeddedSettings = {
	lingerMs: 5 * 60_000,
	connectTimeoutMs: 5_000,
	reconnectBaseMs: 1000,
	reconnectMaxMs: 60_000,
	queryTimeoutMs: 60_000,
	store: DEFAULT_STORE_LIMITS,
};

let current: EmbeddedSettings = withEnvironment(DEFAULTS);

export function embeddedSettings(): EmbeddedSettings {
	return current;
}

/** Overrides some settings (for sessions started afterwards); returns the previous ones. */
export function configureEmbedded(change: Partial<Omit<EmbeddedSettings, 'store'>> & { store?: Partial<StoreLimits> }): EmbeddedSettings {
	const previous = current;
	current = { ...current, ...change, store: { ...current.store, ...change.store } };
	return previous;
}

export function resetEmbeddedSettings(): void {
	current = withEnvironment(DEFAULTS);
}

/** The WhatsApp Web endpoint; undefined means Baileys' default (web.whatsapp.com). */
export function whatsAppWebUrl(): string | undefined {
	return process.env.WHATSAPP_CHATS_WA_URL?.trim() || undefined;
}

/**
 * Where media blobs are fetched instead of WhatsApp's media hosts (the message's path is appended),
 * e.g. a test server; undefined means WhatsApp's own hosts.
 */
export function whatsAppMediaUrl(): string | undefined {
	return process.env.WHATSAPP_CHATS_MEDIA_URL?.trim() || undefined;
}

function withEnvironment(settings: EmbeddedSettings): EmbeddedSettings {
	const linger = Number(process.env.WHATSAPP_CHATS_LINGER_MS);
	return Number.isFinite(linger) && linger >= 0 && process.env.WHATSAPP_CHATS_LINGER_MS !== '' ? { ...settings, lingerMs: linger } : settings;
}
