/**
 * Checks a gateway's Base URL: only a plain `http(s)://host[:port][/path]` is accepted (no query,
 * no fragment, no other scheme), so no request can end up at a path the user did not mean. Also
 * gives the form shown to people, with the password of a `user:pass@` URL hidden.
 */
import { InvalidInputError } from '../backends/errors';

const EXPECTED =
	'a plain http:// or https:// address: scheme, host, optional port and path, without "?…" or "#…", such as http://localhost:3000';

export interface CheckedBaseUrl {
	/** What requests are built on, without a trailing slash. */
	url: string;
	/** The same address for messages: a password is replaced by `***`. */
	display: string;
}

export function checkBaseUrl(raw: unknown, field = 'Base URL'): CheckedBaseUrl {
	const text = typeof raw === 'string' ? raw.trim() : '';
	const shown = displayUrl(text);
	if (!text) throw new InvalidInputError(field, shown, EXPECTED);
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new InvalidInputError(field, shown, EXPECTED);
	}
	const schemeOk = /^https?:\/\//i.test(text) && (url.protocol === 'http:' || url.protocol === 'https:');
	// Checked on the text: `new URL` drops an empty "?" or "#", and a "?" in the path would move the API's paths into a query.
	if (!schemeOk || !url.hostname || text.includes('?') || text.includes('#') || /\s/.test(text) || text.includes('\\')) {
		throw new InvalidInputError(field, shown, EXPECTED);
	}
	const normalized = url.toString().replace(/\/+$/, '');
	return { url: normalized, display: displayUrl(normalized) };
}

/** The address as typed, with the password of a `user:pass@` part replaced by `***`. */
export function displayUrl(text: string): string {
	return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#@:]*):([^/?#]*)@/i, '$1$2:***@');
}
