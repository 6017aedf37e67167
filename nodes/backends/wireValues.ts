/**
 * Rules every backend shares for values on the wire: Unix seconds from whatever a gateway or
 * Baileys sends, one header value of a webhook call, and what a session name may look like.
 */

/** Safe as a path segment and a folder name: no separators, cannot be `.` or `..`. */
export const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Unix seconds from seconds or milliseconds, as a number, a numeric string, an ISO date or a
 * protobuf Long (`{ low, high }`); null for anything else, zero or negative.
 */
export function unixSeconds(value: unknown): number | null {
	let number: number;
	if (typeof value === 'number') number = value;
	else if (typeof value === 'string') {
		const text = value.trim();
		if (text === '') return null;
		number = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Date.parse(text) / 1000;
	} else if (typeof value === 'bigint') number = Number(value);
	else if (value && typeof value === 'object' && typeof (value as { low?: unknown }).low === 'number') {
		const long = value as { low: number; high?: number };
		number = (long.high ?? 0) * 2 ** 32 + (long.low >>> 0);
	} else return null;
	if (!Number.isFinite(number) || number <= 0) return null;
	return number > 1e11 ? Math.floor(number / 1000) : Math.floor(number);
}

/** Now, in Unix seconds: for events that carry no time of their own. */
export function nowInSeconds(): number {
	return Math.floor(Date.now() / 1000);
}

/** The first value of a header (names in lower case, as Node gives them). */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}
