/** Label → Get Chat's Labels: the labels on one chat (ids and names). */
import { updateDisplayOptions, type IDataObject } from 'n8n-workflow';
import type { ChatRef } from '../../../backends/ids';
import { chatLocator, chatResult, readChat } from '../common';
import type { OperationModule } from '../OperationModule';

export const capability = 'getChatLabels';

export const description = updateDisplayOptions({ show: { resource: ['label'], operation: ['getForChat'] } }, [chatLocator]);

export const readInput: OperationModule<ChatRef>['readInput'] = readChat;

export const execute: OperationModule<ChatRef>['execute'] = async (backend, chat) => {
	const { labels, raw, note, identity } = await backend.getChatLabels(chat);
	return chatResult(backend, chat, { labels: labels as unknown as IDataObject[], ...(note ? { note } : {}) }, { raw, identity });
};
