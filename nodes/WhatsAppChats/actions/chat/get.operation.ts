/** Chat → Get: one chat with its name, flags, unread count, picture URL where cheap, and last message. */
import { updateDisplayOptions, type IDataObject } from 'n8n-workflow';
import type { ChatRef } from '../../../backends/ids';
import { chatLocator, chatResult, nestedMessageJson, readChat } from '../common';
import type { OperationModule } from '../OperationModule';

export const capability = 'getChat';

export const description = updateDisplayOptions({ show: { resource: ['chat'], operation: ['get'] } }, [chatLocator]);

export const readInput: OperationModule<ChatRef>['readInput'] = readChat;

export const execute: OperationModule<ChatRef>['execute'] = async (backend, chat) => {
	const details = await backend.getChat(chat);
	const fields: IDataObject = {
		name: details.name,
		isGroup: details.isGroup,
		pictureUrl: details.pictureUrl,
		unreadCount: details.unreadCount,
		archived: details.archived,
		pinned: details.pinned,
		muted: details.muted,
		lastMessageTimestamp: details.lastMessageTimestamp,
		lastMessage: details.lastMessage ? nestedMessageJson(details.lastMessage) : null,
	};
	// The chat's own row may know its other form (phone number ↔ LID).
	return chatResult(backend, chat, fields, { raw: details.raw, identity: { phone: details.phone ?? null, lid: details.lid ?? null } });
};
