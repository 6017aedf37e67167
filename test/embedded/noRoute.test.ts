/**
 * No route to WhatsApp (issue 9): with the WhatsApp Web endpoint refusing, not speaking TLS, not
 * resolving or silent, Get QR, Status, the credential test and the embedded trigger fail well
 * before the operation timeout with an embedded message saying what failed and what to do —
 * never ENOENT, never a server path, never a gateway hint.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { CredentialTestContext } from 'n8n-core';
import type { ICredentialsDecrypted } from 'n8n-workflow';
import { closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { whatsAppChatsConnectionTest } from '../../nodes/WhatsAppChats/methods/credentialTest';
import { startTrigger } from '../helpers/n8nTrigger';
import { runChatsNode } from '../helpers/whatsAppChatsNode';
import { startWorld, tempFolder, writePairedAuth, type EmbeddedWorld } from './world';

jest.setTimeout(60_000);

/** The node's default Timeout option: every failure here must come long before it. */
const OPERATION_TIMEOUT_MS = 30_000;
const WELL_BEFORE_MS = 8_000;

let world: EmbeddedWorld;
let pairedFolder: string;
const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();

async function listen(onConnection: (socket: net.Socket) => void): Promise<number> {
	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.on('error', () => undefined);
		onConnection(socket);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	servers.push(server);
	return (server.address() as AddressInfo).port;
}

async function refusingPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

interface Endpoint {
	name: string;
	url: () => Promise<string>;
	/** The words of the message that say what failed. */
	says: RegExp;
}

const ENDPOINTS: Endpoint[] = [
	{ name: 'connection refused', url: async () => `ws://127.0.0.1:${await refusingPort()}/ws/chat`, says: /127\.0\.0\.1:\d+ refused the connection\. / },
	{
		name: 'TLS to a server that does not speak it',
		// A plain-text HTTP answer where a TLS handshake is expected.
		url: async () => `wss://127.0.0.1:${await listen((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'))}/ws/chat`,
		says: /the secure \(TLS\) connection to 127\.0\.0\.1:\d+ failed/,
	},
	{ name: 'a name that does not resolve', url: async () => 'wss://web.whatsapp-chats-test.invalid/ws/chat', says: /the name "web\.whatsapp-chats-test\.invalid" could not be resolved \(DNS\)/ },
	{
		name: 'a server that accepts and never answers',
		url: async () => `ws://127.0.0.1:${await listen(() => undefined)}/ws/chat`,
		says: /127\.0\.0\.1:\d+ did not answer in time/,
	},
];

beforeAll(async () => {
	world = await startWorld({ paired: false });
	pairedFolder = await tempFolder('wa-noroute-paired-');
	await writePairedAuth(world.wa, pairedFolder);
});
afterAll(async () => {
	for (const socket of sockets) socket.destroy();
	for (const server of servers) server.close();
	await world?.close();
});
afterEach(async () => await closeAllSessions());

const unpaired = () => world.credentials;
const paired = () => ({ ...world.credentials, authFolder: pairedFolder });

function expectEmbeddedWords(message: string, description: string | undefined, endpoint: Endpoint): void {
	expect(message).toMatch(/^The embedded session "test" cannot reach WhatsApp: /);
	expect(message).toMatch(endpoint.says);
	expect(message).toContain('This n8n server itself connects to WhatsApp Web; ');
	for (const text of [message, description ?? '']) {
		expect(text).not.toMatch(/ENOENT|gateway|Base URL|API key/i);
		expect(text).not.toContain(world.folder);
		expect(text).not.toContain(pairedFolder);
	}
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
	const started = Date.now();
	const value = await work();
	return { value, ms: Date.now() - started };
}

describe.each(ENDPOINTS)('$name', (endpoint) => {
	beforeEach(async () => (process.env.WHATSAPP_CHATS_WA_URL = await endpoint.url()));

	test('Get QR on a new session fails early, saying what failed', async () => {
		const { value: result, ms } = await timed(() => runChatsNode({ credentials: unpaired(), parameters: { resource: 'session', operation: 'getQr' } as never }));
		expect(result.error).toBeDefined();
		expectEmbeddedWords(result.error!.message, result.error!.description ?? undefined, endpoint);
		expect(result.error!.description).toContain('web.whatsapp.com, port 443');
		expect(ms).toBeLessThan(WELL_BEFORE_MS);
		expect(ms).toBeLessThan(OPERATION_TIMEOUT_MS / 3);
	});

	test('Status of a paired session fails early, saying what failed', async () => {
		const { value: result, ms } = await timed(() => runChatsNode({ credentials: paired(), parameters: { resource: 'session', operation: 'status' } as never }));
		expect(result.error).toBeDefined();
		expectEmbeddedWords(result.error!.message, result.error!.description ?? undefined, endpoint);
		expect(ms).toBeLessThan(WELL_BEFORE_MS);
	});

	test('the credential test of a paired session reports it as an error', async () => {
		const credential: ICredentialsDecrypted = { id: '1', name: 'test', type: 'whatsAppChatsApi', data: paired() as never };
		const { value: result, ms } = await timed(() => whatsAppChatsConnectionTest.call(new CredentialTestContext(), credential));
		expect(result.status).toBe('Error');
		expectEmbeddedWords(result.message, undefined, endpoint);
		expect(ms).toBeLessThan(WELL_BEFORE_MS);
	});

	test('activating the embedded trigger fails early, saying nothing can arrive and why', async () => {
		const trigger = await startTrigger({ credentials: paired(), parameters: { source: 'embedded' } });
		try {
			const started = Date.now();
			const error = (await trigger.startTrigger().catch((e: unknown) => e)) as Error;
			const ms = Date.now() - started;
			expect(error).toBeInstanceOf(Error);
			expect(error.message).toMatch(/^No events can arrive from the embedded session, so the trigger does not listen: The embedded session "test" cannot reach WhatsApp: /);
			expect(error.message).toMatch(endpoint.says);
			expect(error.message).not.toMatch(/ENOENT|gateway|Base URL|API key/i);
			expect(ms).toBeLessThan(WELL_BEFORE_MS);
		} finally {
			await trigger.close();
		}
	});
});

test('a second call on the same session fails as fast; once WhatsApp is reachable again, the next call connects', async () => {
	process.env.WHATSAPP_CHATS_WA_URL = `ws://127.0.0.1:${await refusingPort()}/ws/chat`;
	const failed = await runChatsNode({ credentials: paired(), parameters: { resource: 'session', operation: 'status' } as never });
	expect(failed.error?.message).toContain('refused the connection');
	// The session now waits to reconnect; the next call tries at once and fails as fast.
	const { value: again, ms } = await timed(() => runChatsNode({ credentials: paired(), parameters: { resource: 'session', operation: 'status' } as never }));
	expect(again.error?.message).toContain('refused the connection');
	expect(ms).toBeLessThan(3000);
	process.env.WHATSAPP_CHATS_WA_URL = world.wa.url;
	const ok = await runChatsNode({ credentials: paired(), parameters: { resource: 'session', operation: 'status' } as never });
	expect(ok.error).toBeUndefined();
	expect(ok.output[0].json).toMatchObject({ state: 'open', connected: true });
});
