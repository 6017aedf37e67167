import { updateDisplayOptions } from 'n8n-workflow';
import type { ChatRef } from '../../../backends/ids';
import { chatLocator, messageSummaryJson, readChat } from '../common';
import type { OperationModule } from '../OperationModule';
import { collectPages, listingFields, readListing, type Listing } from '../listing';

type Input = { chat: ChatRef; listing: Listing; downloadMedia: boolean };

export const capability = 'listMessages';

export const description = updateDisplayOptions({ show: { resource: ['chat'], operation: ['getMessages'] } }, [
	chatLocator,
	...listingFields,
	{
		displayName: 'Download Media',
		name: 'downloadMedia',
		type: 'boolean',
		default: false,
		description: 'Whether the gateway should download images and files of the messages (slower)',
	},
]);

export const readInput: OperationModule<Input>['readInput'] = (ctx, itemIndex) => ({
	chat: readChat(ctx, itemIndex),
	listing: readListing(ctx, itemIndex),
	downloadMedia: ctx.getNodeParameter('downloadMedia', itemIndex, false) as boolean,
});

export const execute: OperationModule<Input>['execute'] = async (backend, { chat, listing, downloadMedia }) => {
	const messages = await collectPages(listing, (page) => backend.listMessages(chat, { ...page, downloadMedia }), {
		backend: backend.label,
		items: 'messages',
	});
	return messages.map((message) => ({ json: messageSummaryJson(message) }));
};
