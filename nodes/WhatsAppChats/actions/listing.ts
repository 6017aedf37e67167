/** "Return All" / "Limit" handling shared by the list operations. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { InvalidInputError } from '../../backends/errors';
import type { Page } from '../../backends/WhatsAppBackend';
import { readPositiveInteger } from './common';

export const MAX_LIMIT = 1000;
/** Page size when returning everything; small enough for gateways that time out on big lists. */
export const PAGE_SIZE = 100;

export const listingFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_LIMIT },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Offset',
		name: 'offset',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description: 'How many results to skip from the start',
	},
];

export interface Listing {
	returnAll: boolean;
	limit: number;
	offset: number;
}

export function readListing(ctx: IExecuteFunctions, itemIndex: number): Listing {
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const offset = ctx.getNodeParameter('offset', itemIndex, 0) as number;
	if (!Number.isInteger(offset) || offset < 0) {
		throw new InvalidInputError('Offset', offset, 'a whole number, 0 or more');
	}
	return { returnAll, offset, limit: returnAll ? Infinity : readPositiveInteger(ctx, 'limit', 'Limit', itemIndex, MAX_LIMIT) };
}

/** Fetches page after page until the limit is met or the backend runs out. */
export async function collectPages<T>(listing: Listing, fetchPage: (page: Page) => Promise<T[]>): Promise<T[]> {
	const results: T[] = [];
	let offset = listing.offset;
	while (results.length < listing.limit) {
		const size = Math.min(PAGE_SIZE, listing.limit - results.length);
		const page = await fetchPage({ limit: size, offset });
		results.push(...page);
		if (page.length < size) break;
		offset += page.length;
	}
	return results;
}
