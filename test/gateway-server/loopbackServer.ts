/**
 * Starting and stopping the tests' HTTP servers on 127.0.0.1 (loopback gateways, media hosts, the
 * picture CDN, the fake WhatsApp media server, the fetcher's test hosts): a free port each, the
 * address with or without a login, and a close that ends every open connection first.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
	readonly server: http.Server;
	readonly port: number;
	/** `http://127.0.0.1:<port>`. */
	readonly url: string;
	/** The same address with `user:password@` in it. */
	urlWithLogin(user: string, password: string): string;
	/** Ends every connection (keep-alive ones and answers still dripping), then stops listening. */
	close(): Promise<void>;
}

export async function startLoopbackServer(handler: http.RequestListener, options: { keepAliveTimeoutMs?: number } = {}): Promise<LoopbackServer> {
	const server = http.createServer(handler);
	if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		server,
		port,
		url: `http://127.0.0.1:${port}`,
		urlWithLogin: (user, password) => `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
