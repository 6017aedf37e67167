/** The shared builder of the message operations that take a chat and a message. */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import type { MessageRef } from '../../../backends/ids';
import type { BackendAnswer, Operation, WhatsAppBackend } from '../../../backends/WhatsAppBackend';
import { chatLocator, messageIdField, messageResult, readMessage } from '../common';
import type { OperationModule } from '../OperationModule';

/** Every message operation takes a chat and a message, plus at most one value of its own. */
export function messageAction<Extra>(spec: {
	operation: string;
	capability: Operation;
	extraFields?: INodeProperties[];
	readExtra?: (ctx: IExecuteFunctions, itemIndex: number) => Extra;
	run: (backend: WhatsAppBackend, message: MessageRef, extra: Extra) => Promise<BackendAnswer>;
	result: (extra: Extra, answer: BackendAnswer) => IDataObject;
}): OperationModule<{ message: MessageRef; extra: Extra }> {
	return {
		capability: spec.capability,
		description: updateDisplayOptions({ show: { resource: ['message'], operation: [spec.operation] } }, [
			chatLocator,
			messageIdField,
			...(spec.extraFields ?? []),
		]),
		readInput: (ctx, itemIndex) => ({
			message: readMessage(ctx, itemIndex),
			extra: spec.readExtra ? spec.readExtra(ctx, itemIndex) : (undefined as Extra),
		}),
		execute: async (backend, { message, extra }) => {
			const answer = await spec.run(backend, message, extra);
			return messageResult(backend, message, spec.result(extra, answer), answer);
		},
	};
}
