/**
 * Evolution answers errors as `{ status, error: "Not Found", response: { message: [...] } }`: the
 * useful words sit in `response.message` (strings, or objects such as `{ archived: false,
 * message: [...] }` or `{ exists: false, number }`), while the transport reads `error` first.
 * This puts Evolution's own words into the error and names an unknown instance as such.
 */
import { GatewayError } from '../errors';

const MAX_WORDS = 500;

/** The readable text of an Evolution error body, or undefined when it holds none. */
export function evolutionWords(body: unknown): string | undefined {
	if (!body || typeof body !== 'object') return undefined;
	const record = body as Record<string, unknown>;
	const words = flatten(record.response && typeof record.response === 'object' ? (record.response as Record<string, unknown>).message : undefined)
		.concat(flatten(record.message));
	const text = [...new Set(words)].join('; ').slice(0, MAX_WORDS);
	return text || undefined;
}

function flatten(value: unknown): string[] {
	if (typeof value === 'string') return value.trim() ? [value.trim()] : [];
	if (Array.isArray(value)) return value.flatMap(flatten);
	if (value && typeof value === 'object') {
		const item = value as Record<string, unknown>;
		// `sendReaction` and friends refuse a number that is not on WhatsApp with the lookup result.
		if (item.exists === false && (typeof item.number === 'string' || typeof item.jid === 'string')) {
			return [`${String(item.number ?? item.jid)} is not on WhatsApp`];
		}
		return flatten(item.message);
	}
	return [];
}

/** Rewrites a transport error with Evolution's words, and a 404 about the instance as unknownSession. */
export function explainEvolutionError(error: unknown, instance: string): unknown {
	if (!(error instanceof GatewayError) || error.details.httpStatus === undefined) return error;
	const words = evolutionWords(error.details.raw);
	let explained = error;
	if (words && words !== error.details.gatewayMessage) {
		const said = error.details.gatewayMessage ? `: ${error.details.gatewayMessage}` : '';
		const base = said && error.message.endsWith(said) ? error.message.slice(0, -said.length) : error.message;
		explained = new GatewayError(error.backend, error.kind, `${base}: ${words}`, { ...error.details, gatewayMessage: words });
	}
	// Evolution checks the instance before the key: a 404 naming the instance means it does not exist.
	if (explained.kind === 'notFound' && /instance/i.test(words ?? '')) {
		return new GatewayError(
			error.backend,
			'unknownSession',
			`Evolution API does not know the instance "${instance}": ${words}`,
			explained.details,
		);
	}
	return explained;
}
