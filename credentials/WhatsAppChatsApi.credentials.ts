/** The one credential type (WhatsApp Chats API) for every backend: gateway URL and key, or the embedded session. */
import type { ICredentialType, INodeProperties } from 'n8n-workflow';

const GATEWAYS = ['waha', 'sessionsApi', 'evolution'];

/** One credential for every backend; only the fields the chosen connection needs are shown. */
export class WhatsAppChatsApi implements ICredentialType {
	name = 'whatsAppChatsApi';

	displayName = 'WhatsApp Chats API';

	documentationUrl = 'https://github.com/n8n-nodes-whatsapp-chats/n8n-nodes-whatsapp-chats#credentials-whatsapp-chats-api';

	icon = 'file:whatsapp.svg' as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Connection',
			name: 'connection',
			type: 'options',
			options: [
				{ name: 'WAHA', value: 'waha', description: 'WAHA (WhatsApp HTTP API) gateway you run' },
				{ name: 'Sessions API', value: 'sessionsApi', description: 'Sessions API gateway (/sessions/{ID}/…)' },
				{ name: 'Evolution API', value: 'evolution', description: 'Evolution API v2 gateway you run' },
				{ name: 'Embedded (Baileys)', value: 'embedded', description: 'WhatsApp inside n8n, no extra server' },
			],
			default: 'waha',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://localhost:3000',
			placeholder: 'http://localhost:3000',
			displayOptions: { show: { connection: GATEWAYS } },
		},
		{
			displayName: 'Session',
			name: 'session',
			type: 'string',
			default: 'default',
			description: 'Name of the WAHA session',
			displayOptions: { show: { connection: ['waha'] } },
		},
		{
			displayName: 'Session ID',
			name: 'session',
			type: 'string',
			default: '',
			placeholder: 'e67a00be-ed45-4356-9488-049cabb9895d',
			description: 'UUID of the session in the Sessions API gateway',
			displayOptions: { show: { connection: ['sessionsApi'] } },
		},
		{
			displayName: 'Instance',
			name: 'session',
			type: 'string',
			default: '',
			description: 'Name of the Evolution API instance',
			displayOptions: { show: { connection: ['evolution'] } },
		},
		{
			displayName: 'Session Name',
			name: 'session',
			type: 'string',
			default: 'default',
			description: 'Name for this WhatsApp account in n8n; each name is paired once',
			displayOptions: { show: { connection: ['embedded'] } },
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { connection: GATEWAYS } },
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Used by the WhatsApp Chats Trigger to verify that webhooks come from your gateway',
			displayOptions: { show: { connection: GATEWAYS } },
		},
		{
			displayName: 'Session Secret',
			name: 'sessionSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Opens this WhatsApp session: its folder and the key that encrypts its files are derived from it. At least 12 characters; keep a copy, losing it means pairing again.',
			displayOptions: { show: { connection: ['embedded'] } },
		},
		{
			displayName: 'Auth Folder',
			name: 'authFolder',
			type: 'string',
			default: '',
			placeholder: 'e.g. /data/whatsapp-sessions/support',
			description:
				'Where the pairing keys and the local chat store are kept (encrypted). Empty means a folder of its own inside the n8n user folder: whatsapp-chats/<session>-<id from the secret>.',
			displayOptions: { show: { connection: ['embedded'] } },
		},
	];
}
