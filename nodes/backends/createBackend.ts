/**
 * Picks and builds the backend the credentials describe. The embedded backend is imported only
 * when chosen: it loads Baileys (~0.5 s, ~100 MB), which gateway users must never pay for.
 */
import { GatewayHttpClient } from '../transport/GatewayHttpClient';
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
}

export interface TransportOptions {
	timeoutMs: number;
	maxRetries: number;
	retryBaseDelayMs?: number;
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
	const session = (credentials.session ?? '').trim();
	const http = (headerName: string) =>
		new GatewayHttpClient(CONNECTION_LABELS[kind], {
			baseUrl: credentials.baseUrl ?? '',
			apiKeyHeader: headerName,
			apiKey: credentials.apiKey || undefined,
			...transport,
		});

	switch (kind) {
		case 'waha':
			requireSession(session, SESSION_NAME, 'a WAHA session name such as "default"');
			return new WahaBackend(http('X-Api-Key'), session);
		case 'sessionsApi':
			requireSession(session, UUID, 'the session UUID, e.g. e67a00be-ed45-4356-9488-049cabb9895d');
			return new SessionsApiBackend(http('X-API-Key'), session);
		case 'evolution':
			return new EvolutionBackend(http('apikey'), parseInstanceName(session));
		case 'embedded': {
			// Loaded on first use only: gateway users never load the embedded code, let alone Baileys.
			// (`require`, not `import()`: Node's ESM resolver would need the compiled file's extension.)
			const embedded = require('./embedded/EmbeddedBackend') as typeof import('./embedded/EmbeddedBackend');
			return embedded.createEmbeddedBackend(credentials, transport.timeoutMs);
		}
	}
}

function requireSession(session: string, pattern: RegExp, expected: string): void {
	if (!pattern.test(session)) throw new InvalidInputError('Session', session, expected);
}
