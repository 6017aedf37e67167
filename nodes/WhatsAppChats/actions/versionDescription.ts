/** The action node's description: resources, their operations and fields, the Options collection. */
import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';
import * as chat from './chat';
import * as label from './label';
import * as message from './message';
import { optionsCollection } from './options';
import * as session from './session';

export const versionDescription: INodeTypeDescription = {
	displayName: 'WhatsApp Chats',
	name: 'whatsAppChats',
	icon: { light: 'file:whatsapp.svg', dark: 'file:whatsapp.dark.svg' },
	group: ['output'],
	version: 1,
	subtitle: '={{ $parameter["resource"] + ": " + $parameter["operation"] }}',
	description: 'Archive, clear, pin, star, edit and react in WhatsApp chats through WAHA, Sessions API, Evolution API or an embedded connection',
	defaults: { name: 'WhatsApp Chats' },
	usableAsTool: true,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'whatsAppChatsApi', required: true, testedBy: 'whatsAppChatsConnectionTest' }],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Chat', value: 'chat' },
				{ name: 'Label', value: 'label' },
				{ name: 'Message', value: 'message' },
				{ name: 'Session', value: 'session' },
			],
			default: 'chat',
		},
		...chat.description,
		...label.description,
		...message.description,
		...session.description,
		optionsCollection,
	],
};
