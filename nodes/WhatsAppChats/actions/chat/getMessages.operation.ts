/** Chat → Get Messages: lists a chat's messages, optionally with each media as binary data. */
import { updateDisplayOptions } from 'n8n-workflow';
import { GatewayError } from '../../../backends/errors';
import type { ChatRef } from '../../../backends/ids';
import { chatLocator, messageSummaryJson, readChat } from '../common';
import { binaryPropertyField, downloadMediaField, messageItem, readMediaRequest, type MediaRequest } from '../media';
import type { OperationModule } from '../OperationModule';
import { collectPages, listingFields, readListing, type Listing } from '../listing';

type Input = { chat: ChatRef; listing: Listing; media: MediaRequest | undefined };

export const capability = 'listMessages';

export const description = updateDisplayOptions({ show: { resource: ['chat'], operation: ['getMessages'] } }, [
	chatLocator,
	...listingFields,
	downloadMediaField('Whether to download the media of each message as binary data on its item (slower)'),
	binaryPropertyField,
]);

export const readInput: OperationModule<Input>['readInput'] = (ctx, itemIndex) => ({
	chat: readChat(ctx, itemIndex),
	listing: readListing(ctx, itemIndex),
	media: readMediaRequest(ctx, itemIndex),
});

/**
 * One item per message; with Download Media each message's media is binary data on its own item,
 * downloaded one after another. A media that fails leaves its message's item without binary and
 * with `mediaError` (naming the message); the other messages keep theirs.
 */
export const execute: OperationModule<Input>['execute'] = async (backend, { chat, listing, media }, ctx) => {
	const messages = await collectPages(listing, (page) => backend.listMessages(chat, { ...page, downloadMedia: media !== undefined }), {
		backend: backend.label,
		items: 'messages',
	});
	const items = [];
	for (const message of messages) {
		try {
			items.push(await messageItem(ctx, backend, message, media));
		} catch (error) {
			if (!(error instanceof GatewayError)) throw error;
			items.push({ json: { ...messageSummaryJson(message), mediaError: error.message } });
		}
	}
	return items;
};
