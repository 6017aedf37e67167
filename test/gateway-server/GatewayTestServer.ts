/**
 * A real HTTP server on 127.0.0.1 that answers like the gateways (WAHA under `/api`, the Sessions
 * API under `/sessions`) and records every request as it arrived, path still percent-encoded.
 * Tests script one-off answers (errors, delays, dropped sockets) with `respond()`.
 */
import http from 'node:http';
import { wahaRoutes } from './wahaRoutes';
import { sessionsApiRoutes } from './sessionsApiRoutes';
import { evolutionRoutes } from './evolutionRoutes';
import { startLoopbackServer, type LoopbackServer } from './loopbackServer';

export interface RecordedRequest {
	method: string;
	/** Path as sent, not decoded: `/api/default/chats/123%40c.us/archive`. */
	path: string;
	query: Record<string, string>;
	headers: http.IncomingHttpHeaders;
	body: unknown;
	/** `Date.now()` when the request arrived. */
	receivedAt: number;
}

export interface ScriptedAnswer {
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
	delayMs?: number;
	/** Close the connection without answering (a network failure). */
	dropConnection?: boolean;
}

export type Route = {
	method: string;
	pattern: RegExp;
	answer: (request: RecordedRequest, params: string[], state: GatewayState) => ScriptedAnswer;
};

/** What the fake gateways know; tests may change it. */
export interface GatewayState {
	apiKey: string;
	sessions: Set<string>;
	chats: Array<Record<string, unknown>>;
	messages: Map<string, Array<Record<string, unknown>>>;
	/** Webhook configs per WAHA session, as `PUT /api/sessions/{session}` left them. */
	sessionConfigs: Map<string, Record<string, unknown>>;
	/** WAHA: whether the engine offers `GET /api/{session}/chats/all/messages/{id}` (GOWS, NOWEB). */
	wahaMessageById: boolean;
	/** WAHA: LID JID → phone digits its LID routes know; null for an engine without the routes (404 "Cannot GET"). */
	wahaLids: Map<string, string> | null;
}

export const TEST_API_KEY = 'test-key-do-not-leak-7f3a';
export const SESSIONS_API_ID = 'e67a00be-ed45-4356-9488-049cabb9895d';

export class GatewayTestServer {
	readonly requests: RecordedRequest[] = [];
	readonly state: GatewayState = {
		apiKey: TEST_API_KEY,
		sessions: new Set(['default', SESSIONS_API_ID]),
		chats: makeChats(250),
		messages: new Map(),
		sessionConfigs: new Map(),
		wahaMessageById: false,
		wahaLids: new Map(),
	};
	latencyMs = 0;
	/** Most requests being answered at the same moment since the last reset. */
	maxInFlight = 0;
	private inFlight = 0;
	private readonly scripted: Array<{ matches: (request: RecordedRequest) => boolean; answer: ScriptedAnswer }> = [];
	private readonly routes: Route[] = [...wahaRoutes, ...sessionsApiRoutes, ...evolutionRoutes];
	private loopback!: LoopbackServer;

	static async start(options: { latencyMs?: number } = {}): Promise<GatewayTestServer> {
		const gateway = new GatewayTestServer();
		gateway.latencyMs = options.latencyMs ?? 0;
		gateway.loopback = await startLoopbackServer((req, res) => void gateway.handle(req, res), { keepAliveTimeoutMs: 5000 });
		return gateway;
	}

	get url(): string {
		return this.loopback.url;
	}

	/** The next request matching `method path-prefix` (or the predicate) gets these answers, in turn. */
	respond(match: string | ((request: RecordedRequest) => boolean), ...answers: ScriptedAnswer[]): void {
		const matches =
			typeof match === 'function'
				? match
				: (request: RecordedRequest) => `${request.method} ${request.path}`.startsWith(match);
		for (const answer of answers) this.scripted.push({ matches, answer });
	}

	/** Routes answered before the built-in ones (a suite's own stateful answers), for this server only. */
	use(...routes: Route[]): void {
		this.routes.unshift(...routes);
	}

	/** Requests other than the ones a backend makes on its own (e.g. message look-ups). */
	requestsTo(method: string, pathPrefix: string): RecordedRequest[] {
		return this.requests.filter((request) => request.method === method && request.path.startsWith(pathPrefix));
	}

	reset(): void {
		this.requests.length = 0;
		this.maxInFlight = 0;
		this.scripted.length = 0;
		this.state.wahaMessageById = false;
	}

	async close(): Promise<void> {
		await this.loopback.close();
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const request = await readRequest(req);
		this.requests.push(request);
		this.inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
		try {
			await this.answer(request, req, res);
		} finally {
			this.inFlight--;
		}
	}

	private async answer(request: RecordedRequest, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const scriptedIndex = this.scripted.findIndex((entry) => entry.matches(request));
		const answer =
			scriptedIndex >= 0 ? this.scripted.splice(scriptedIndex, 1)[0].answer : this.routeAnswer(request);
		const delay = (answer.delayMs ?? 0) + this.latencyMs;
		if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
		if (answer.dropConnection) {
			req.socket.destroy();
			return;
		}
		// Bytes (a media file) are sent as they are.
		const bytes = Buffer.isBuffer(answer.body);
		const body = answer.body === undefined ? '' : bytes || typeof answer.body === 'string' ? (answer.body as string | Buffer) : JSON.stringify(answer.body);
		res.writeHead(answer.status ?? 200, {
			'Content-Type': bytes ? 'application/octet-stream' : typeof answer.body === 'string' ? 'text/plain' : 'application/json',
			...answer.headers,
		});
		res.end(body);
	}

	private routeAnswer(request: RecordedRequest): ScriptedAnswer {
		for (const route of this.routes) {
			const found = route.method === request.method ? route.pattern.exec(request.path) : null;
			if (found) return route.answer(request, found.slice(1).map(decodeURIComponent), this.state);
		}
		return { status: 404, body: { statusCode: 404, message: `Cannot ${request.method} ${request.path}`, error: 'Not Found' } };
	}
}

/** Reads a whole request as the test servers record it: path still encoded, JSON body parsed where it is JSON. */
export async function readRequest(req: http.IncomingMessage): Promise<RecordedRequest> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const text = Buffer.concat(chunks).toString('utf8');
	const [path, search = ''] = (req.url ?? '/').split('?');
	return {
		method: req.method ?? 'GET',
		path,
		query: Object.fromEntries(new URLSearchParams(search)),
		headers: req.headers,
		body: text ? safeJson(text) : undefined,
		receivedAt: Date.now(),
	};
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function makeChats(count: number): Array<Record<string, unknown>> {
	return Array.from({ length: count }, (_, index) => ({
		id: index % 10 === 9 ? `1203630${String(index).padStart(5, '0')}@g.us` : `9199880${String(index).padStart(5, '0')}@c.us`,
		name: `Contact ${index}`,
		timestamp: 1_700_000_000 + index,
		unreadCount: index % 3,
	}));
}
