/** The "From List" searches of the Chat and Label fields. */
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { createBackend, type ConnectionCredentials } from '../../backends/createBackend';
import { refusalOf } from '../../backends/capabilities';
import { identifiedChatRow, mergeChatRows } from '../../backends/identity';
import { PAGE_SIZE } from '../actions/listing';

/** The "From List" mode of the Chat field: chats from the backend, filtered by name or id. */
export async function searchChats(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const backend = await createBackend(await this.getCredentials<ConnectionCredentials>('whatsAppChatsApi'));
	try {
		if (!backend.supports('listChats')) {
			throw new Error(`${backend.label} offers no chat list: switch the Chat field to "By ID" and enter a phone number or chat ID`);
		}
		const offset = Number(paginationToken ?? 0);
		// Never more than a page, even from a gateway that ignores the limit.
		const listed = (await backend.listChats({ limit: PAGE_SIZE, offset })).slice(0, PAGE_SIZE);
		// One row per chat: its LID row and its phone row are one (found by either id or name).
		const chats = mergeChatRows(listed.map((chat) => identifiedChatRow(chat)));
		const needle = filter?.trim().toLowerCase();
		const matching = needle
			? chats.filter(
					(chat) =>
						chat.id.toLowerCase().includes(needle) ||
						chat.name?.toLowerCase().includes(needle) ||
						(chat.phone && needle.replace(/[^\d]/g, '') && chat.phone.includes(needle.replace(/[^\d]/g, ''))) ||
						chat.lid?.includes(needle),
				)
			: chats;
		return {
			results: matching.map((chat) => ({ name: chat.name ? `${chat.name} (${chat.id})` : chat.id, value: chat.id })),
			paginationToken: listed.length === PAGE_SIZE ? String(offset + PAGE_SIZE) : undefined,
		};
	} finally {
		await backend.release();
	}
}

/** The "From List" mode of the Label field: the account's labels, filtered by name or id. */
export async function searchLabels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const backend = await createBackend(await this.getCredentials<ConnectionCredentials>('whatsAppChatsApi'));
	try {
		const refusal = refusalOf(backend.capabilities, 'listLabels');
		if (refusal) throw refusal;
		const labels = await backend.listLabels();
		const needle = filter?.trim().toLowerCase();
		const matching = needle ? labels.filter((label) => label.id.toLowerCase().includes(needle) || label.name.toLowerCase().includes(needle)) : labels;
		return {
			results: matching.map((label) => ({
				name: label.colorName ? `${label.name} (${label.colorName})` : label.name,
				value: label.id,
			})),
		};
	} finally {
		await backend.release();
	}
}
