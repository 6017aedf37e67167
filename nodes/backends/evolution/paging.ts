/**
 * Evolution pages messages by page number (`page`, 1-based) and page size (`offset`), not by
 * offset and limit. This picks the smallest page size whose one page covers the wanted window.
 */
export interface PageWindow {
	page: number;
	pageSize: number;
	/** Where the wanted items start inside that page. */
	skip: number;
}

export function pageWindow(offset: number, limit: number): PageWindow {
	const last = offset + limit - 1;
	let pageSize = limit;
	// Terminates: with pageSize = offset + limit the whole window is on page 1.
	while (Math.floor(offset / pageSize) !== Math.floor(last / pageSize)) pageSize++;
	const page = Math.floor(offset / pageSize) + 1;
	return { page, pageSize, skip: offset - (page - 1) * pageSize };
}
