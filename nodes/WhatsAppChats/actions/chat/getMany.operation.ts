import { updateDisplayOptions, type IDataObject } from 'n8n-workflow';
import type { OperationModule } from '../OperationModule';
import { collectPages, listingFields, readListing, type Listing } from '../listing';

export const capability = 'listChats';

export const description = updateDisplayOptions({ show: { resource: ['chat'], operation: ['getMany'] } }, listingFields);

export const readInput: OperationModule<Listing>['readInput'] = readListing;

export const execute: OperationModule<Listing>['execute'] = async (backend, listing) => {
	const chats = await collectPages(listing, (page) => backend.listChats(page), { backend: backend.label, items: 'chats' });
	return chats.map((chat) => ({ json: { ...chat, raw: chat.raw as IDataObject } }));
};
