/**
 * HTTP transport shared by the gateway backends: kept-alive connections, a timeout per request,
 * retries with backoff for what may succeed on a second try, and errors without secrets.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { GatewayError, InvalidInputError } from '../backends/errors';
import { retryDelayMs, sleep } from './retry';

export interface HttpSettings {
	baseUrl: string;
	/** Header carrying the API key, e.g. `X-Api-Key`; the key is never put anywhere else. */
	apiKeyHeader: string;
	apiKey?: string;
	timeoutMs: number;
	maxRetries: number;
	/** First backoff step; doubled each retry, with jitter. */
	retryBaseDelayMs?: number;
}

export interface HttpRequest {
	method: 'GET' | 'POST' | 'PUT' | 'DELETE';
	/** Path segments, each percent-encoded on its own: `['api', session, 'chats', chatId]`. */
	path: readonly string[];
	query?: Record<string, string | number | boolean | undefined>;
	body?: unknown;
}

export interface HttpAnswer {
	status: number;
	data: unknown;
	headers: Record<string, unknown>;
}

// One pool per process so connections stay warm across items and executions.
const keepAliveAgents = {
	http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
	https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

// In words: n8n replaces any error message that contains a raw code such as ECONNREFUSED.
const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'host name lookup failed',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	EPIPE: 'connection closed while sending',
	CERT_HAS_EXPIRED: 'its TLS certificate has expired',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
};

export class GatewayHttpClient {
	private readonly axios: AxiosInstance;

	constructor(
		readonly backendLabel: string,
		private readonly settings: HttpSettings,
	) {
		const baseURL = normalizeBaseUrl(settings.baseUrl);
		this.axios = axios.create({
			baseURL,
			timeout: settings.timeoutMs,
			httpAgent: keepAliveAgents.http,
			httpsAgent: keepAliveAgents.https,
			// Every status is handled here, so axios must not throw its own error (it holds the headers).
			validateStatus: () => true,
			maxRedirects: 0,
			headers: settings.apiKey ? { [settings.apiKeyHeader]: settings.apiKey } : {},
		});
	}

	/** Sends the request, retrying network failures, 429 and 5xx (but 501); returns 2xx answers. */
	async request(request: HttpRequest): Promise<HttpAnswer> {
		const url = buildPath(request.path) + buildQuery(request.query);
		for (let attempt = 0; ; attempt++) {
			let response: AxiosResponse;
			try {
				response = await this.axios.request({
					method: request.method,
					url,
					data: request.body,
					headers: request.body === undefined ? undefined : { 'Content-Type': 'application/json' },
				});
			} catch (error) {
				const code = (error as { code?: string }).code ?? '';
				if (attempt < this.settings.maxRetries && RETRYABLE_NETWORK_CODES.has(code)) {
					await sleep(retryDelayMs(attempt, undefined, this.settings.retryBaseDelayMs));
					continue;
				}
				throw this.networkError(code, request);
			}
			const answer: HttpAnswer = { status: response.status, data: response.data, headers: response.headers };
			if (response.status >= 200 && response.status < 300) return answer;
			const retryable = response.status === 429 || (response.status >= 500 && response.status !== 501);
			if (retryable && attempt < this.settings.maxRetries) {
				await sleep(retryDelayMs(attempt, response.headers['retry-after'], this.settings.retryBaseDelayMs));
				continue;
			}
			throw this.statusError(answer, request);
		}
	}

	private networkError(code: string, request: HttpRequest): GatewayError {
		const where = `${this.backendLabel} at ${this.settings.baseUrl}`;
		if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_SOCKET_CONNECTION_TIMEOUT') {
			return new GatewayError(
				this.backendLabel,
				'timeout',
				`${where} did not answer ${request.method} ${request.path.join('/')} within ${this.settings.timeoutMs} ms`,
			);
		}
		return new GatewayError(this.backendLabel, 'unreachable', `Cannot reach ${where}: ${NETWORK_FAILURES[code] ?? 'network error'}`);
	}

	private statusError(answer: HttpAnswer, request: HttpRequest): GatewayError {
		const gatewayMessage = extractGatewayMessage(answer.data);
		const said = gatewayMessage ? `: ${gatewayMessage}` : '';
		const details = { httpStatus: answer.status, gatewayMessage, raw: answer.data };
		const label = this.backendLabel;
		switch (true) {
			case answer.status === 401 || answer.status === 403:
				return new GatewayError(label, 'unauthorized', `${label} rejected the API key (HTTP ${answer.status})${said}`, details);
			case answer.status === 429:
				return new GatewayError(label, 'rateLimited', `${label} is rate limiting requests (HTTP 429)${said}`, details);
			case answer.status === 501:
				return new GatewayError(label, 'unsupported', `This operation is not supported by this ${label} gateway (HTTP 501)${said}`, details);
			case answer.status >= 500:
				return new GatewayError(label, 'server', `${label} failed (HTTP ${answer.status})${said}`, details);
			case answer.status === 404:
				return new GatewayError(label, 'notFound', `${label} found nothing at ${request.method} /${request.path.join('/')} (HTTP 404)${said}`, details);
			default:
				return new GatewayError(label, 'rejected', `${label} refused the request (HTTP ${answer.status})${said}`, details);
		}
	}
}

function normalizeBaseUrl(baseUrl: string): string {
	let url: URL;
	try {
		url = new URL(baseUrl);
	} catch {
		throw new InvalidInputError('Base URL', baseUrl, 'an http:// or https:// URL such as http://localhost:3000');
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new InvalidInputError('Base URL', baseUrl, 'an http:// or https:// URL such as http://localhost:3000');
	}
	return url.toString().replace(/\/+$/, '');
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

/** The gateway's own words: `{message}` (WAHA), `{error}` (Sessions API), or a short text body. */
export function extractGatewayMessage(data: unknown): string | undefined {
	if (typeof data === 'string') return data.trim().slice(0, 500) || undefined;
	if (data && typeof data === 'object') {
		const body = data as Record<string, unknown>;
		for (const key of ['message', 'error', 'exception']) {
			const value = body[key];
			if (typeof value === 'string' && value) return value;
			if (Array.isArray(value) && value.length) return value.map(String).join('; ');
			if (value && typeof value === 'object') {
				const nested = extractGatewayMessage(value);
				if (nested) return nested;
			}
		}
	}
	return undefined;
}
