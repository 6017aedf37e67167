import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { TRIGGER_EVENTS } from '../backends/events';

const EVENT_DESCRIPTIONS: Record<(typeof TRIGGER_EVENTS)[number], string> = {
	'chat.archive': 'A chat was archived or unarchived',
	'chat.unread': 'A chat was marked as unread',
	'chat.read': 'A chat was read',
	'chat.pin': 'A chat was pinned or unpinned',
	'chat.delete': 'A chat was deleted',
	message: 'A new message arrived (or was sent, unless own messages are ignored)',
	'message.edited': 'A message was edited',
	'message.revoked': 'A message was deleted for everyone',
	'message.reaction': 'A reaction was added or removed',
	'message.star': 'A message was starred or unstarred',
	'session.status': 'The WhatsApp connection changed state',
};

const properties: INodeProperties[] = [
	{
		displayName: 'Receive Events From',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Gateway Webhook', value: 'gateway', description: 'WAHA, Sessions API or Evolution API call n8n' },
			{ name: 'Embedded Connection', value: 'embedded', description: 'The WhatsApp connection inside n8n' },
		],
		default: 'gateway',
	},
	{
		displayName:
			'WAHA and Evolution API get this webhook URL set automatically when the workflow is activated. For the Sessions API, enter it in your gateway.',
		name: 'gatewayNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { source: ['gateway'] } },
	},
	// Shown for every gateway: a node parameter cannot depend on the credentials' Connection field.
	{
		displayName:
			'Sessions API: until you set a Webhook Secret in the credentials (sent by the gateway as X-Webhook-Secret), calls to this URL are unauthenticated and anyone who knows it can start the workflow. WAHA and Evolution API registrations are always signed.',
		name: 'sessionsApiSecretNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { source: ['gateway'] } },
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: TRIGGER_EVENTS.map((event) => ({ name: event, value: event, description: EVENT_DESCRIPTIONS[event] })),
		default: [...TRIGGER_EVENTS],
		description: 'Which changes start the workflow. Not every backend reports every event: see the README.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'De-Duplication Window (Seconds)',
				name: 'dedupeWindowSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 600,
				description: 'The same change received again within this time starts no second execution',
			},
			{
				displayName: 'Ignore Groups',
				name: 'ignoreGroups',
				type: 'boolean',
				default: false,
				description: 'Whether to ignore events of group chats',
			},
			{
				displayName: 'Ignore Own Messages',
				name: 'ignoreOwnMessages',
				type: 'boolean',
				default: true,
				description:
					'Whether to ignore messages, edits, deletions and reactions sent from this WhatsApp account, so a workflow does not trigger itself',
			},
			{
				displayName: 'Only These Chats',
				name: 'onlyChats',
				type: 'string',
				default: '',
				placeholder: '+91 99880-66776, 120363012345678901@g.us',
				description: 'Comma-separated phone numbers or chat IDs; empty means all chats',
			},
		],
	},
];

export const triggerDescription: INodeTypeDescription = {
	displayName: 'WhatsApp Chats Trigger',
	name: 'whatsAppChatsTrigger',
	icon: { light: 'file:whatsapp.svg', dark: 'file:whatsapp.dark.svg' },
	group: ['trigger'],
	version: 1,
	subtitle: '={{ $parameter["source"] === "embedded" ? "Embedded connection" : "Gateway webhook" }}',
	description: 'Starts the workflow when WhatsApp chats or messages change',
	defaults: { name: 'WhatsApp Chats Trigger' },
	inputs: [],
	outputs: ['main'],
	credentials: [{ name: 'whatsAppChatsApi', required: true }],
	webhooks: [
		{
			name: 'default',
			httpMethod: 'POST',
			responseMode: 'onReceived',
			// No webhook for the embedded source, so n8n runs trigger() instead (also for test events).
			path: '={{ $parameter["source"] === "embedded" ? undefined : "whatsapp-chats" }}',
		},
	],
	properties,
};
