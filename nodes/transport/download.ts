/**
 * The one way this package fetches a file from a URL (WAHA's media, WhatsApp's encrypted media
 * blobs, profile pictures, link-preview pages), each rule declared once here:
 * - URL: http(s) only, never a login in the address (credentials are passed apart, see below);
 * - deadline: one for headers and body together over all redirects, never past the item's budget;
 * - size: a declared Content-Length over the cap fails before the body is read, and the body is
 *   counted while it arrives (cut off at the cap: fail, or keep the first bytes when asked);
 * - redirects: none unless the caller allows some, each hop checked again (URL, host policy,
 *   private-address guard);
 * - credentials: headers given as `credentials` go only to their own origin (scheme, host, port),
 *   never to a host a redirect points at; no cookies, no pooled socket (a fresh agent-less request);
 * - MIME type: the answer's Content-Type unless missing or generic, else sniffed from the bytes;
 * - private-address guard (optional): loopback, private and link-local addresses are not fetched,
 *   checked on the address actually connected to (so a name cannot resolve around it).
 * Error texts name who serves, what is fetched, and the address without its query or password.
 * Self-contained: node:http(s) only.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { GatewayError, type GatewayErrorKind } from '../backends/errors';
import { currentItemBudget } from './itemBudget';

export interface DownloadOptions {
	/** The backend the error belongs to (its hints), e.g. "WAHA". */
	backend: string;
	/** Who serves the file, in errors (default: the backend), e.g. `the media host cdn.example.com`. */
	source?: string;
	/** What is downloaded, for errors: `the media of message "3EB0…"`. */
	what: string;
	/** Deadline for the whole answer, redirects included; shortened to what is left of the item's budget. */
	timeoutMs: number;
	/** Largest body accepted, in bytes. */
	maxBytes: number;
	/** How the cap is named to people, e.g. `"Max Media Size (MiB)" (16)`. */
	capName: string;
	/** A body over the cap fails (default), or its first `maxBytes` are kept (a page's head). */
	overCap?: 'fail' | 'keepStart';
	/** Redirects followed (to http(s) only, each hop checked again); default 0: a redirect fails. */
	maxRedirects?: number;
	/** Headers sent to every host (nothing secret: accept, user-agent). */
	headers?: Record<string, string>;
	/** Secret headers (API key, Basic auth) and the one origin they may go to. */
	credentials?: { origin: string; headers: Record<string, string> };
	/** The caller's host policy, run on the first URL and on every redirect target; throws to refuse. */
	checkUrl?: (url: URL) => void;
	/** Refuse addresses of this host and of private networks (what a text or a sender hands out). */
	refusePrivateAddresses?: boolean;
	/** Only answers whose Content-Type matches are read. */
	acceptType?: RegExp;
}

export interface DownloadedFile {
	data: Buffer;
	/** The Content-Type header, if any. */
	contentType: string | undefined;
	/** From Content-Type, or sniffed from the first bytes when the server gave none or a generic one. */
	mimeType: string;
	/** A file name from Content-Disposition, if any. */
	fileName: string | undefined;
	/** The address the file came from (after redirects). */
	url: URL;
	/** Whether the body went past the cap and only its start was kept (`overCap: 'keepStart'`). */
	truncated: boolean;
}

/** Why a download failed, for callers that word it their own way (the link preview). */
export type DownloadFailure = 'url' | 'private' | 'status' | 'redirect' | 'redirects' | 'type' | 'tooLarge' | 'timeout' | 'network';

export class DownloadError extends GatewayError {
	constructor(
		backend: string,
		kind: GatewayErrorKind,
		message: string,
		readonly failure: DownloadFailure,
		/** The failure alone, without who/what/where (e.g. `connection refused`). */
		readonly why: string,
		details: { httpStatus?: number } = {},
	) {
		super(backend, kind, message, details);
	}
}

/** `3 MiB`, `1 MiB (1053576 bytes)`, `17 bytes`: sizes as people read them. */
export function formatBytes(bytes: number): string {
	// The exact count too where rounding would hide a difference from a cap (1.004 MiB is not 1 MiB).
	const exact = ` (${bytes} bytes)`;
	if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB${bytes % (1024 * 1024) ? exact : ''}`;
	if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB${bytes % 1024 ? exact : ''}`;
	return `${bytes} bytes`;
}

/** The address as shown in errors: origin and path, never a query (signed URLs carry tokens there) or a password. */
export function urlForPeople(url: URL): string {
	return `${url.protocol}//${url.host}${url.pathname.length > 80 ? `${url.pathname.slice(0, 80)}…` : url.pathname}`;
}

export async function downloadFile(address: string | URL, options: DownloadOptions): Promise<DownloadedFile> {
	const budget = currentItemBudget();
	const left = budget ? budget.deadline - Date.now() : options.timeoutMs;
	let url = checkedUrl(address, options);
	if (left <= 0) {
		throw fail(options, 'timeout', 'timeout', `No time left to download ${options.what} from ${urlForPeople(url)}: the item's budget of ${budget?.totalMs} ms is used up`, 'no time left');
	}
	const timeoutMs = Math.min(options.timeoutMs, left);
	const deadline = Date.now() + timeoutMs;
	const maxRedirects = options.maxRedirects ?? 0;
	for (let redirects = 0; ; redirects++) {
		const answer = await fetchOnce(url, options, deadline, timeoutMs);
		if (!('redirect' in answer)) return answer;
		if (redirects >= maxRedirects) {
			throw fail(
				options,
				'badAnswer',
				'redirects',
				`${capitalized(sourceOf(options))} redirected the download of ${options.what} from ${urlForPeople(url)} more than ${maxRedirects} times; it was not downloaded`,
				'too many redirects',
			);
		}
		url = checkedUrl(new URL(answer.redirect, url), options);
	}
}

/** Only plain http(s) addresses without a login, and what the caller's policy allows. */
function checkedUrl(address: string | URL, options: DownloadOptions): URL {
	const url = typeof address === 'string' ? parseDownloadUrl(address, options) : new URL(address.toString());
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw fail(options, 'badAnswer', 'url', `The address given for ${options.what} is not an http(s) URL (${url.protocol}), so it cannot be downloaded`, `links of the ${url.protocol} kind are not fetched`);
	}
	// A login in the address would be sent as a credential to whatever host it names.
	if (url.username || url.password) {
		throw fail(options, 'badAnswer', 'url', `The address given for ${options.what} carries a login (user:password@${url.host}); only public URLs are downloaded`, 'the address carries a login');
	}
	options.checkUrl?.(url);
	if (options.refusePrivateAddresses) {
		const literal = url.hostname.replace(/^\[|\]$/g, '');
		if (isIP(literal) && isPrivateAddress(literal)) throw privateAddress(url, options);
	}
	return url;
}

/** Parses a URL a backend gave: a URL, http(s) only. */
export function parseDownloadUrl(address: string, options: Pick<DownloadOptions, 'backend' | 'what'>): URL {
	let url: URL;
	try {
		url = new URL(address);
	} catch {
		throw fail(options, 'badAnswer', 'url', `The address given for ${options.what} is not a URL, so it cannot be downloaded`, 'not a URL');
	}
	if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
		throw fail(options, 'badAnswer', 'url', `The address given for ${options.what} is not an http(s) URL (${url.protocol}), so it cannot be downloaded`, `links of the ${url.protocol} kind are not fetched`);
	}
	return url;
}

/** Private, loopback, link-local, carrier-grade NAT and unspecified addresses (v4, v6, v4-mapped). */
export function isPrivateAddress(address: string): boolean {
	const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
	if (isIP(v4) === 4) {
		const [a, b] = v4.split('.').map(Number);
		return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
	}
	const lower = address.toLowerCase();
	return lower === '::1' || lower === '::' || lower.startsWith('fc') || lower.startsWith('fd') || lower.startsWith('fe80');
}

function privateAddress(url: URL, options: DownloadOptions): DownloadError {
	const why = `${url.hostname} is an address of this host or a private network, which is not fetched`;
	return fail(options, 'rejected', 'private', `Cannot download ${options.what} from ${urlForPeople(url)}: ${why}`, why);
}

/** A DNS look-up that refuses private answers: the guard holds for the address actually connected to. */
function publicOnlyLookup(url: URL, options: DownloadOptions): LookupFunction {
	return (hostname, lookupOptions, callback) => {
		dnsLookup(hostname, { ...lookupOptions, all: true }, (error, found) => {
			if (error) return callback(error, '', 0);
			const addresses = found as LookupAddress[];
			if (addresses.some((entry) => isPrivateAddress(entry.address))) return callback(privateAddress(url, options), '', 0);
			if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
			callback(null, addresses[0].address, addresses[0].family);
		});
	};
}

function fetchOnce(url: URL, options: DownloadOptions, deadline: number, timeoutMs: number): Promise<DownloadedFile | { redirect: string }> {
	const shown = urlForPeople(url);
	const source = capitalized(sourceOf(options));
	return new Promise((resolve, reject) => {
		let settled = false;
		const finish = (error: Error | undefined, value?: DownloadedFile | { redirect: string }) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			request.destroy();
			if (error) reject(error);
			else resolve(value!);
		};
		const headers = { ...options.headers, ...(options.credentials && url.origin === options.credentials.origin ? options.credentials.headers : {}) };
		const transport = url.protocol === 'https:' ? https : http;
		const request = transport.request(
			url,
			{ method: 'GET', headers, agent: false, ...(options.refusePrivateAddresses ? { lookup: publicOnlyLookup(url, options) } : {}) },
			(response) => {
				const status = response.statusCode ?? 0;
				if (status >= 300 && status < 400 && typeof response.headers.location === 'string' && (options.maxRedirects ?? 0) > 0) {
					finish(undefined, { redirect: response.headers.location });
					return;
				}
				if (status < 200 || status >= 300) {
					finish(statusError(status, shown, options));
					return;
				}
				const contentType = headerText(response.headers['content-type']);
				if (options.acceptType && !options.acceptType.test(contentType ?? '')) {
					finish(fail(options, 'badAnswer', 'type', `${source} sent ${contentType || 'no Content-Type'} for ${options.what} from ${shown}, not the kind of file expected`, `not the kind of file expected (${contentType || 'no Content-Type'})`));
					return;
				}
				const keepStart = options.overCap === 'keepStart';
				const declared = Number(response.headers['content-length']);
				if (!keepStart && Number.isFinite(declared) && declared > options.maxBytes) {
					finish(tooLarge(options, `is ${formatBytes(declared)}`));
					return;
				}
				const chunks: Buffer[] = [];
				let received = 0;
				const done = (truncated: boolean) => {
					const data = Buffer.concat(chunks).subarray(0, options.maxBytes);
					finish(undefined, { data, contentType, mimeType: mimeTypeOf(contentType, data), fileName: fileNameOf(headerText(response.headers['content-disposition'])), url, truncated });
				};
				response.on('data', (chunk: Buffer) => {
					received += chunk.length;
					if (received > options.maxBytes) {
						if (keepStart) {
							chunks.push(chunk);
							done(true);
						} else {
							chunks.length = 0;
							finish(tooLarge(options, `is more than ${formatBytes(options.maxBytes)} (cut off there)`));
						}
						return;
					}
					chunks.push(chunk);
				});
				const cutOff = () => finish(networkError(shown, options, 'the connection closed in the middle of the file'));
				response.on('end', () => (response.complete === false ? cutOff() : done(false)));
				response.on('aborted', cutOff);
				response.on('error', cutOff);
			},
		);
		const timer = setTimeout(
			() =>
				finish(fail(options, 'timeout', 'timeout', `${source} did not send ${options.what} from ${shown} within ${timeoutMs} ms`, `no answer within ${timeoutMs} ms`)),
			Math.max(0, deadline - Date.now()),
		);
		request.on('error', (error: NodeJS.ErrnoException) => {
			if (error instanceof DownloadError) finish(error);
			else finish(networkError(shown, options, NETWORK_FAILURES[error.code ?? ''] ?? 'network error'));
		});
		request.end();
	});
}

const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'host name lookup failed',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	CERT_HAS_EXPIRED: 'its TLS certificate has expired',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
};

/** A file over the cap: names what, its size (`is 20 MiB`), the cap and the option. */
export function tooLarge(options: Pick<DownloadOptions, 'backend' | 'what' | 'maxBytes' | 'capName'>, size: string): GatewayError {
	return fail(
		options,
		'tooLarge',
		'tooLarge',
		`${capitalized(options.what)} ${size}, more than ${options.capName} allows (${formatBytes(options.maxBytes)}); raise that option in the node options to download it`,
		`more than ${formatBytes(options.maxBytes)}`,
	);
}

function statusError(status: number, shown: string, options: DownloadOptions): DownloadError {
	const details = { httpStatus: status };
	const where = `${options.what} from ${shown}`;
	const source = capitalized(sourceOf(options));
	const why = `HTTP ${status}`;
	if (status >= 300 && status < 400) {
		return fail(options, 'badAnswer', 'redirect', `${source} redirected the download of ${where} (HTTP ${status}); redirects are not followed`, why, details);
	}
	if (status === 401 || status === 403) {
		return fail(options, 'unauthorized', 'status', `${source} refused the download of ${where} (HTTP ${status})`, why, details);
	}
	if (status === 404 || status === 410) {
		return fail(options, 'notFound', 'status', `${source} no longer has ${where} (HTTP ${status})`, why, details);
	}
	return fail(options, status >= 500 ? 'server' : 'rejected', 'status', `${source} failed the download of ${where} (HTTP ${status})`, why, details);
}

function networkError(shown: string, options: DownloadOptions, why: string): DownloadError {
	return fail(options, 'unreachable', 'network', `Cannot download ${options.what} from ${shown}: ${why}`, why);
}

function fail(
	options: Pick<DownloadOptions, 'backend'>,
	kind: GatewayErrorKind,
	failure: DownloadFailure,
	message: string,
	why: string,
	details: { httpStatus?: number } = {},
): DownloadError {
	return new DownloadError(options.backend, kind, message, failure, why, details);
}

function sourceOf(options: DownloadOptions): string {
	return options.source ?? options.backend;
}

function headerText(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

/** `attachment; filename="report.pdf"` → `report.pdf` (path parts dropped). */
function fileNameOf(disposition: string | undefined): string | undefined {
	const found = disposition && /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
	if (!found) return undefined;
	let name = found[1];
	try {
		name = decodeURIComponent(name);
	} catch {
		// kept as sent
	}
	return name.split(/[\\/]/).pop()?.trim() || undefined;
}

const GENERIC_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/binary']);

/** The declared type unless it is missing or generic; then what the first bytes say. */
export function mimeTypeOf(contentType: string | undefined, data: Buffer): string {
	const declared = String(contentType ?? '').split(';')[0].trim().toLowerCase();
	if (!GENERIC_TYPES.has(declared)) return declared;
	if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
	if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
	if (data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
	if (data.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif';
	return 'application/octet-stream';
}

/** The usual file extension of a MIME type (without the dot), `bin` when unknown. */
export function extensionOf(mimeType: string): string {
	const known: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif' };
	return known[mimeType] ?? (/^image\/([a-z0-9]+)$/.exec(mimeType)?.[1] ?? 'bin');
}

function capitalized(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
