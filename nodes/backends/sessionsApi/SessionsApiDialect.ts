/**
 * How the Sessions API gateway speaks, for its backend and its webhooks alike: its name, its API
 * key header and session ids, its `{ success, error }` bodies (a 2xx whose body says `success: false` is a failure, one without
 * `success: true` an unknown result), and how it says it does not know a session.
 */
import type { HttpRequest } from '../../transport/GatewayHttpClient';
import { GatewayError, InvalidInputError } from '../errors';

export const SESSIONS_API_LABEL = 'Sessions API';
export const SESSIONS_API_KEY_HEADER = 'X-API-Key';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Sessions API session is a UUID in every path. */
export function checkSessionsApiSession(session: string): string {
	if (!UUID.test(session)) throw new InvalidInputError('Session', session, 'the session UUID, e.g. e67a00be-ed45-4356-9488-049cabb9895d');
	return session;
}

/** Its contract: success is a JSON object with `success: true`; anything else is not a success. */
export function sessionsApiFailureIn(data: unknown, request: Pick<HttpRequest, 'method' | 'path'>): GatewayError | undefined {
	const body = (data && typeof data === 'object' && !Array.isArray(data) ? data : {}) as { success?: unknown; error?: unknown };
	if (body.success === true) return undefined;
	if (body.success === false) {
		const said = typeof body.error === 'string' ? body.error : 'no reason given';
		return new GatewayError(SESSIONS_API_LABEL, /not found/i.test(said) ? 'notFound' : 'rejected', `Sessions API refused the request: ${said}`, {
			gatewayMessage: said,
			raw: data,
		});
	}
	const shown = JSON.stringify(data) ?? String(data);
	return new GatewayError(
		SESSIONS_API_LABEL,
		'badAnswer',
		`Sessions API answered ${request.method} /${request.path.join('/')} without "success": true, so the result is unknown: ` +
			`${shown.length > 200 ? `${shown.slice(0, 200)}…` : shown}. Check that the Base URL points at the Sessions API gateway`,
		{ raw: data },
	);
}

/** A 404 whose words name the session: the gateway does not know it. */
export function explainSessionsApiError(error: unknown, sessionId: string): unknown {
	if (error instanceof GatewayError && error.kind === 'notFound' && /session/i.test(error.details.gatewayMessage ?? '')) {
		return new GatewayError(
			SESSIONS_API_LABEL,
			'unknownSession',
			`Sessions API does not know the session "${sessionId}": ${error.details.gatewayMessage}`,
			error.details,
		);
	}
	return error;
}
