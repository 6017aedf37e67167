/**
 * The panels of the two trigger nodes: WhatsApp Chats Trigger (gateways call its webhook) and
 * WhatsApp Chats Embedded Trigger (listens on the connection inside n8n). n8n runs a node type
 * either as a webhook or as a trigger, never both, so each source is its own node type.
 */
import { NodeConnectionTypes, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';
import { TRIGGER_EVENTS, type TriggerEvent } from '../backends/ChatEvent';

export type GatewayLabel = 'WAHA' | 'Sessions API' | 'Evolution API';

const EVENT_DESCRIPTIONS: Record<TriggerEvent, string> = {
	'chat.archive': 'A chat was archived or unarchived',
	'chat.unread': 'A chat was marked as unread',
	'chat.read': 'A chat was read',
	'chat.pin': 'A chat was pinned or unpinned',
	'chat.mute': 'A chat was muted or unmuted',
	'chat.delete': 'A chat was deleted',
	'chat.label': 'A label was added to or removed from a chat (WhatsApp Business accounts)',
	message: 'A new message arrived (or was sent, unless own messages are ignored)',
	'message.edited': 'A message was edited',
	'message.revoked': 'A message was deleted for everyone',
	'message.reaction': 'A reaction was added or removed',
	'message.star': 'A message was starred or unstarred',
	'message.ack':
		'A message you sent was delivered to, read or played by its recipient: data { status, from }, in groups one per member. ' +
		"WAHA: its message.ack; Evolution API: MESSAGES_UPDATE statuses; embedded: WhatsApp's receipts",
	'session.status': 'The WhatsApp connection changed state',
};

/** Which gateways send each event (the README's trigger table says the same; a test compares them). */
export const GATEWAYS_SENDING: Record<TriggerEvent, readonly GatewayLabel[]> = {
	'chat.archive': ['WAHA', 'Sessions API'],
	'chat.unread': ['Sessions API'],
	'chat.read': ['Sessions API', 'Evolution API'],
	'chat.pin': ['Sessions API'],
	'chat.mute': [],
	'chat.delete': ['Sessions API', 'Evolution API'],
	'chat.label': ['WAHA', 'Sessions API', 'Evolution API'],
	message: ['WAHA', 'Sessions API', 'Evolution API'],
	'message.edited': ['WAHA', 'Sessions API', 'Evolution API'],
	'message.revoked': ['WAHA', 'Sessions API', 'Evolution API'],
	'message.reaction': ['WAHA', 'Sessions API', 'Evolution API'],
	'message.star': ['Sessions API'],
	'message.ack': ['WAHA', 'Sessions API', 'Evolution API'],
	'session.status': ['WAHA', 'Sessions API', 'Evolution API'],
};

/** What each source sends for an event, where that is worth saying in its panel. */
const GATEWAY_EVENT_SOURCES: Partial<Record<TriggerEvent, string>> = {
	'chat.label': "WAHA: label.chat.added / label.chat.deleted (on engines that send them); Evolution API: LABELS_ASSOCIATION; Sessions API: an event named chat.label",
};
const EMBEDDED_EVENT_SOURCES: Partial<Record<TriggerEvent, string>> = {
	'chat.label': "From WhatsApp's labels.association (labels changed on the phone or by this node)",
};

const ALL_GATEWAYS: readonly GatewayLabel[] = ['WAHA', 'Sessions API', 'Evolution API'];

function sentBy(event: TriggerEvent): string {
	const gateways = GATEWAYS_SENDING[event];
	if (gateways.length === ALL_GATEWAYS.length) return 'every gateway';
	if (gateways.length === 0) return 'no gateway: only the embedded connection (WhatsApp Chats Embedded Trigger)';
	return `${gateways.join(' and ')} only`;
}

function eventsProperty(describe: (event: TriggerEvent) => string): INodeProperties {
	return {
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: TRIGGER_EVENTS.map((event) => ({ name: event, value: event, description: describe(event) })),
		default: [...TRIGGER_EVENTS],
		description: 'Which changes start the workflow',
	};
}

const optionsProperty: INodeProperties = {
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
};

export const GATEWAY_TRIGGER_NOTICE =
	'WAHA and Evolution API get the Test URL while you listen for a test event, and the Production URL when you Publish. ' +
	'Sessions API: enter the URL in your gateway. Embedded (Baileys) credentials: use the WhatsApp Chats Embedded Trigger.';

export const gatewayTriggerDescription: INodeTypeDescription = {
	displayName: 'WhatsApp Chats Trigger',
	name: 'whatsAppChatsTrigger',
	icon: { light: 'file:whatsapp.svg', dark: 'file:whatsapp.dark.svg' },
	group: ['trigger'],
	version: 1,
	subtitle: 'Gateway webhook',
	// n8n's node panel shows this text for the whole "WhatsApp Chats" app (actions and this trigger).
	description: 'Manage WhatsApp chats and messages, and start workflows when they change: WAHA, Sessions API, Evolution API or embedded',
	defaults: { name: 'WhatsApp Chats Trigger' },
	inputs: [],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'whatsAppChatsApi', required: true }],
	webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'whatsapp-chats' }],
	properties: [
		{ displayName: GATEWAY_TRIGGER_NOTICE, name: 'gatewayNotice', type: 'notice', default: '' },
		// Shown for every gateway: a node parameter cannot depend on the credentials' Connection field.
		{
			displayName:
				'Sessions API: until you set a Webhook Secret in the credentials (sent by the gateway as X-Webhook-Secret), calls to this URL are unauthenticated and anyone who knows it can start the workflow. WAHA and Evolution API registrations are always signed.',
			name: 'sessionsApiSecretNotice',
			type: 'notice',
			default: '',
		},
		eventsProperty((event) => `${EVENT_DESCRIPTIONS[event]}. ${GATEWAY_EVENT_SOURCES[event] ? `${GATEWAY_EVENT_SOURCES[event]}. ` : ''}Sent by ${sentBy(event)}.`),
		optionsProperty,
	],
};

export const EMBEDDED_TRIGGER_NOTICE =
	'Listens on the WhatsApp connection inside n8n: no webhook, no gateway. Pair the session first: WhatsApp Chats node, Session → Get QR. ' +
	'WAHA, Sessions API or Evolution API credentials: use the WhatsApp Chats Trigger node.';

export const embeddedTriggerDescription: INodeTypeDescription = {
	displayName: 'WhatsApp Chats Embedded Trigger',
	name: 'whatsAppChatsEmbeddedTrigger',
	icon: { light: 'file:whatsapp.svg', dark: 'file:whatsapp.dark.svg' },
	group: ['trigger'],
	version: 1,
	subtitle: 'Embedded connection',
	description: 'Starts the workflow when WhatsApp chats or messages change on the connection inside n8n',
	defaults: { name: 'WhatsApp Chats Embedded Trigger' },
	inputs: [],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'whatsAppChatsApi', required: true }],
	properties: [
		{ displayName: EMBEDDED_TRIGGER_NOTICE, name: 'embeddedNotice', type: 'notice', default: '' },
		// The embedded connection reports every event.
		eventsProperty((event) => (EMBEDDED_EVENT_SOURCES[event] ? `${EVENT_DESCRIPTIONS[event]}. ${EMBEDDED_EVENT_SOURCES[event]}` : EVENT_DESCRIPTIONS[event])),
		optionsProperty,
	],
};
