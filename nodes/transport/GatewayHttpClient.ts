/**
 * HTTP transport shared by the gateway backends: kept-alive connections, a deadline for each
 * whole answer (headers and body) and a time budget per item across retries, a size cap on
 * (decompressed) answers, retries with backoff for what may succeed on a second try, answers
 * read strictly (an HTML page or plain text is never a gateway's success), and errors without
 * secrets.
 */
import http from 'node:http';
import https from 'node:https';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { GatewayError, InvalidInputError } from '../backends/errors';
import { checkBaseUrl } from './baseUrl';
import { downloadFile, parseDownloadUrl, type DownloadedFile, type DownloadOptions } from './download';
import { currentItemBudget, itemBudgetMs } from './itemBudget';
import { parseRetryAfter, retryDelayMs, sleep } from './retry';
import { SecretRedactor } from './secrets';

export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export interface HttpSettings {
	baseUrl: string;
	/** Header carrying the API key, e.g. `X-Api-Key`; the key is never put anywhere else. */
	apiKeyHeader: string;
	apiKey?: string;
	/** Deadline for one whole answer, headers and body. */
	timeoutMs: number;
	maxRetries: number;
	/** First backoff step; doubled each retry, with jitter. */
	retryBaseDelayMs?: number;
	/** Largest answer accepted, counted after decompression. */
	maxResponseBytes?: number;
	/** Every secret of the credentials; removed from every error this client raises. */
	secrets?: SecretRedactor;
}

/**
 * What a 2xx answer must hold to count: `json` a JSON body, `jsonOrEmpty` a JSON body or none.
 * HTML pages, plain text and broken JSON never count.
 */
export type AnswerExpectation = 'json' | 'jsonOrEmpty';

export interface HttpRequest {
	method: 'GET' | 'POST' | 'PUT' | 'DELETE';
	/** Path segments, each percent-encoded on its own: `['api', session, 'chats', chatId]`. */
	path: readonly string[];
	/** The route ends in a slash, as WAHA's label routes do (`/labels/chats/{chatId}/`). */
	trailingSlash?: boolean;
	query?: Record<string, string | number | boolean | undefined>;
	body?: unknown;
	/** Default `jsonOrEmpty`. */
	expect?: AnswerExpectation;
	/** Error answers that a retry cannot change (the gateway's own verdict), though 5xx. */
	isFinal?: (answer: HttpAnswer) => boolean;
	/** This request's answer cap in place of the client's (a media file inside JSON). */
	maxResponseBytes?: number;
	/**
	 * Default true. False for requests that must happen at most once (sending a message): retried
	 * only when the gateway certainly did not get them (connection refused, a failed host name lookup,
	 * HTTP 429 with Retry-After), never after a timeout, a dropped connection or a 5xx.
	 */
	idempotent?: boolean;
}

export interface HttpAnswer {
	status: number;
	/** The parsed JSON, the text of a non-JSON answer, or undefined for an empty body. */
	data: unknown;
	headers: Record<string, unknown>;
	/** What the body was. */
	form: BodyForm;
}

export type BodyForm = 'json' | 'empty' | 'html' | 'text' | 'brokenJson';

// One pool per process so connections stay warm across items and executions.
const keepAliveAgents = {
	http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
	https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

const RETRYABLE_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'MIDBODY']);
/** Failures before any byte of the request left: a request that must happen at most once may be retried after these. */
const NOT_SENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN']);

/** Said of a request that must happen at most once when it failed after it may have reached the gateway. */
const MAYBE_DONE =
	'; it was not retried, because the gateway may already have carried it out (a message may already be sent): check the chat before trying again';

// In words: n8n replaces any error message that contains a raw code such as ECONNREFUSED.
const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	MIDBODY: 'the connection closed in the middle of the answer',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'host name lookup failed',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	EPIPE: 'connection closed while sending',
	CERT_HAS_EXPIRED: 'its TLS certificate has expired',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
};

/** Why an attempt ended without an answer. */
type AttemptFailure = { kind: 'deadline' } | { kind: 'tooLarge' } | { kind: 'badCompression' } | { kind: 'network'; code: string };

export class GatewayHttpClient {
	/** Made on the first request: a client that only verifies webhooks, or refuses bad input, never loads axios. */
	private client: AxiosInstance | undefined;
	private readonly baseUrl: string;
	private readonly displayUrl: string;
	private readonly secrets: SecretRedactor;
	private readonly maxResponseBytes: number;

	constructor(
		readonly backendLabel: string,
		private readonly settings: HttpSettings,
	) {
		this.secrets = (settings.secrets ?? new SecretRedactor([])).with(
			SecretRedactor.fromCredentials({ apiKey: settings.apiKey, baseUrl: settings.baseUrl }),
		);
		const baseUrl = checkBaseUrl(settings.baseUrl);
		this.baseUrl = baseUrl.url;
		this.displayUrl = baseUrl.display;
		this.maxResponseBytes = settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
	}

	private get axios(): AxiosInstance {
		if (this.client) return this.client;
		// Loaded on first use (`require`, as for the embedded backend): loading the package stays cheap.
		const axios = require('axios') as typeof import('axios');
		const client = axios.create({
			baseURL: this.baseUrl,
			httpAgent: keepAliveAgents.http,
			httpsAgent: keepAliveAgents.https,
			// Every status is handled here, so axios must not throw its own error (it holds the headers).
			validateStatus: () => true,
			maxRedirects: 0,
			// Bytes in, parsed here: axios would turn broken JSON into a string silently.
			responseType: 'arraybuffer',
			transitional: { silentJSONParsing: true, forcedJSONParsing: false, clarifyTimeoutError: false },
			// Counted after decompression: a small gzip that inflates is stopped at the cap.
			maxContentLength: this.maxResponseBytes,
			maxBodyLength: 10 * 1024 * 1024,
			headers: this.settings.apiKey ? { [this.settings.apiKeyHeader]: this.settings.apiKey } : {},
		});
		this.client = client;
		return client;
	}

	/**
	 * Downloads a file the gateway pointed at (WAHA's media URL) with this client's deadline. The
	 * API key (and a Base URL's `user:pass`) go only to the Base URL's own origin (scheme, host,
	 * port); any other host gets the request without credentials. No redirects are followed.
	 */
	async downloadFile(address: string, options: Omit<DownloadOptions, 'backend' | 'timeoutMs' | 'headers' | 'credentials'>): Promise<DownloadedFile> {
		try {
			const url = parseDownloadUrl(address, { backend: this.backendLabel, what: options.what });
			const base = new URL(this.baseUrl);
			const headers: Record<string, string> = {};
			const own = url.origin === base.origin;
			if (this.settings.apiKey) headers[this.settings.apiKeyHeader] = this.settings.apiKey;
			if (base.username) {
				headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
			}
			// A login in the media URL itself is not used: the credentials are the Base URL's.
			url.username = '';
			url.password = '';
			const source = own ? this.backendLabel : `the media host ${url.host}`;
			try {
				return await downloadFile(url, { ...options, backend: this.backendLabel, source, timeoutMs: this.settings.timeoutMs, credentials: { origin: base.origin, headers } });
			} catch (error) {
				if (own || !(error instanceof GatewayError) || error.kind !== 'unauthorized') throw error;
				throw new GatewayError(
					error.backend,
					'rejected',
					`${error.message}. The node sends the API key only to the Base URL's own address (${base.origin}), never to another host: ` +
						`make ${this.backendLabel} give media URLs on that address (WAHA: its base URL setting, WHATSAPP_API_HOSTNAME / WAHA_BASE_URL), or let the media host serve files without a key`,
					error.details,
				);
			}
		} catch (error) {
			throw this.redacted(error);
		}
	}

	/** The gateway's address as shown to people (without a password). */
	get baseUrlForPeople(): string {
		return this.displayUrl;
	}

	/** Sends the request, retrying network failures, 429 and 5xx (but 501); returns 2xx answers. */
	async request(request: HttpRequest): Promise<HttpAnswer> {
		try {
			return await this.send(request);
		} catch (error) {
			throw this.redacted(error);
		}
	}

	private async send(request: HttpRequest): Promise<HttpAnswer> {
		const url = buildPath(request.path) + (request.trailingSlash ? '/' : '') + buildQuery(request.query);
		const budget = currentItemBudget() ?? {
			deadline: Date.now() + itemBudgetMs(this.settings.timeoutMs, this.settings.maxRetries),
			totalMs: itemBudgetMs(this.settings.timeoutMs, this.settings.maxRetries),
		};
		const once = request.idempotent === false;
		for (let attempt = 0; ; attempt++) {
			const left = budget.deadline - Date.now();
			if (left <= 0) throw this.outOfBudget(request, budget.totalMs);
			const attemptMs = Math.min(this.settings.timeoutMs, left);
			const outcome = await this.attempt(request, url, attemptMs);
			if ('failure' in outcome) {
				const { failure } = outcome;
				if (failure.kind === 'deadline') {
					throw this.timeoutError(request, attemptMs, attemptMs < this.settings.timeoutMs ? budget.totalMs : undefined, once);
				}
				if (failure.kind === 'tooLarge') throw this.tooLargeError(request);
				if (failure.kind === 'badCompression') {
					throw new GatewayError(
						this.backendLabel,
						'badAnswer',
						`${this.backendLabel} sent a compressed answer to ${request.method} /${request.path.join('/')} that cannot be decompressed; check that the Base URL ${this.displayUrl} points at ${this.backendLabel}`,
					);
				}
				if (failure.code === 'ETIMEDOUT' || failure.code === 'ECONNABORTED') throw this.timeoutError(request, attemptMs, undefined, once);
				const retryable = once ? NOT_SENT_NETWORK_CODES.has(failure.code) : RETRYABLE_NETWORK_CODES.has(failure.code);
				const delay = retryDelayMs(attempt, undefined, this.settings.retryBaseDelayMs);
				if (retryable && attempt < this.settings.maxRetries && Date.now() + delay < budget.deadline) {
					await sleep(delay);
					continue;
				}
				throw this.networkError(failure.code, once && !NOT_SENT_NETWORK_CODES.has(failure.code));
			}
			const answer = outcome.answer;
			if (answer.status >= 200 && answer.status < 300) return this.checkSuccess(answer, request);
			// At most once: only a 429 that says when to come back is certainly a request not carried out.
			const retryable = once
				? answer.status === 429 && parseRetryAfter(answer.headers['retry-after']) !== undefined
				: (answer.status === 429 || (answer.status >= 500 && answer.status !== 501)) && !request.isFinal?.(answer);
			if (retryable && attempt < this.settings.maxRetries) {
				const asked = parseRetryAfter(answer.headers['retry-after']);
				const remaining = budget.deadline - Date.now();
				if (asked !== undefined && asked > remaining) throw this.waitTooLong(answer, request, asked, remaining, budget.totalMs);
				const delay = asked ?? retryDelayMs(attempt, undefined, this.settings.retryBaseDelayMs);
				if (delay < remaining) {
					await sleep(delay);
					continue;
				}
			}
			const error = this.statusError(answer, request);
			if (once && answer.status >= 500) throw new GatewayError(error.backend, error.kind, `${error.message}${MAYBE_DONE}`, error.details);
			throw error;
		}
	}

	/** One try, bounded by `attemptMs` from the first byte sent to the last byte received. */
	private async attempt(
		request: HttpRequest,
		url: string,
		attemptMs: number,
	): Promise<{ answer: HttpAnswer } | { failure: AttemptFailure }> {
		const controller = new AbortController();
		let expired = false;
		const timer = setTimeout(() => {
			expired = true;
			controller.abort();
		}, attemptMs);
		let response: AxiosResponse<Buffer>;
		try {
			response = await this.axios.request<Buffer>({
				method: request.method,
				url,
				data: request.body,
				signal: controller.signal,
				headers: request.body === undefined ? undefined : { 'Content-Type': 'application/json' },
				...(request.maxResponseBytes ? { maxContentLength: request.maxResponseBytes } : {}),
			});
		} catch (error) {
			if (expired) return { failure: { kind: 'deadline' } };
			const { code, message, response: partial } = error as { code?: string; message?: string; response?: unknown };
			if (/maxContentLength/.test(message ?? '')) return { failure: { kind: 'tooLarge' } };
			if (code === 'Z_DATA_ERROR') return { failure: { kind: 'badCompression' } };
			// Headers arrived, then the socket closed: the same as any other dropped connection.
			if (partial !== undefined || /aborted/i.test(message ?? '')) return { failure: { kind: 'network', code: 'MIDBODY' } };
			return { failure: { kind: 'network', code: code ?? '' } };
		} finally {
			clearTimeout(timer);
		}
		return { answer: readAnswer(response) };
	}

	/** A 2xx counts only when its body is what the gateway's API sends for success. */
	private checkSuccess(answer: HttpAnswer, request: HttpRequest): HttpAnswer {
		const expect = request.expect ?? 'jsonOrEmpty';
		if (answer.form === 'json' || (answer.form === 'empty' && expect === 'jsonOrEmpty')) return answer;
		const label = this.backendLabel;
		const where = `${request.method} /${request.path.join('/')}`;
		const details = { httpStatus: answer.status, raw: describeBody(answer) };
		switch (answer.form) {
			case 'html':
				return fail(
					new GatewayError(
						label,
						'badAnswer',
						`${label} answered ${where} with an HTML page (HTTP ${answer.status}), not with its API's JSON: ` +
							`the Base URL ${this.displayUrl} probably points at something that is not ${label} (a login page, a proxy or another web server)`,
						details,
					),
				);
			case 'empty':
				return fail(new GatewayError(label, 'badAnswer', `${label} answered ${where} with an empty body (HTTP ${answer.status}); its API answers with JSON, so the result is unknown`, details));
			case 'brokenJson':
				return fail(
					new GatewayError(label, 'badAnswer', `${label} answered ${where} with broken or cut-off JSON (HTTP ${answer.status}), so the result is unknown: ${preview(answer.data)}`, details),
				);
			default:
				return fail(
					new GatewayError(
						label,
						'badAnswer',
						`${label} answered ${where} with plain text instead of JSON (HTTP ${answer.status}), so the result is unknown: ${preview(answer.data)}. ` +
							`Check that the Base URL ${this.displayUrl} points at ${label}`,
						details,
					),
				);
		}
	}

	private redacted(error: unknown): unknown {
		if (!(error instanceof GatewayError)) return error;
		const safe = (text: string | undefined) => (text === undefined ? undefined : this.secrets.text(text));
		return new GatewayError(error.backend, error.kind, this.secrets.text(error.message), {
			...error.details,
			gatewayMessage: safe(error.details.gatewayMessage),
			raw: this.secrets.value(error.details.raw),
		});
	}

	private networkError(code: string, maybeDone = false): GatewayError {
		return new GatewayError(
			this.backendLabel,
			'unreachable',
			`Cannot reach ${this.backendLabel} at ${this.displayUrl}: ${NETWORK_FAILURES[code] ?? 'network error'}${maybeDone ? MAYBE_DONE : ''}`,
		);
	}

	private timeoutError(request: HttpRequest, waitedMs: number, budgetMs?: number, maybeDone = false): GatewayError {
		const why = budgetMs === undefined ? '' : ` (what was left of the item's ${budgetMs} ms budget for all tries)`;
		return new GatewayError(
			this.backendLabel,
			'timeout',
			`${this.backendLabel} at ${this.displayUrl} did not answer ${request.method} ${request.path.join('/')} within ${waitedMs} ms${why}${maybeDone ? MAYBE_DONE : ''}`,
		);
	}

	private outOfBudget(request: HttpRequest, budgetMs: number): GatewayError {
		return new GatewayError(
			this.backendLabel,
			'timeout',
			`${this.backendLabel} at ${this.displayUrl}: no time left for ${request.method} ${request.path.join('/')}; ` +
				`the item's budget of ${budgetMs} ms (Timeout × (Max Retries + 1)) is used up`,
		);
	}

	private tooLargeError(request: HttpRequest): GatewayError {
		const mib = Math.round(((request.maxResponseBytes ?? this.maxResponseBytes) / 1024 / 1024) * 100) / 100;
		return new GatewayError(
			this.backendLabel,
			'tooLarge',
			`${this.backendLabel} sent more than ${mib} MiB (after decompression) for ${request.method} /${request.path.join('/')}; the answer was cut off there and not used`,
		);
	}

	private waitTooLong(answer: HttpAnswer, request: HttpRequest, askedMs: number, remainingMs: number, budgetMs: number): GatewayError {
		const base = this.statusError(answer, request);
		const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
		return new GatewayError(
			base.backend,
			base.kind,
			`${base.message}. It asked to wait ${seconds(askedMs)} (Retry-After) before trying again, longer than the ` +
				`${seconds(Math.max(0, remainingMs))} left of this item's ${seconds(budgetMs)} budget, so it was not retried`,
			base.details,
		);
	}

	private statusError(answer: HttpAnswer, request: HttpRequest): GatewayError {
		const gatewayMessage = answer.form === 'html' ? htmlSummary(String(answer.data)) : extractGatewayMessage(answer.data);
		const said = gatewayMessage ? `: ${gatewayMessage}` : '';
		const page = answer.form === 'html' ? ' with an HTML page' : '';
		const details = { httpStatus: answer.status, gatewayMessage, raw: describeBody(answer) };
		const label = this.backendLabel;
		switch (true) {
			case answer.status >= 300 && answer.status < 400: {
				const location = typeof answer.headers.location === 'string' ? ` to ${this.secrets.text(answer.headers.location)}` : '';
				return new GatewayError(
					label,
					'badAnswer',
					`${label} redirected ${request.method} /${request.path.join('/')}${location} (HTTP ${answer.status}): the Base URL ${this.displayUrl} probably points at something that is not ${label} (a login page or a proxy)`,
					details,
				);
			}
			case answer.status === 401 || answer.status === 403:
				return new GatewayError(label, 'unauthorized', `${label} rejected the API key (HTTP ${answer.status})${page}${said}`, details);
			case answer.status === 429:
				return new GatewayError(label, 'rateLimited', `${label} is rate limiting requests (HTTP 429)${said}`, details);
			case answer.status === 501:
				return new GatewayError(label, 'unsupported', `This operation is not supported by this ${label} gateway (HTTP 501)${said}`, details);
			case answer.status >= 500:
				return new GatewayError(label, 'server', `${label} failed (HTTP ${answer.status})${page}${said}`, details);
			case answer.status === 404:
				return new GatewayError(label, 'notFound', `${label} found nothing at ${request.method} /${request.path.join('/')} (HTTP 404)${page}${said}`, details);
			default:
				return new GatewayError(label, 'rejected', `${label} refused the request (HTTP ${answer.status})${page}${said}`, details);
		}
	}
}

function fail(error: GatewayError): never {
	throw error;
}

/** Reads the bytes into one of the body forms; JSON is parsed only when it is whole. */
function readAnswer(response: AxiosResponse<Buffer>): HttpAnswer {
	const headers = (response.headers ?? {}) as Record<string, unknown>;
	const bytes = Buffer.isBuffer(response.data) ? response.data : Buffer.from(response.data ?? '');
	const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
	const trimmed = text.trim();
	const contentType = String(headers['content-type'] ?? '').toLowerCase();
	const base = { status: response.status, headers };
	if (!trimmed) return { ...base, data: undefined, form: 'empty' };
	if (contentType.includes('html') || /^<(!doctype|html|head|body|\?xml|[a-z])/i.test(trimmed)) {
		return { ...base, data: trimmed, form: 'html' };
	}
	try {
		return { ...base, data: JSON.parse(trimmed), form: 'json' };
	} catch {
		const looksJson = /^[[{"]/.test(trimmed) || contentType.includes('json');
		return { ...base, data: trimmed, form: looksJson ? 'brokenJson' : 'text' };
	}
}

/** What an error keeps of a body: JSON as is, other text shortened (an HTML page is not kept). */
function describeBody(answer: HttpAnswer): unknown {
	if (answer.form === 'json' || answer.form === 'empty') return answer.data;
	if (answer.form === 'html') return `[HTML page${htmlSummary(String(answer.data)) ? `: ${htmlSummary(String(answer.data))}` : ''}]`;
	return preview(answer.data);
}

function preview(data: unknown): string {
	const text = String(data ?? '').replace(/\s+/g, ' ').trim();
	return text.length > 200 ? `${text.slice(0, 200)}…` : JSON.stringify(text);
}

/** The title (or first heading) of an HTML page, which is what a person would read first. */
function htmlSummary(html: string): string | undefined {
	const found = /<title[^>]*>([\s\S]{0,300}?)<\/title>/i.exec(html) ?? /<h1[^>]*>([\s\S]{0,300}?)<\/h1>/i.exec(html);
	const text = found?.[1]?.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
	return text || undefined;
}

/** Encodes each segment on its own; dot segments would let a value climb the path, so none pass. */
export function buildPath(segments: readonly string[]): string {
	return segments
		.map((segment) => {
			if (segment === '' || segment === '.' || segment === '..') {
				throw new InvalidInputError('path segment', segment, 'a non-empty value other than "." or ".."');
			}
			return '/' + encodeURIComponent(segment);
		})
		.join('');
}

function buildQuery(query: HttpRequest['query']): string {
	if (!query) return '';
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
	const text = params.toString();
	return text ? `?${text}` : '';
}

/** Longest gateway text kept in an error. */
const MAX_GATEWAY_WORDS = 500;

/**
 * The gateway's own words: `{ message }` (WAHA, strings or lists), Evolution's
 * `{ error: "Not Found", response: { message: [...] } }` (strings, or objects holding their own
 * `message`), `{ error }` (Sessions API), or a short text body. Specific words win over a bare
 * HTTP reason such as "Not Found" in `error`.
 */
export function extractGatewayMessage(data: unknown): string | undefined {
	if (typeof data === 'string') return data.trim().slice(0, MAX_GATEWAY_WORDS) || undefined;
	if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
	const body = data as Record<string, unknown>;
	const response = body.response && typeof body.response === 'object' ? (body.response as Record<string, unknown>) : {};
	const specific = [...wordsIn(body.message), ...wordsIn(response.message)];
	const words = specific.length ? specific : [...wordsIn(body.error), ...wordsIn(body.exception)];
	return [...new Set(words)].join('; ').slice(0, MAX_GATEWAY_WORDS) || undefined;
}

function wordsIn(value: unknown, depth = 0): string[] {
	if (typeof value === 'string') return value.trim() ? [value.trim()] : [];
	if (depth > 8 || !value || typeof value !== 'object') return [];
	if (Array.isArray(value)) return value.flatMap((entry) => wordsIn(entry, depth + 1));
	const item = value as Record<string, unknown>;
	// A number check's answer (Baileys' onWhatsApp shape, as Evolution returns it when refusing a number).
	if (item.exists === false && (typeof item.number === 'string' || typeof item.jid === 'string')) {
		return [`${String(item.number ?? item.jid)} is not on WhatsApp`];
	}
	const own = wordsIn(item.message, depth + 1);
	return own.length ? own : wordsIn(item.error, depth + 1);
}
