/** A real Baileys socket pointed at the fake server, recording what it emits. */
import { loadBaileys } from './baileys';
import { Recorder } from './recorder';
import type { FakeWhatsApp } from './server';

/**
 * Test-side convenience: a real Baileys socket pointed at a fake server, with every emitted
 * event recorded so tests can await them without racing.
 */
export interface RecordedEvent {
	name: string;
	data: any;
}

export interface TestClient {
	/** The Baileys socket (`makeWASocket` result). */
	sock: any;
	/** Auth state in use; Baileys mutates `creds` in place on creds.update. */
	auth: { creds: any; keys: any };
	events: Recorder<RecordedEvent>;
	/** Resolves with the data of the first (recorded or future) event `name` matching `match`. */
	waitForEvent(name: string, match?: (data: any) => boolean, timeoutMs?: number): Promise<any>;
	/** Resolves when connection.update reports `connection: 'open'`; rejects if it closes first. */
	waitForOpen(timeoutMs?: number): Promise<void>;
	/** Resolves with `lastDisconnect.error.output.statusCode` when the connection closes. */
	waitForClose(timeoutMs?: number): Promise<number | undefined>;
	/** Lets in-flight queries finish, then ends the socket (no dangling Baileys timers). */
	end(): Promise<void>;
}

export interface ConnectOptions {
	/** Auth state; default: `wa.makePairedCreds()`. */
	auth?: { creds: any; keys: any };
	/** Extra Baileys socket config (overrides the defaults below). */
	config?: Record<string, unknown>;
	/** pino level for Baileys' logger (default 'silent', or env FAKE_WA_BAILEYS_LOG). */
	logLevel?: string;
}

export async function connectClient(wa: FakeWhatsApp, opts: ConnectOptions = {}): Promise<TestClient> {
	const B = await loadBaileys();
	const pino = (await import('pino')).default;
	const auth = opts.auth ?? wa.makePairedCreds();
	const sock: any = B.makeWASocket({
		auth: auth as any,
		waWebSocketUrl: wa.url,
		logger: pino({ level: opts.logLevel ?? process.env.FAKE_WA_BAILEYS_LOG ?? 'silent' }) as any,
		printQRInTerminal: false,
		markOnlineOnConnect: false,
		syncFullHistory: false,
		// Short queries so a never-answered IQ cannot keep jest alive for Baileys' default 60 s.
		defaultQueryTimeoutMs: 5_000,
		...opts.config,
	});
	const events = new Recorder<RecordedEvent>('a Baileys event');
	sock.ev.process(async (map: Record<string, unknown>) => {
		for (const [name, data] of Object.entries(map)) events.push({ name, data });
	});

	const waitForEvent = (name: string, match: (data: any) => boolean = () => true, timeoutMs = 5000) =>
		events.waitFor((e) => e.name === name && match(e.data), timeoutMs).then((e) => e.data);

	let ended = false;
	return {
		sock,
		auth,
		events,
		waitForEvent,
		async waitForOpen(timeoutMs = 10_000) {
			const update = await waitForEvent('connection.update', (u) => u.connection === 'open' || u.connection === 'close', timeoutMs);
			if (update.connection === 'close') {
				throw new Error(`connection closed before open: ${update.lastDisconnect?.error?.message ?? 'unknown'}`);
			}
		},
		async waitForClose(timeoutMs = 5000) {
			const update = await waitForEvent('connection.update', (u) => u.connection === 'close', timeoutMs);
			return update.lastDisconnect?.error?.output?.statusCode;
		},
		async end() {
			if (ended) return;
			ended = true;
			await wa.settle();
			sock.end(undefined);
			events.cancel('client ended');
		},
	};
}
