/** Chat → Get Many: lists chats (one row per chat), with Return All / Limit / Offset. */
import { updateDisplayOptions } from 'n8n-workflow';
import { mergeChatRows } from '../../../backends/identity';
import { chatSummaryJson } from '../common';
import type { OperationModule } from '../OperationModule';
import { collectPages, listingFields, readListing, type Listing } from '../listing';

export const capability = 'listChats';

export const description = updateDisplayOptions({ show: { resource: ['chat'], operation: ['getMany'] } }, listingFields);

export const readInput: OperationModule<Listing>['readInput'] = readListing;

export const execute: OperationModule<Listing>['execute'] = async (backend, listing) => {
	const chats = await collectPages(listing, (page) => backend.listChats(page), { backend: backend.label, items: 'chats' });
	// One row per chat: a chat listed under its LID and under its phone number is one row.
	return mergeChatRows(chats.map(chatSummaryJson) as Array<{ id: string; phone: string | null; lid: string | null }>).map((json) => ({ json }));
};
