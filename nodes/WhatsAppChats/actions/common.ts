/** Parameters and output shapes shared by several operations. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { InvalidInputError } from '../../backends/errors';
import { chatIdentityFields, identifiedChatRow, identifiedMessageRow, identityOf, mergeIdentities, type Identity } from '../../backends/identity';
import { parseChatId, parseMessageId, type ChatRef, type MessageRef } from '../../backends/ids';
import type { BackendAnswer, ChatSummary, MessageSummary, WhatsAppBackend } from '../../backends/WhatsAppBackend';

export const chatLocator: INodeProperties = {
	displayName: 'Chat',
	name: 'chatId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The chat: pick one from the list, or choose By ID and enter a phone number (+91 99880-66776) or a chat ID (919988066776@s.whatsapp.net)',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchChats', searchable: true },
		},
		{
			// n8n labels the "id" mode "By ID" itself, whatever this says; the texts use that label.
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. +91 99880-66776',
		},
	],
};

export const messageIdField: INodeProperties = {
	displayName: 'Message ID',
	name: 'messageId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'true_919988066776@c.us_3EB0C767D26A1A8E',
	description: 'ID of the message: the bare WhatsApp message ID (3EB0C767D26A1A8E), or a serialized one such as true_919988066776@c.us_3EB0C767D26A1A8E',
};

export function readChat(ctx: IExecuteFunctions, itemIndex: number): ChatRef {
	return parseChatId(ctx.getNodeParameter('chatId', itemIndex, '', { extractValue: true }), 'Chat');
}

export function readMessage(ctx: IExecuteFunctions, itemIndex: number): MessageRef {
	return parseMessageId(ctx.getNodeParameter('messageId', itemIndex, ''), readChat(ctx, itemIndex), 'Message ID');
}

export function readPositiveInteger(ctx: IExecuteFunctions, name: string, label: string, itemIndex: number, max: number): number {
	const value = ctx.getNodeParameter(name, itemIndex) as unknown;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
		throw new InvalidInputError(label, value, `a whole number from 1 to ${max}`);
	}
	return value;
}

/** What is known of a chat's phone number and LID: what its resolution found, else what its id says. */
export function identityOfChat(chat: ChatRef): Identity {
	return mergeIdentities(chat.identity, identityOf(chat.jid));
}

/** The output of every chat action: the same fields on every backend, the backend's answer in `raw`. */
export function chatResult(backend: WhatsAppBackend, chat: ChatRef, fields: IDataObject, answer: BackendAnswer): INodeExecutionData[] {
	return [
		{
			json: {
				success: true,
				chatId: backend.formatChatId(chat),
				...chatIdentityFields(mergeIdentities(identityOfChat(chat), answer.identity)),
				...fields,
				raw: answer.raw as IDataObject,
			},
		},
	];
}

/** A chat row of a list (Chat → Get Many): `phone` and `lid` after `id`, `raw` as given. */
export function chatSummaryJson(chat: ChatSummary): IDataObject {
	return { ...identifiedChatRow(chat), raw: chat.raw as IDataObject };
}

/** A message row (Get Messages): the chat's `phone`/`lid` after `chatId`, the sender's `fromPhone`/`fromLid` after `from`. */
export function messageSummaryJson(message: MessageSummary): IDataObject {
	return { ...identifiedMessageRow(message), raw: message.raw as IDataObject };
}

/** A message inside another output (Chat → Get's `lastMessage`): Get Messages' row with its identity fields, without `raw`. */
export function nestedMessageJson(message: MessageSummary): IDataObject {
	const { raw: _raw, ...row } = identifiedMessageRow(message);
	return row as unknown as IDataObject;
}

export function messageResult(
	backend: WhatsAppBackend,
	message: MessageRef,
	fields: IDataObject,
	answer: BackendAnswer,
): INodeExecutionData[] {
	return [
		{
			json: {
				success: true,
				chatId: backend.formatChatId(message.chat),
				...chatIdentityFields(mergeIdentities(mergeIdentities(identityOfChat(message.chat), answer.identity), answer.resolved?.chat.identity)),
				messageId: backend.formatMessageId(answer.resolved ?? message),
				...fields,
				raw: answer.raw as IDataObject,
			},
		},
	];
}
