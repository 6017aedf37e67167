/** Backoff between retries: exponential with full jitter, or what `Retry-After` asks for. */

const DEFAULT_BASE_DELAY_MS = 300;
const MAX_DELAY_MS = 30_000;

export function retryDelayMs(attempt: number, retryAfter?: unknown, baseDelayMs = DEFAULT_BASE_DELAY_MS): number {
	const asked = parseRetryAfter(retryAfter);
	if (asked !== undefined) return Math.min(asked, MAX_DELAY_MS);
	const ceiling = Math.min(baseDelayMs * 2 ** attempt, MAX_DELAY_MS);
	// Half fixed, half random: spreads retries of a batch without ever retrying at once.
	return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** `Retry-After` is either seconds or an HTTP date. */
export function parseRetryAfter(value: unknown): number | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
