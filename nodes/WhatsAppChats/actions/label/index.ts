/** The Label resource (WhatsApp Business labels): its operation table and Operation field. */
import type { INodeProperties } from 'n8n-workflow';
import type { OperationModule } from '../OperationModule';
import * as addToChat from './addToChat.operation';
import * as getForChat from './getForChat.operation';
import * as getMany from './getMany.operation';
import * as removeFromChat from './removeFromChat.operation';

export const operations: Record<string, OperationModule<any>> = {
	getMany,
	getForChat,
	addToChat,
	removeFromChat,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['label'] } },
		options: [
			{ name: 'Add to Chat', value: 'addToChat', description: 'Put a label on a chat (its other labels stay)', action: 'Add a label to a chat' },
			{ name: "Get Chat's Labels", value: 'getForChat', description: 'List the labels on a chat', action: 'Get the labels of a chat' },
			{ name: 'Get Many', value: 'getMany', description: 'List the WhatsApp Business labels of the account', action: 'Get many labels' },
			{ name: 'Remove From Chat', value: 'removeFromChat', description: 'Take a label off a chat (its other labels stay)', action: 'Remove a label from a chat' },
		],
		default: 'getMany',
	},
	...getMany.description,
	...getForChat.description,
	...addToChat.description,
	...removeFromChat.description,
];
