/**
 * Checks the token Evolution puts on webhook deliveries when the webhook's headers hold `jwt_key`:
 * `Authorization: Bearer <JWT>`, HS256, payload `{ iat, exp: iat + 600, app, action }`.
 * Written on node:crypto so the trigger needs no JWT library.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookRejectedError } from '../WebhookAdapter';

/** Tolerated clock difference between Evolution and n8n. */
export const JWT_CLOCK_SKEW_SECONDS = 60;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function verifyEvolutionJwt(authorization: string | undefined, secret: string, nowMs: number): void {
	const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
	if (!token) throw new WebhookRejectedError('Missing "Authorization: Bearer" token; the webhook is not from your Evolution API instance');
	const parts = token.split('.');
	if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw new WebhookRejectedError('Malformed webhook token');
	const [headerPart, payloadPart, signaturePart] = parts;

	const header = decodeJson(headerPart);
	// Only HS256: accepting the token's own choice of algorithm would let "none" through.
	if (header?.alg !== 'HS256') throw new WebhookRejectedError(`Unsupported webhook token algorithm ${JSON.stringify(header?.alg ?? null)}`);

	// Compared as canonical base64url text, so no second spelling of the same bytes passes.
	const expected = Buffer.from(createHmac('sha256', secret).update(`${headerPart}.${payloadPart}`).digest('base64url'));
	const given = Buffer.from(signaturePart);
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
		throw new WebhookRejectedError('Invalid webhook token signature; check the Webhook Secret in the credentials');
	}

	const payload = decodeJson(payloadPart);
	const now = nowMs / 1000;
	// Evolution always sets exp; a token without one would be valid forever, so it is refused.
	if (typeof payload?.exp !== 'number') throw new WebhookRejectedError('Webhook token has no expiry');
	if (now > payload.exp + JWT_CLOCK_SKEW_SECONDS) throw new WebhookRejectedError('Webhook token has expired');
	const notBefore = typeof payload.nbf === 'number' ? payload.nbf : typeof payload.iat === 'number' ? payload.iat : undefined;
	if (notBefore !== undefined && notBefore > now + JWT_CLOCK_SKEW_SECONDS) {
		throw new WebhookRejectedError('Webhook token is not valid yet; check the clocks of Evolution API and n8n');
	}
}

function decodeJson(part: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
		return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}
