/** The Message resource: its operation table and its Operation field. */
import type { INodeProperties } from 'n8n-workflow';
import type { OperationModule } from '../OperationModule';
import * as deleteMessage from './delete.operation';
import * as edit from './edit.operation';
import * as get from './get.operation';
import * as pin from './pin.operation';
import * as react from './react.operation';
import * as sendText from './sendText.operation';
import * as star from './star.operation';
import * as unpin from './unpin.operation';
import * as unstar from './unstar.operation';

export const operations: Record<string, OperationModule<any>> = {
	edit,
	get,
	delete: deleteMessage,
	pin,
	unpin,
	star,
	unstar,
	react,
	sendText,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{ name: 'Delete', value: 'delete', description: 'Delete a message for everyone', action: 'Delete a message' },
			{ name: 'Edit', value: 'edit', description: 'Change the text of a message you sent', action: 'Edit a message' },
			{ name: 'Get', value: 'get', description: 'Get one message, optionally with its media as binary data', action: 'Get a message' },
			{ name: 'Pin', value: 'pin', description: 'Pin a message in its chat', action: 'Pin a message' },
			{ name: 'React', value: 'react', description: 'React to a message with an emoji', action: 'React to a message' },
			{ name: 'Send Text', value: 'sendText', description: 'Send a text message, optionally as a reply', action: 'Send a text message' },
			{ name: 'Star', value: 'star', description: 'Star a message', action: 'Star a message' },
			{ name: 'Unpin', value: 'unpin', description: 'Unpin a message', action: 'Unpin a message' },
			{ name: 'Unstar', value: 'unstar', description: 'Remove the star from a message', action: 'Unstar a message' },
		],
		default: 'react',
	},
	...edit.description,
	...get.description,
	...deleteMessage.description,
	...pin.description,
	...unpin.description,
	...star.description,
	...unstar.description,
	...react.description,
	...sendText.description,
];
