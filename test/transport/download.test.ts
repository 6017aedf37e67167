/**
 * The one URL fetcher (nodes/transport/download.ts) on its own, against real servers on 127.0.0.1:
 * its URL checks, redirect limit, credentials kept to their origin across redirects, the size cap on
 * the declared and the streamed size, the deadline for a body that drips, the private-address guard,
 * the MIME type sniffed, and no secret in any error.
 */
import http from 'node:http';
import { DownloadError, downloadFile, isPrivateAddress, type DownloadOptions } from '../../nodes/transport/download';
import { currentItemBudget, withItemBudget } from '../../nodes/transport/itemBudget';
import { startLoopbackServer, type LoopbackServer } from '../gateway-server/loopbackServer';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;

/** A loopback server that records each request's path and headers and hands it to the current handler. */
class Host {
	/** Each request's path and headers, and whether the client hung up before the answer ended. */
	readonly requests: Array<{ path: string; headers: http.IncomingHttpHeaders; hungUp: boolean }> = [];
	handler: Handler = (_req, res) => res.end('ok');
	private loopback!: LoopbackServer;

	async start(): Promise<this> {
		this.loopback = await startLoopbackServer((req, res) => {
			const record = { path: req.url ?? '', headers: req.headers, hungUp: false };
			this.requests.push(record);
			res.on('close', () => (record.hungUp = !res.writableFinished));
			void this.handler(req, res);
		});
		return this;
	}
	get port(): number {
		return this.loopback.port;
	}
	get url(): string {
		return this.loopback.url;
	}
	reset(handler: Handler): void {
		this.requests.length = 0;
		this.handler = handler;
	}
	async close(): Promise<void> {
		await this.loopback.close();
	}
}

const SECRET = 'k3y-that-must-stay-home';
let home: Host;
let other: Host;

beforeAll(async () => {
	[home, other] = await Promise.all([new Host().start(), new Host().start()]);
});
afterAll(async () => {
	await Promise.all([home.close(), other.close()]);
});

function options(extra: Partial<DownloadOptions> = {}): DownloadOptions {
	return { backend: 'TestBackend', what: 'the test file', timeoutMs: 2000, maxBytes: 1024 * 1024, capName: '"Max Test Size (MiB)"', ...extra };
}

async function failure(work: Promise<unknown>): Promise<DownloadError> {
	const error = await work.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(DownloadError);
	return error as DownloadError;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Until the response can take more, or the client is gone (listeners removed either way). */
function drainedOrClosed(res: http.ServerResponse): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			res.off('drain', done);
			res.off('close', done);
			resolve();
		};
		res.on('drain', done);
		res.on('close', done);
	});
}

/** `ms`, or less when the client hangs up first. */
function waitOrClosed(res: http.ServerResponse, ms: number): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(done, ms);
		function done() {
			clearTimeout(timer);
			res.off('close', done);
			resolve();
		}
		res.on('close', done);
	});
}

describe('URL checks', () => {
	test.each([
		['a login in the address', () => `http://user:${SECRET}@127.0.0.1:${home.port}/f`, 'The address given for the test file carries a login (user:password@127.0.0.1:'],
		['a scheme other than http(s)', () => 'file:///etc/passwd', 'The address given for the test file is not an http(s) URL (file:), so it cannot be downloaded'],
		['no URL at all', () => 'not a url', 'The address given for the test file is not a URL, so it cannot be downloaded'],
	])('%s: refused before anything is sent, no secret in the error', async (_case, address, words) => {
		home.reset((_req, res) => res.end('x'));
		const error = await failure(downloadFile(address(), options()));
		expect(error.message).toContain(words);
		expect(error.message).not.toContain(SECRET);
		expect(error.failure).toBe('url');
		expect(home.requests).toHaveLength(0);
	});

	test("the caller's host policy runs on the first address and on every redirect target", async () => {
		home.reset((_req, res) => {
			res.writeHead(302, { location: `${other.url}/elsewhere` });
			res.end();
		});
		other.reset((_req, res) => res.end('x'));
		const onlyHome = (url: URL) => {
			if (url.port !== String(home.port)) throw new Error(`not allowed: ${url.host}`);
		};
		await expect(downloadFile(`${home.url}/start`, options({ maxRedirects: 3, checkUrl: onlyHome }))).rejects.toThrow(`not allowed: 127.0.0.1:${other.port}`);
		expect(home.requests).toHaveLength(1);
		expect(other.requests).toHaveLength(0);
	});

	test('a query (a signed URL token) never shows in an error', async () => {
		home.reset((_req, res) => {
			res.writeHead(404);
			res.end();
		});
		const error = await failure(downloadFile(`${home.url}/gone.jpg?token=${SECRET}`, options()));
		expect(error.message).toBe(`TestBackend no longer has the test file from ${home.url}/gone.jpg (HTTP 404)`);
		expect(error).toMatchObject({ kind: 'notFound', failure: 'status', details: { httpStatus: 404 } });
	});
});

describe('redirects', () => {
	/** `/hop/N` redirects to `/hop/N-1`; `/hop/0` is the file. */
	const chain: Handler = (req, res) => {
		const left = Number(/^\/hop\/(\d+)$/.exec(req.url ?? '')?.[1] ?? 0);
		if (left > 0) {
			res.writeHead(302, { location: `/hop/${left - 1}` });
			res.end();
		} else res.end('the file');
	};

	test('by default a redirect is not followed', async () => {
		home.reset(chain);
		const error = await failure(downloadFile(`${home.url}/hop/1`, options()));
		expect(error.message).toBe(`TestBackend redirected the download of the test file from ${home.url}/hop/1 (HTTP 302); redirects are not followed`);
		expect(error.failure).toBe('redirect');
		expect(home.requests).toHaveLength(1);
	});

	test('up to the limit they are followed, and the final address is reported', async () => {
		home.reset(chain);
		const file = await downloadFile(`${home.url}/hop/3`, options({ maxRedirects: 3 }));
		expect(file.data.toString()).toBe('the file');
		expect(file.url.toString()).toBe(`${home.url}/hop/0`);
		expect(home.requests.map((r) => r.path)).toEqual(['/hop/3', '/hop/2', '/hop/1', '/hop/0']);
	});

	test('one more than the limit fails, and the last hop is not fetched', async () => {
		home.reset(chain);
		const error = await failure(downloadFile(`${home.url}/hop/4`, options({ maxRedirects: 3 })));
		expect(error.message).toBe(`TestBackend redirected the download of the test file from ${home.url}/hop/1 more than 3 times; it was not downloaded`);
		expect(error.failure).toBe('redirects');
		expect(home.requests).toHaveLength(4);
	});

	test('a redirect to a file: address is refused', async () => {
		home.reset((_req, res) => {
			res.writeHead(301, { location: 'file:///etc/passwd' });
			res.end();
		});
		const error = await failure(downloadFile(`${home.url}/x`, options({ maxRedirects: 3 })));
		expect(error.message).toBe('The address given for the test file is not an http(s) URL (file:), so it cannot be downloaded');
	});

	test('credentials go to their own origin only: not to the host a redirect points at', async () => {
		home.reset((req, res) => {
			if (req.url === '/start') {
				res.writeHead(302, { location: `${other.url}/file` });
				res.end();
			} else res.end('home file');
		});
		other.reset((_req, res) => {
			res.writeHead(302, { location: `${home.url}/back` });
			res.end();
		});
		const file = await downloadFile(
			`${home.url}/start`,
			options({ maxRedirects: 3, headers: { 'user-agent': 'test-agent' }, credentials: { origin: home.url, headers: { 'x-api-key': SECRET, authorization: `Basic ${SECRET}` } } }),
		);
		expect(file.data.toString()).toBe('home file');
		expect(home.requests.map((r) => [r.path, r.headers['x-api-key'], r.headers.authorization])).toEqual([
			['/start', SECRET, `Basic ${SECRET}`],
			['/back', SECRET, `Basic ${SECRET}`],
		]);
		expect(other.requests).toHaveLength(1);
		expect(other.requests[0].headers['x-api-key']).toBeUndefined();
		expect(other.requests[0].headers.authorization).toBeUndefined();
		expect(other.requests[0].headers.cookie).toBeUndefined();
		// The plain headers go everywhere.
		expect(other.requests[0].headers['user-agent']).toBe('test-agent');
	});
});

describe('size cap', () => {
	test('a declared size over the cap fails before the body is read', async () => {
		home.reset((_req, res) => {
			res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(900 * 1024 * 1024) });
			res.write(Buffer.alloc(10));
		});
		const error = await failure(downloadFile(`${home.url}/huge`, options({ maxBytes: 2 * 1024 * 1024 })));
		expect(error.message).toBe('The test file is 900 MiB, more than "Max Test Size (MiB)" allows (2 MiB); raise that option in the node options to download it');
		expect(error).toMatchObject({ kind: 'tooLarge', failure: 'tooLarge' });
	});

	test('a body without a length is counted as it arrives and cut off at the cap: the server sees the hang-up', async () => {
		let sent = 0;
		home.reset(async (_req, res) => {
			res.writeHead(200, { 'content-type': 'application/octet-stream' });
			const block = Buffer.alloc(64 * 1024, 1);
			while (!res.destroyed && sent < 200 * 1024 * 1024) {
				sent += block.length;
				if (!res.write(block)) await drainedOrClosed(res);
			}
			res.end();
		});
		const error = await failure(downloadFile(`${home.url}/endless`, options({ maxBytes: 1024 * 1024 })));
		expect(error.message).toBe('The test file is more than 1 MiB (cut off there), more than "Max Test Size (MiB)" allows (1 MiB); raise that option in the node options to download it');
		await wait(50);
		expect(home.requests[0].hungUp).toBe(true);
		// Generous bound: not the whole 200 MiB.
		expect(sent).toBeLessThan(50 * 1024 * 1024);
	});

	test("with overCap 'keepStart' the first bytes are kept and the rest is not read", async () => {
		home.reset((_req, res) => {
			res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(300 * 1024) });
			res.end(Buffer.alloc(300 * 1024, 'a'));
		});
		const file = await downloadFile(`${home.url}/page`, options({ maxBytes: 100 * 1024, overCap: 'keepStart' }));
		expect(file.data.length).toBe(100 * 1024);
		expect(file.truncated).toBe(true);
	});

	test('a body exactly at the cap is accepted whole', async () => {
		home.reset((_req, res) => res.end(Buffer.alloc(4096, 2)));
		const file = await downloadFile(`${home.url}/exact`, options({ maxBytes: 4096 }));
		expect(file.data.length).toBe(4096);
		expect(file.truncated).toBe(false);
	});
});

describe('deadline', () => {
	test('a body that drips is given up at the deadline', async () => {
		home.reset(async (_req, res) => {
			res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': '10000' });
			for (let i = 0; i < 10_000 && !res.destroyed; i++) {
				res.write(Buffer.from([0xff]));
				await waitOrClosed(res, 20);
			}
		});
		const started = Date.now();
		const error = await failure(downloadFile(`${home.url}/drip.jpg`, options({ timeoutMs: 300, source: 'the drip host' })));
		expect(error.message).toBe(`The drip host did not send the test file from ${home.url}/drip.jpg within 300 ms`);
		expect(error).toMatchObject({ kind: 'timeout', failure: 'timeout' });
		// Generous bound: it did not wait for the whole drip (200 s).
		expect(Date.now() - started).toBeLessThan(5000);
		await wait(50);
		expect(home.requests[0].hungUp).toBe(true);
	});

	test("the deadline is shortened to what is left of the item's budget, and spans redirects", async () => {
		home.reset(async (req, res) => {
			await wait(150);
			if (req.url === '/slow/1') {
				res.writeHead(302, { location: '/slow/0' });
				res.end();
			} else {
				await waitOrClosed(res, 2000);
				if (!res.destroyed) res.end('late');
			}
		});
		const error = await failure(withItemBudget(400, () => downloadFile(`${home.url}/slow/1`, options({ timeoutMs: 10_000, maxRedirects: 1 }))));
		const [, waitedMs] = /^TestBackend did not send the test file from http:\/\/127\.0\.0\.1:\d+\/slow\/0 within (\d+) ms$/.exec(error.message) ?? [];
		expect(Number(waitedMs)).toBeGreaterThan(300);
		expect(Number(waitedMs)).toBeLessThanOrEqual(400);
	});

	test("no time left in the item's budget: nothing is sent", async () => {
		home.reset((_req, res) => res.end('x'));
		const error = await failure(
			withItemBudget(50, async () => {
				void currentItemBudget()?.deadline; // the clock starts
				await wait(80);
				return await downloadFile(`${home.url}/late`, options());
			}),
		);
		expect(error.message).toBe(`No time left to download the test file from ${home.url}/late: the item's budget of 50 ms is used up`);
		expect(home.requests).toHaveLength(0);
	});
});

describe('private-address guard', () => {
	test.each([
		['an IP literal', () => `${home.url}/page`, '127.0.0.1'],
		['a name that resolves to loopback', () => `http://localhost:${home.port}/page`, 'localhost'],
	])('%s is refused without a connection', async (_case, address, host) => {
		home.reset((_req, res) => res.end('internal'));
		const error = await failure(downloadFile(address(), options({ refusePrivateAddresses: true })));
		expect(error.why).toBe(`${host} is an address of this host or a private network, which is not fetched`);
		expect(error.message).toContain(`Cannot download the test file from http://${host}:${home.port}/page: ${error.why}`);
		expect(error).toMatchObject({ kind: 'rejected', failure: 'private' });
		expect(home.requests).toHaveLength(0);
	});

	test('without the option a loopback address is fetched', async () => {
		home.reset((_req, res) => res.end('internal'));
		const file = await downloadFile(`http://localhost:${home.port}/page`, options());
		expect(file.data.toString()).toBe('internal');
	});

	test.each([
		['127.0.0.1', true],
		['10.1.2.3', true],
		['172.16.0.1', true],
		['192.168.1.1', true],
		['169.254.169.254', true],
		['100.64.0.1', true],
		['::1', true],
		['fd00::1', true],
		['fe80::1', true],
		['::ffff:127.0.0.1', true],
		['93.184.216.34', false],
		['172.32.0.1', false],
		['2606:4700::1111', false],
	])('isPrivateAddress(%s) is %s', (address, expected) => {
		expect(isPrivateAddress(address)).toBe(expected);
	});

});

describe('answers', () => {
	test('the MIME type is the declared one, or sniffed from the bytes when generic; the file name from Content-Disposition', async () => {
		const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('rest')]);
		home.reset((req, res) => {
			if (req.url === '/declared') res.writeHead(200, { 'content-type': 'image/webp; q=1' });
			else res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="dir/p%20one.png"' });
			res.end(png);
		});
		expect(await downloadFile(`${home.url}/declared`, options())).toMatchObject({ mimeType: 'image/webp', contentType: 'image/webp; q=1' });
		expect(await downloadFile(`${home.url}/generic`, options())).toMatchObject({ mimeType: 'image/png', fileName: 'p one.png' });
	});

	test('an answer of an unexpected type is not read', async () => {
		home.reset((_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{}');
		});
		const error = await failure(downloadFile(`${home.url}/json`, options({ acceptType: /html/i })));
		expect(error).toMatchObject({ failure: 'type', why: 'not the kind of file expected (application/json)' });
	});

	test('a connection closed in the middle of the body and a refused connection are network failures', async () => {
		home.reset((_req, res) => {
			res.writeHead(200, { 'content-length': '1000' });
			res.write(Buffer.alloc(10));
			setTimeout(() => res.destroy(), 20);
		});
		const cut = await failure(downloadFile(`${home.url}/cut`, options()));
		expect(cut.message).toBe(`Cannot download the test file from ${home.url}/cut: the connection closed in the middle of the file`);
		const refused = await failure(downloadFile(`http://127.0.0.1:9/x?sig=${SECRET}`, options()));
		expect(refused.message).toBe('Cannot download the test file from http://127.0.0.1:9/x: connection refused');
		expect(refused).toMatchObject({ kind: 'unreachable', failure: 'network' });
	});
});
