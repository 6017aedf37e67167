/**
 * Picks and builds the backend the credentials describe. The embedded backend is imported only
 * when chosen: it loads Baileys (~0.5 s, ~100 MB), which gateway users must never pay for.
 */
import { GatewayHttpClient } from '../transport/GatewayHttpClient';
import { SecretRedactor } from '../transport/secrets';
import { DEFAULT_TRANSPORT, type TransportOptions } from '../transport/TransportOptions';
import { InvalidInputError } from './errors';
import { EvolutionBackend } from './evolution/EvolutionBackend';
import { EVOLUTION_API_KEY_HEADER, EVOLUTION_LABEL } from './evolution/EvolutionDialect';
import { parseInstanceName } from './evolution/instanceName';
import { SessionsApiBackend } from './sessionsApi/SessionsApiBackend';
import { checkSessionsApiSession, SESSIONS_API_KEY_HEADER, SESSIONS_API_LABEL } from './sessionsApi/SessionsApiDialect';
import { WahaBackend } from './waha/WahaBackend';
import { checkWahaSession, WAHA_API_KEY_HEADER, WAHA_LABEL } from './waha/WahaDialect';
import type { WhatsAppBackend } from './WhatsAppBackend';

export type ConnectionKind = 'waha' | 'sessionsApi' | 'evolution' | 'embedded';

export const CONNECTION_LABELS: Record<ConnectionKind, string> = {
	waha: WAHA_LABEL,
	sessionsApi: SESSIONS_API_LABEL,
	evolution: EVOLUTION_LABEL,
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

/** How each gateway takes its API key, and what its session (or instance) must look like: from its dialect. */
const GATEWAYS: Record<Exclude<ConnectionKind, 'embedded'>, { apiKeyHeader: string; checkSession: (session: string) => string }> = {
	waha: { apiKeyHeader: WAHA_API_KEY_HEADER, checkSession: checkWahaSession },
	sessionsApi: { apiKeyHeader: SESSIONS_API_KEY_HEADER, checkSession: checkSessionsApiSession },
	evolution: { apiKeyHeader: EVOLUTION_API_KEY_HEADER, checkSession: parseInstanceName },
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
