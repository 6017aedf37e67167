/** Picks the webhook side of the gateway the credentials describe, for the trigger. */
import { GatewayHttpClient } from '../transport/GatewayHttpClient';
import { CONNECTION_LABELS, connectionKindOf, DEFAULT_TRANSPORT, type ConnectionCredentials } from './createBackend';
import { InvalidInputError } from './errors';
import { createEvolutionWebhooks } from './evolution/EvolutionWebhooks';
import { parseInstanceName } from './evolution/instanceName';
import { SessionsApiWebhooks } from './sessionsApi/SessionsApiWebhooks';
import { WahaWebhooks } from './waha/WahaWebhooks';
import type { WebhookAdapter } from './webhooks';

export function createWebhookAdapter(credentials: ConnectionCredentials): WebhookAdapter {
	const kind = connectionKindOf(credentials);
	const session = (credentials.session ?? '').trim();
	const secret = credentials.webhookSecret || undefined;
	const http = (apiKeyHeader: string) =>
		new GatewayHttpClient(CONNECTION_LABELS[kind], {
			baseUrl: credentials.baseUrl ?? '',
			apiKeyHeader,
			apiKey: credentials.apiKey || undefined,
			...DEFAULT_TRANSPORT,
		});

	switch (kind) {
		case 'waha':
			return new WahaWebhooks(http('X-Api-Key'), session, secret);
		case 'sessionsApi':
			return new SessionsApiWebhooks(session, secret);
		case 'evolution':
			return createEvolutionWebhooks(http('apikey'), parseInstanceName(session), secret);
		case 'embedded':
			throw new InvalidInputError(
				'Connection',
				CONNECTION_LABELS[kind],
				'a gateway connection, or "Receive Events From: Embedded Connection" (the embedded connection needs no webhook)',
			);
	}
}
