/** Picks the webhook side of the gateway the credentials describe, for the trigger. */
import { CONNECTION_LABELS, connectionKindOf, openGateway, type ConnectionCredentials } from './createBackend';
import { InvalidInputError } from './errors';
import { createEvolutionWebhooks } from './evolution/EvolutionWebhooks';
import { SessionsApiWebhooks } from './sessionsApi/SessionsApiWebhooks';
import { WahaWebhooks } from './waha/WahaWebhooks';
import type { WebhookAdapter } from './WebhookAdapter';

export function createWebhookAdapter(credentials: ConnectionCredentials): WebhookAdapter {
	const kind = connectionKindOf(credentials);
	if (kind === 'embedded') {
		throw new InvalidInputError(
			'Connection',
			CONNECTION_LABELS[kind],
			'a gateway connection (WAHA, Sessions API, Evolution API): for the embedded connection use the WhatsApp Chats Embedded Trigger node, which needs no webhook',
		);
	}
	const { http, session } = openGateway(kind, credentials);
	const secret = credentials.webhookSecret || undefined;
	switch (kind) {
		case 'waha':
			return new WahaWebhooks(http, session, secret, `${credentials.baseUrl ?? ''}|${session}`);
		case 'sessionsApi':
			return new SessionsApiWebhooks(session, secret);
		case 'evolution':
			return createEvolutionWebhooks(http, session, secret, credentials.apiKey || undefined);
	}
}
