/**
 * Fetches a file from a public URL a backend handed out (a profile picture on WhatsApp's CDN):
 * no credentials of any kind (no API key, no cookies, no password in the URL), one deadline for
 * headers and body together (also bounded by the item's time budget), a size cap counted while
 * the body arrives (a drip or a huge body is cut off, never held), and the MIME type from the
 * answer or the file's first bytes.
 */
import http from 'node:http';
import https from 'node:https';
import { GatewayError } from '../backends/errors';
import { currentItemBudget } from './itemBudget';

export interface PublicDownloadOptions {
	/** Who serves the file, in errors: e.g. "WhatsApp's picture server". */
	source: string;
	/** What is fetched, in errors: e.g. "the profile picture of 123@s.whatsapp.net". */
	what: string;
	timeoutMs: number;
	maxBytes: number;
	/** Redirects followed (to http/https only); default 3. */
	maxRedirects?: number;
}

export interface PublicDownload {
	data: Buffer;
	/** From Content-Type, or sniffed from the first bytes when the server gave none or a generic one. */
	mimeType: string;
}

/** Only what a CDN needs to answer; never anything that identifies the gateway or the user. */
const REQUEST_HEADERS = { accept: 'image/*,*/*;q=0.8', 'accept-encoding': 'identity', 'user-agent': 'n8n-nodes-whatsapp-chats' };

export async function downloadPublicFile(url: string, options: PublicDownloadOptions): Promise<PublicDownload> {
	const budget = currentItemBudget();
	const deadline = Math.min(Date.now() + options.timeoutMs, budget ? budget.deadline : Infinity);
	const waitMs = Math.max(0, deadline - Date.now());
	let target = checkUrl(url, options);
	for (let redirects = 0; ; redirects++) {
		const answer = await fetchOnce(target, options, deadline, waitMs);
		if ('redirect' in answer) {
			if (redirects >= (options.maxRedirects ?? 3)) {
				throw new GatewayError(options.source, 'badAnswer', `${options.source} redirected ${options.what} too many times (${host(target)}); it was not downloaded`);
			}
			target = checkUrl(new URL(answer.redirect, target).toString(), options);
			continue;
		}
		return answer;
	}
}

function checkUrl(text: string, options: PublicDownloadOptions): URL {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new GatewayError(options.source, 'badAnswer', `The address given for ${options.what} is not a URL, so it cannot be downloaded`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new GatewayError(options.source, 'badAnswer', `The address given for ${options.what} is not an http(s) URL (${url.protocol}), so it cannot be downloaded`);
	}
	// A password in the address would be sent as a credential: such a URL is not a public file.
	if (url.username || url.password) {
		throw new GatewayError(options.source, 'badAnswer', `The address given for ${options.what} carries a login (user:password@${url.host}); only public URLs are downloaded`);
	}
	return url;
}

function host(url: URL): string {
	return url.host;
}

function fetchOnce(
	url: URL,
	options: PublicDownloadOptions,
	deadline: number,
	waitMs: number,
): Promise<PublicDownload | { redirect: string }> {
	return new Promise((resolve, reject) => {
		const left = deadline - Date.now();
		if (left <= 0) {
			reject(new GatewayError(options.source, 'timeout', `${options.source} (${host(url)}) gave no time left to download ${options.what}; the item's time budget is used up`));
			return;
		}
		let settled = false;
		const finish = (error: Error | undefined, value?: PublicDownload | { redirect: string }) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			if (error) {
				request.destroy();
				reject(error);
			} else resolve(value!);
		};
		const client = url.protocol === 'https:' ? https : http;
		// A fresh agent-less request: no pooled socket shared with the gateway, no cookies, no auth.
		const request = client.request(url, { method: 'GET', headers: REQUEST_HEADERS, agent: false }, (response) => {
			const status = response.statusCode ?? 0;
			if (status >= 300 && status < 400 && typeof response.headers.location === 'string') {
				response.resume();
				finish(undefined, { redirect: response.headers.location });
				return;
			}
			if (status < 200 || status >= 300) {
				response.resume();
				const kind = status === 404 || status === 410 ? 'notFound' : status === 401 || status === 403 ? 'rejected' : status >= 500 ? 'server' : 'rejected';
				finish(
					new GatewayError(
						options.source,
						kind,
						`${options.source} (${host(url)}) answered HTTP ${status} for ${options.what}` +
							(kind === 'notFound' || kind === 'rejected' ? '; picture links expire after a while: run Get Picture again for a fresh one' : ''),
						{ httpStatus: status },
					),
				);
				return;
			}
			const declared = Number(response.headers['content-length']);
			if (Number.isFinite(declared) && declared > options.maxBytes) {
				// Settled first: destroying the response emits its own 'aborted' / 'error'.
				finish(tooLarge(url, options));
				response.destroy();
				return;
			}
			const chunks: Buffer[] = [];
			let size = 0;
			response.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size > options.maxBytes) {
					chunks.length = 0;
					finish(tooLarge(url, options));
					response.destroy();
					return;
				}
				chunks.push(chunk);
			});
			response.on('end', () => {
				if (response.complete === false) {
					finish(new GatewayError(options.source, 'unreachable', `${options.source} (${host(url)}) closed the connection in the middle of ${options.what}`));
					return;
				}
				const data = Buffer.concat(chunks);
				finish(undefined, { data, mimeType: mimeTypeOf(response.headers['content-type'], data) });
			});
			response.on('aborted', () =>
				finish(new GatewayError(options.source, 'unreachable', `${options.source} (${host(url)}) closed the connection in the middle of ${options.what}`)),
			);
			response.on('error', () =>
				finish(new GatewayError(options.source, 'unreachable', `${options.source} (${host(url)}) closed the connection in the middle of ${options.what}`)),
			);
		});
		const timer = setTimeout(
			() =>
				finish(
					new GatewayError(options.source, 'timeout', `${options.source} (${host(url)}) did not deliver ${options.what} within ${waitMs} ms; it was not downloaded`),
				),
			left,
		);
		request.on('error', (error: NodeJS.ErrnoException) =>
			finish(new GatewayError(options.source, 'unreachable', `Cannot reach ${options.source} (${host(url)}) to download ${options.what}: ${networkWords(error.code)}`)),
		);
		request.end();
	});
}

function tooLarge(url: URL, options: PublicDownloadOptions): GatewayError {
	const mib = Math.round((options.maxBytes / 1024 / 1024) * 100) / 100;
	return new GatewayError(options.source, 'tooLarge', `${options.source} (${host(url)}) sent more than ${mib} MiB for ${options.what}; the download was cut off there and not used`);
}

function networkWords(code: string | undefined): string {
	switch (code) {
		case 'ECONNREFUSED':
			return 'connection refused';
		case 'ECONNRESET':
			return 'connection reset';
		case 'ENOTFOUND':
			return 'host not found';
		case 'EAI_AGAIN':
			return 'host name lookup failed';
		default:
			return 'network error';
	}
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
