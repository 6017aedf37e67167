/** The Chat resource: its operation table and its Operation field. */
import type { INodeProperties } from 'n8n-workflow';
import type { OperationModule } from '../OperationModule';
import * as archive from './archive.operation';
import * as clearMessages from './clearMessages.operation';
import * as deleteChat from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as getMessages from './getMessages.operation';
import * as getPicture from './getPicture.operation';
import * as markRead from './markRead.operation';
import * as markUnread from './markUnread.operation';
import * as mute from './mute.operation';
import * as pin from './pin.operation';
import * as unarchive from './unarchive.operation';
import * as unmute from './unmute.operation';
import * as unpin from './unpin.operation';

export const operations: Record<string, OperationModule<any>> = {
	getMany,
	get,
	getPicture,
	getMessages,
	archive,
	unarchive,
	markUnread,
	markRead,
	mute,
	unmute,
	pin,
	unpin,
	delete: deleteChat,
	clearMessages,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['chat'] } },
		options: [
			{ name: 'Archive', value: 'archive', description: 'Archive a chat', action: 'Archive a chat' },
			{ name: 'Clear Messages', value: 'clearMessages', description: 'Delete all messages of a chat', action: 'Clear messages of a chat' },
			{ name: 'Delete', value: 'delete', description: 'Delete a chat', action: 'Delete a chat' },
			{ name: 'Get', value: 'get', description: 'Get one chat: name, unread count, flags, last message', action: 'Get a chat' },
			{ name: 'Get Many', value: 'getMany', description: 'List chats', action: 'Get many chats' },
			{ name: 'Get Messages', value: 'getMessages', description: 'List the messages of a chat', action: 'Get messages of a chat' },
			{ name: 'Get Picture', value: 'getPicture', description: 'Get the profile picture of a chat, as a URL or a file', action: 'Get the picture of a chat' },
			{ name: 'Mark Read', value: 'markRead', description: 'Mark the unread messages of a chat as read', action: 'Mark a chat as read' },
			{ name: 'Mark Unread', value: 'markUnread', description: 'Mark a chat as unread', action: 'Mark a chat as unread' },
			{ name: 'Mute', value: 'mute', description: 'Silence the notifications of a chat', action: 'Mute a chat' },
			{ name: 'Pin', value: 'pin', description: 'Pin a chat to the top of the chat list', action: 'Pin a chat' },
			{ name: 'Unarchive', value: 'unarchive', description: 'Move a chat out of the archive', action: 'Unarchive a chat' },
			{ name: 'Unmute', value: 'unmute', description: 'Turn the notifications of a chat back on', action: 'Unmute a chat' },
			{ name: 'Unpin', value: 'unpin', description: 'Take a chat off the top of the chat list', action: 'Unpin a chat' },
		],
		default: 'archive',
	},
	...getMany.description,
	...get.description,
	...getPicture.description,
	...getMessages.description,
	...archive.description,
	...unarchive.description,
	...markUnread.description,
	...markRead.description,
	...mute.description,
	...unmute.description,
	...pin.description,
	...unpin.description,
	...deleteChat.description,
	...clearMessages.description,
];
