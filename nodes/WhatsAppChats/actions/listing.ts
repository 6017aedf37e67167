/** "Return All" / "Limit" handling shared by the list operations. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { GatewayError, InvalidInputError } from '../../backends/errors';
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

/** Return All reads at most this many results, and at most this many pages, then fails clearly. */
export const RETURN_ALL_MAX_ITEMS = 50_000;
export const RETURN_ALL_MAX_PAGES = 1_000;

/**
 * Fetches page after page until the limit is met or the backend runs out. Never returns more
 * than asked (some gateways ignore the page size), stops when a page brings nothing new (some
 * ignore the offset and send the first page again), and gives up with a clear error past the caps.
 */
export async function collectPages<T extends { id: string }>(
	listing: Listing,
	fetchPage: (page: Page) => Promise<T[]>,
	what: { backend: string; items: string },
): Promise<T[]> {
	const results: T[] = [];
	const seen = new Set<string>();
	let offset = listing.offset;
	let pages = 0;
	while (results.length < listing.limit) {
		if (pages >= RETURN_ALL_MAX_PAGES) {
			throw new GatewayError(
				what.backend,
				'tooLarge',
				`Return All stopped after ${RETURN_ALL_MAX_PAGES} pages (${results.length} ${what.items}): ${what.backend} kept sending pages. ` +
					'Use Limit and Offset to read in parts',
			);
		}
		const size = Math.min(PAGE_SIZE, listing.limit - results.length);
		const page = await fetchPage({ limit: size, offset });
		pages++;
		let fresh = 0;
		// One by one, never `push(...page)`: a gateway may send hundreds of thousands at once.
		for (const entry of page) {
			if (results.length >= listing.limit) break;
			if (entry.id) {
				if (seen.has(entry.id)) continue;
				seen.add(entry.id);
			}
			fresh++;
			if (results.length >= RETURN_ALL_MAX_ITEMS) {
				throw new GatewayError(
					what.backend,
					'tooLarge',
					`Return All stopped at ${RETURN_ALL_MAX_ITEMS} ${what.items}: ${what.backend} has more (or keeps sending new ones). ` +
						'Use Limit and Offset to read them in parts',
				);
			}
			results.push(entry);
		}
		if (page.length < size || fresh === 0) break;
		offset += page.length;
	}
	return results;
}
