/** Message → Get: one message with its media facts, optionally its media as binary data. */
import { updateDisplayOptions } from 'n8n-workflow';
import type { MessageRef } from '../../../backends/ids';
import { chatLocator, messageIdField, readMessage } from '../common';
import { binaryPropertyField, downloadMediaField, messageItem, readMediaRequest, type MediaRequest } from '../media';
import type { OperationModule } from '../OperationModule';

type Input = { message: MessageRef; media: MediaRequest | undefined };

export const capability = 'getMessage';

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['get'] } }, [
	chatLocator,
	messageIdField,
	downloadMediaField('Whether to download the image, video, audio or document of the message as binary data'),
	binaryPropertyField,
]);

export const readInput: OperationModule<Input>['readInput'] = (ctx, itemIndex) => ({
	message: readMessage(ctx, itemIndex),
	media: readMediaRequest(ctx, itemIndex),
});

/** The message with its media facts; with Download Media, its media as binary data (none for a message without). */
export const execute: OperationModule<Input>['execute'] = async (backend, { message, media }, ctx) => {
	const details = await backend.getMessage(message, { downloadMedia: media !== undefined });
	return [await messageItem(ctx, backend, details, media)];
};
