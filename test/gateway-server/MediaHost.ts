/**
 * A media file server on 127.0.0.1 that is not the gateway (another origin): serves files, bodies
 * larger than any cap (declared or streamed endlessly) and bodies that drip, and records every
 * request's headers and how many bytes it sent before the client hung up.
 */
import http from 'node:http';
import { startLoopbackServer, type LoopbackServer } from './loopbackServer';

export type MediaAnswer =
	| { kind: 'file'; data: Buffer; mimetype: string; status?: number }
	/** Declares `Content-Length: declaredBytes`, then sends nothing more. */
	| { kind: 'declaredHuge'; declaredBytes: number }
	/** Streams 64 KiB chunks without a length until the client hangs up. */
	| { kind: 'endless' }
	/** Sends one byte every `everyMs` forever. */
	| { kind: 'drip'; everyMs: number };

export interface MediaRequestRecord {
	path: string;
	headers: http.IncomingHttpHeaders;
	/** Body bytes written before the response ended or the client hung up. */
	bytesSent: number;
	/** Whether the client closed the connection before the body ended. */
	clientHungUp: boolean;
}

export class MediaHost {
	readonly requests: MediaRequestRecord[] = [];
	private readonly answers = new Map<string, MediaAnswer>();
	private loopback!: LoopbackServer;
	private readonly timers = new Set<NodeJS.Timeout>();

	static async start(): Promise<MediaHost> {
		const host = new MediaHost();
		host.loopback = await startLoopbackServer((req, res) => host.handle(req, res));
		return host;
	}

	get url(): string {
		return this.loopback.url;
	}

	serve(path: string, answer: MediaAnswer): string {
		this.answers.set(path, answer);
		return this.url + path;
	}

	reset(): void {
		this.requests.length = 0;
		this.answers.clear();
	}

	async close(): Promise<void> {
		for (const timer of this.timers) clearInterval(timer);
		await this.loopback.close();
	}

	private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
		const record: MediaRequestRecord = { path: req.url ?? '/', headers: req.headers, bytesSent: 0, clientHungUp: false };
		this.requests.push(record);
		res.on('close', () => (record.clientHungUp = !res.writableFinished));
		const answer = this.answers.get(record.path);
		if (!answer) {
			res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no such file');
			return;
		}
		switch (answer.kind) {
			case 'file':
				res.writeHead(answer.status ?? 200, { 'Content-Type': answer.mimetype, 'Content-Length': answer.data.length });
				record.bytesSent = answer.data.length;
				res.end(answer.data);
				return;
			case 'declaredHuge':
				res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': answer.declaredBytes });
				res.flushHeaders();
				return;
			case 'endless': {
				res.writeHead(200, { 'Content-Type': 'video/mp4' });
				const chunk = Buffer.alloc(64 * 1024, 7);
				const pump = () => {
					while (!res.destroyed && res.write(chunk)) record.bytesSent += chunk.length;
					if (!res.destroyed) {
						record.bytesSent += chunk.length;
						res.once('drain', pump);
					}
				};
				pump();
				return;
			}
			case 'drip': {
				res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': 1_000_000 });
				const timer = setInterval(() => {
					if (res.destroyed) return clearInterval(timer);
					res.write(Buffer.from([1]));
					record.bytesSent++;
				}, answer.everyMs);
				this.timers.add(timer);
				res.on('close', () => clearInterval(timer));
				return;
			}
		}
	}
}
