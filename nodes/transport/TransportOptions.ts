// How a backend talks to its gateway (or the embedded connection): deadline, retries, answer size cap.
export interface TransportOptions {
	timeoutMs: number;
	maxRetries: number;
	retryBaseDelayMs?: number;
	/** Largest gateway answer accepted (after decompression); the transport's default if unset. */
	maxResponseBytes?: number;
}

export const DEFAULT_TRANSPORT: TransportOptions = { timeoutMs: 30_000, maxRetries: 3 };
