/**
 * How WAHA speaks, for its backend and its webhooks alike: its name, its API key header and
 * session names, how it says it does not know a session, what a list answer is, its ids (`{ _serialized }` objects or strings) and its
 * serialized message ids `{fromMe}_{chat}_{id}[_{participant}]`.
 */
import { GatewayError, InvalidInputError } from '../errors';
import { SESSION_NAME } from '../wireValues';

export const WAHA_LABEL = 'WAHA';
export const WAHA_API_KEY_HEADER = 'X-Api-Key';

/** A WAHA session is a name in every path. */
export function checkWahaSession(session: string): string {
	if (!SESSION_NAME.test(session)) throw new InvalidInputError('Session', session, 'a WAHA session name such as "default"');
	return session;
}

/** WAHA answers 404 (or 422 "session status is not as expected") for a session it does not know or run. */
export function explainWahaError(error: unknown, session: string): unknown {
	if (
		error instanceof GatewayError &&
		(error.details.httpStatus === 404 || error.details.httpStatus === 422) &&
		/session/i.test(error.details.gatewayMessage ?? '')
	) {
		return new GatewayError(
			WAHA_LABEL,
			'unknownSession',
			`WAHA does not know the session "${session}" or it is not running: ${error.details.gatewayMessage}`,
			error.details,
		);
	}
	return error;
}

/** WAHA's list answers are JSON arrays; anything else is not what was asked for. */
export function wahaList(data: unknown, what: string): Record<string, unknown>[] {
	if (Array.isArray(data)) return data as Record<string, unknown>[];
	throw new GatewayError(WAHA_LABEL, 'rejected', `WAHA answered the ${what} list with something that is not a list`, { raw: data });
}

/** WAHA engines give ids either as strings or as `{ _serialized }` objects. */
export function wahaIdOf(value: unknown): string {
	if (typeof value === 'string') return value;
	if (value && typeof value === 'object' && typeof (value as { _serialized?: unknown })._serialized === 'string') {
		return (value as { _serialized: string })._serialized;
	}
	return '';
}

export interface WahaMessageIdParts {
	fromMe: boolean;
	/** The chat as WAHA wrote it, e.g. `123@c.us`. */
	chat: string;
	/** The bare WhatsApp id. */
	id: string;
	/** The sender in groups, as WAHA wrote it. */
	participant?: string;
}

const SERIALIZED = /^(true|false)_([^_\s]+@[^_\s]+)_([^_\s]+)(?:_([^_\s]+@[^_\s]+))?$/;

/** The parts of a serialized id, or null for anything else (a bare id, another engine's form). */
export function splitWahaMessageId(serialized: string): WahaMessageIdParts | null {
	const parts = SERIALIZED.exec(serialized);
	if (!parts) return null;
	const [, fromMe, chat, id, participant] = parts;
	return { fromMe: fromMe === 'true', chat, id, ...(participant ? { participant } : {}) };
}
