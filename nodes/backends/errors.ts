/**
 * Errors backends throw. They carry what a person needs (which backend, what it said) and never
 * request headers, so API keys cannot leak through them. The node turns them into n8n errors.
 */

export type GatewayErrorKind =
	| 'unreachable'
	| 'timeout'
	| 'unauthorized'
	| 'unknownSession'
	| 'notFound'
	| 'unsupported'
	| 'rateLimited'
	| 'rejected'
	| 'server'
	/** A 2xx (or redirect) that is not what the gateway's API answers: HTML, plain text, broken JSON. */
	| 'badAnswer'
	/** The answer passed the size cap. */
	| 'tooLarge';

export class GatewayError extends Error {
	constructor(
		readonly backend: string,
		readonly kind: GatewayErrorKind,
		message: string,
		readonly details: { httpStatus?: number; gatewayMessage?: string; raw?: unknown } = {},
	) {
		super(message);
		this.name = 'GatewayError';
	}
}

/**
 * Hints a backend shows under its errors in place of the gateway ones (the embedded connection
 * has no Base URL, API key or gateway). Registered by the backend's own module when it loads.
 */
const hintsByBackend = new Map<string, Partial<Record<GatewayErrorKind, string>>>();

export function setBackendHints(backend: string, hints: Partial<Record<GatewayErrorKind, string>>): void {
	hintsByBackend.set(backend, hints);
}

export function backendHints(backend: string): Partial<Record<GatewayErrorKind, string>> | undefined {
	return hintsByBackend.get(backend);
}

/** The backend does not offer the operation at all; raised before any request. */
export class UnsupportedOperationError extends Error {
	constructor(
		readonly backend: string,
		readonly operationLabel: string,
		hint?: string,
	) {
		super(`${operationLabel} is not supported by ${backend}${hint ? `: ${hint}` : ''}`);
		this.name = 'UnsupportedOperationError';
	}
}

/** A user-supplied value is unusable. Names the field, the value and what is expected. */
export class InvalidInputError extends Error {
	constructor(
		readonly field: string,
		readonly value: unknown,
		readonly expected: string,
	) {
		super(`Invalid ${field} ${JSON.stringify(value)}: expected ${expected}`);
		this.name = 'InvalidInputError';
	}
}

/** For the methods of a backend that lacks an operation; `supports()` lets callers ask first. */
export function notSupported(backend: string, operationLabel: string, hint?: string): never {
	throw new UnsupportedOperationError(backend, operationLabel, hint);
}
