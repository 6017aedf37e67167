/**
 * Downloads one file (a media file, a picture) over HTTP(S) into memory with a deadline for the
 * whole answer, headers and body, and a size cap: a declared size over the cap fails before the
 * body is read, a body that passes the cap is cut off there, and a body that drips is stopped at
 * the deadline. Sends only the headers the caller gives (credentials are the caller's decision),
 * follows no redirects and keeps no connection open afterwards. Self-contained: node:http(s) only.
 */
import http from 'node:http';
import https from 'node:https';
import { GatewayError } from '../backends/errors';
import { currentItemBudget } from './itemBudget';

export interface DownloadOptions {
	/** The backend the error belongs to (its hints), e.g. "WAHA". */
	backend: string;
	/** Who serves the file, in errors (default: the backend), e.g. `the media host cdn.example.com`. */
	source?: string;
	/** What is downloaded, for errors: `the media of message "3EB0…"`. */
	what: string;
	/** Deadline for the whole answer; shortened to what is left of the item's budget. */
	timeoutMs: number;
	/** Largest body accepted, in bytes. */
	maxBytes: number;
	/** How the cap is named to people, e.g. `"Max Media Size (MiB)" (16)`. */
	capName: string;
	headers?: Record<string, string>;
}

export interface DownloadedFile {
	data: Buffer;
	/** The Content-Type header, if any. */
	contentType: string | undefined;
	/** A file name from Content-Disposition, if any. */
	fileName: string | undefined;
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
	const url = typeof address === 'string' ? parseDownloadUrl(address, options) : address;
	const shown = urlForPeople(url);
	const budget = currentItemBudget();
	const left = budget ? budget.deadline - Date.now() : options.timeoutMs;
	if (left <= 0) {
		throw new GatewayError(options.backend, 'timeout', `No time left to download ${options.what} from ${shown}: the item's budget of ${budget?.totalMs} ms is used up`);
	}
	const timeoutMs = Math.min(options.timeoutMs, left);
	const transport = url.protocol === 'https:' ? https : http;

	return await new Promise<DownloadedFile>((resolve, reject) => {
		let settled = false;
		const finish = (error: Error | undefined, file?: DownloadedFile) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			request.destroy();
			if (error) reject(error);
			else resolve(file as DownloadedFile);
		};
		const request = transport.request(url, { method: 'GET', headers: { ...options.headers }, agent: false }, (response) => {
			const status = response.statusCode ?? 0;
			if (status < 200 || status >= 300) {
				response.resume();
				finish(statusError(status, shown, options));
				return;
			}
			const declared = Number(response.headers['content-length']);
			if (Number.isFinite(declared) && declared > options.maxBytes) {
				finish(tooLarge(options, `is ${formatBytes(declared)}`));
				return;
			}
			const chunks: Buffer[] = [];
			let received = 0;
			response.on('data', (chunk: Buffer) => {
				received += chunk.length;
				if (received > options.maxBytes) {
					finish(tooLarge(options, `is more than ${formatBytes(options.maxBytes)} (cut off there)`));
					return;
				}
				chunks.push(chunk);
			});
			response.on('end', () =>
				finish(undefined, {
					data: Buffer.concat(chunks, received),
					contentType: headerText(response.headers['content-type']),
					fileName: fileNameOf(headerText(response.headers['content-disposition'])),
				}),
			);
			response.on('aborted', () => finish(networkError(shown, options, 'the connection closed in the middle of the file')));
			response.on('error', (error) => finish(networkError(shown, options, error.message)));
		});
		const timer = setTimeout(
			() => finish(new GatewayError(options.backend, 'timeout', `${capitalized(options.source ?? options.backend)} did not send ${options.what} from ${shown} within ${timeoutMs} ms`)),
			timeoutMs,
		);
		request.on('error', (error: NodeJS.ErrnoException) => finish(networkError(shown, options, NETWORK_FAILURES[error.code ?? ''] ?? 'network error')));
		request.end();
	});
}

/** Only plain http(s) addresses are downloaded. */
export function parseDownloadUrl(address: string, options: Pick<DownloadOptions, 'backend' | 'what'>): URL {
	let url: URL | undefined;
	try {
		url = new URL(address);
	} catch {
		url = undefined;
	}
	if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
		throw new GatewayError(options.backend, 'badAnswer', `${options.backend} gave an address for ${options.what} that is not an http(s) URL`);
	}
	return url;
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
	return new GatewayError(
		options.backend,
		'tooLarge',
		`${capitalized(options.what)} ${size}, more than ${options.capName} allows (${formatBytes(options.maxBytes)}); raise that option in the node options to download it`,
	);
}

function statusError(status: number, shown: string, options: DownloadOptions): GatewayError {
	const details = { httpStatus: status };
	const where = `${options.what} from ${shown}`;
	const source = options.source ?? options.backend;
	if (status >= 300 && status < 400) {
		return new GatewayError(options.backend, 'badAnswer', `${capitalized(source)} redirected the download of ${where} (HTTP ${status}); redirects are not followed`, details);
	}
	if (status === 401 || status === 403) {
		return new GatewayError(options.backend, 'unauthorized', `${capitalized(source)} refused the download of ${where} (HTTP ${status})`, details);
	}
	if (status === 404 || status === 410) {
		return new GatewayError(options.backend, 'notFound', `${capitalized(source)} no longer has ${where} (HTTP ${status})`, details);
	}
	return new GatewayError(options.backend, status >= 500 ? 'server' : 'rejected', `${capitalized(source)} failed the download of ${where} (HTTP ${status})`, details);
}

function networkError(shown: string, options: DownloadOptions, why: string): GatewayError {
	return new GatewayError(options.backend, 'unreachable', `Cannot download ${options.what} from ${shown}: ${why}`);
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

function capitalized(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
