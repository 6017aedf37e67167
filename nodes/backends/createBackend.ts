/**
 * Picks and builds the backend the credentials describe. The embedded backend is imported only
 * when chosen: it loads Baileys (~0.5 s, ~100 MB), which gateway users must never pay for.
 */
import { GatewayHttpClient } from '../transport/GatewayHttpClient';
import { SecretRedactor } from '../transport/secrets';
import { InvalidInputError } from './errors';
import { EvolutionBackend } from './evolution/EvolutionBackend';
import { parseInstanceName } from './evolution/instanceName';
import { SessionsApiBackend } from './sessionsApi/SessionsApiBackend';
import { WahaBackend } from './waha/WahaBackend';
import type { WhatsAppBackend } from './WhatsAppBackend';

export type ConnectionKind = 'waha' | 'sessionsApi' | 'evolution' | 'embedded';

export const CONNECTION_LABELS: Record<ConnectionKind, string> = {
	waha: 'WAHA',
	sessionsApi: 'Sessions API',
	evolution: 'Evolution API',
	embedded: 'Embedded (Baileys)',
};

/** The credential fields, as n8n hands them over. */
export interface ConnectionCredentials {
	connection?: string;
	baseUrl?: string;
	session?: string;
	apiKey?: string;
	webhookSecret?: string;
	authFolder?: string;
	/** Embedded only: opens the session (its folder and encryption key are derived from it). */
	sessionSecret?: string;
}

export interface TransportOptions {
	timeoutMs: number;
	maxRetries: number;
	retryBaseDelayMs?: number;
	/** Largest gateway answer accepted (after decompression); the transport's default if unset. */
	maxResponseBytes?: number;
}

export const DEFAULT_TRANSPORT: TransportOptions = { timeoutMs: 30_000, maxRetries: 3 };

const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function connectionKindOf(credentials: ConnectionCredentials): ConnectionKind {
	const kind = credentials.connection ?? 'waha';
	if (!(kind in CONNECTION_LABELS)) {
		throw new InvalidInputError('Connection', kind, `one of ${Object.keys(CONNECTION_LABELS).join(', ')}`);
	}
	return kind as ConnectionKind;
}

export async function createBackend(
	credentials: ConnectionCredentials,
	transport: TransportOptions = DEFAULT_TRANSPORT,
): Promise<WhatsAppBackend> {
	const kind = connectionKindOf(credentials);
	if (kind === 'embedded') {
		// Loaded on first use only: gateway users never load the embedded code, let alone Baileys.
		// (`require`, not `import()`: Node's ESM resolver would need the compiled file's extension.)
		const embedded = require('./embedded/EmbeddedBackend') as typeof import('./embedded/EmbeddedBackend');
		return embedded.createEmbeddedBackend(credentials, transport.timeoutMs);
	}
	const { http, session } = openGateway(kind, credentials, transport);
	switch (kind) {
		case 'waha':
			return new WahaBackend(http, session);
		case 'sessionsApi':
			return new SessionsApiBackend(http, session);
		case 'evolution':
			return new EvolutionBackend(http, session);
	}
}

/** How each gateway takes its API key, and what its session (or instance) must look like. */
const GATEWAYS: Record<Exclude<ConnectionKind, 'embedded'>, { apiKeyHeader: string; checkSession: (session: string) => string }> = {
	waha: { apiKeyHeader: 'X-Api-Key', checkSession: (s) => requireSession(s, SESSION_NAME, 'a WAHA session name such as "default"') },
	sessionsApi: {
		apiKeyHeader: 'X-API-Key',
		checkSession: (s) => requireSession(s, UUID, 'the session UUID, e.g. e67a00be-ed45-4356-9488-049cabb9895d'),
	},
	evolution: { apiKeyHeader: 'apikey', checkSession: parseInstanceName },
};

/** The HTTP client and the checked session of a gateway, shared by its backend and its webhooks. */
export function openGateway(
	kind: Exclude<ConnectionKind, 'embedded'>,
	credentials: ConnectionCredentials,
	transport: TransportOptions = DEFAULT_TRANSPORT,
): { http: GatewayHttpClient; session: string } {
	const gateway = GATEWAYS[kind];
	const session = gateway.checkSession((credentials.session ?? '').trim());
	const http = new GatewayHttpClient(CONNECTION_LABELS[kind], {
		baseUrl: credentials.baseUrl ?? '',
		apiKeyHeader: gateway.apiKeyHeader,
		apiKey: credentials.apiKey || undefined,
		secrets: SecretRedactor.fromCredentials(credentials),
		...transport,
	});
	return { http, session };
}

function requireSession(session: string, pattern: RegExp, expected: string): string {
	if (!pattern.test(session)) throw new InvalidInputError('Session', session, expected);
	return session;
}
