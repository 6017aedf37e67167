/** The shared builder of the chat operations that take a chat and answer a status. */
import { updateDisplayOptions, type IDataObject } from 'n8n-workflow';
import type { ChatRef } from '../../../backends/ids';
import type { BackendAnswer, Operation, WhatsAppBackend } from '../../../backends/WhatsAppBackend';
import { chatLocator, chatResult, readChat } from '../common';
import type { OperationModule } from '../OperationModule';

/** Archive, Unarchive, Mark Read / Unread, Unmute, Pin, Unpin, Delete and Clear share one shape: a chat in, a status out. */
export function chatAction(spec: {
	operation: string;
	capability: Operation;
	result: IDataObject;
	run: (backend: WhatsAppBackend, chat: ChatRef) => Promise<BackendAnswer>;
}): OperationModule<ChatRef> {
	return {
		capability: spec.capability,
		description: updateDisplayOptions({ show: { resource: ['chat'], operation: [spec.operation] } }, [chatLocator]),
		readInput: readChat,
		execute: async (backend, chat) => chatResult(backend, chat, spec.result, await spec.run(backend, chat)),
	};
}
