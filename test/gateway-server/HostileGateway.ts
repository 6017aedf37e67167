/**
 * A loopback HTTP server that misbehaves the way real gateways and what stands in front of them
 * do: pages that ignore offset or limit, bodies dripped byte by byte, gzip that inflates to
 * hundreds of MiB, HTML login pages, plain `OK`, cut-off JSON, error pages that echo the request
 * headers, sockets closed in the middle of a body. Each test gives the handler; every request is
 * recorded as it arrived.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import { readRequest, type RecordedRequest } from './GatewayTestServer';
import { startLoopbackServer, type LoopbackServer } from './loopbackServer';

export interface HostileRequest extends RecordedRequest {
	/** How many requests came before this one. */
	index: number;
}

export type HostileHandler = (request: HostileRequest, res: http.ServerResponse, req: http.IncomingMessage) => void | Promise<void>;

export class HostileGateway {
	readonly requests: HostileRequest[] = [];
	private handler: HostileHandler = (_request, res) => json(res, 404, { message: 'no handler' });
	private loopback!: LoopbackServer;

	static async start(): Promise<HostileGateway> {
		const gateway = new HostileGateway();
		gateway.loopback = await startLoopbackServer((req, res) => void gateway.handle(req, res), { keepAliveTimeoutMs: 5000 });
		return gateway;
	}

	get url(): string {
		return this.loopback.url;
	}

	/** The same address with `user:password@` in it. */
	urlWithLogin(user: string, password: string): string {
		return this.loopback.urlWithLogin(user, password);
	}

	/** Answers every following request with `handler`, and forgets earlier requests. */
	use(handler: HostileHandler): void {
		this.requests.length = 0;
		this.handler = handler;
	}

	async close(): Promise<void> {
		await this.loopback.close();
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const request: HostileRequest = { ...(await readRequest(req)), index: this.requests.length };
		this.requests.push(request);
		try {
			await this.handler(request, res, req);
		} catch {
			if (!res.headersSent) json(res, 500, { message: 'handler failed' });
			else res.destroy();
		}
	}
}

export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
	res.end(text);
}

export function text(res: http.ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
	res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
	res.end(body);
}

/** A login page such as a reverse proxy or a dashboard shows on any path. */
export const LOGIN_PAGE =
	'<!DOCTYPE html><html><head><title>Sign in · Dashboard</title></head><body><form method="post"><input name="user"><input type="password" name="password"></form></body></html>';

/** Sends `body` one byte every `everyMs`, declared in full up front, until done or the socket closes. */
export async function drip(res: http.ServerResponse, body: string, everyMs: number): Promise<void> {
	res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
	for (const byte of Buffer.from(body)) {
		if (res.destroyed || res.socket?.destroyed) return;
		res.write(Buffer.from([byte]));
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
	res.end();
}

/** Sends the head of `body`, then closes the socket in the middle of it. */
export function closeMidBody(res: http.ServerResponse, body: string): void {
	res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
	res.write(body.slice(0, Math.floor(body.length / 2)));
	setTimeout(() => res.socket?.destroy(), 20);
}

/**
 * A gzip body that inflates to `inflatedMiB` MiB of JSON (`{"value":"AAAA…"}`), built by
 * streaming so the test process never holds the inflated text.
 */
export async function gzipBomb(inflatedMiB: number): Promise<Buffer> {
	const gzip = zlib.createGzip({ level: 9 });
	const parts: Buffer[] = [];
	gzip.on('data', (chunk: Buffer) => parts.push(chunk));
	const done = new Promise<void>((resolve, reject) => {
		gzip.on('end', resolve);
		gzip.on('error', reject);
	});
	const block = Buffer.alloc(1024 * 1024, 'A');
	gzip.write('{"value":"');
	for (let mib = 0; mib < inflatedMiB; mib++) {
		if (!gzip.write(block)) await new Promise((resolve) => gzip.once('drain', resolve));
	}
	gzip.end('"}');
	await done;
	return Buffer.concat(parts);
}

export function sendGzip(res: http.ServerResponse, compressed: Buffer): void {
	res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': compressed.length });
	res.end(compressed);
}

/** Every request header, as an error page of a misconfigured proxy or framework prints them. */
export function headerDump(req: http.IncomingMessage): string {
	return Object.entries(req.headers)
		.map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : value}`)
		.join('\n');
}
