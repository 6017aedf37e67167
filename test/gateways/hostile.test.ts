/**
 * The "hostile gateway" suite: the node in n8n's engine against loopback gateways that misbehave
 * (paging that never ends, dripped bodies, gzip bombs, HTML and plain-text answers, odd Base
 * URLs, sockets closed mid-body, error pages that echo the request headers). Each test asserts
 * the error, the number of requests, time against the timeout, memory, and that no secret leaks.
 */
import type { IDataObject } from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';
import { Container } from '@n8n/di';
import { Logger } from '@n8n/backend-common';
import { whatsAppChatsConnectionTest } from '../../nodes/WhatsAppChats/methods/credentialTest';
import { searchChats } from '../../nodes/WhatsAppChats/methods/listSearch';
import { SESSIONS_API_ID } from '../gateway-server/GatewayTestServer';
import {
	closeMidBody,
	drip,
	gzipBomb,
	headerDump,
	HostileGateway,
	json,
	LOGIN_PAGE,
	sendGzip,
	text,
	type HostileRequest,
} from '../gateway-server/HostileGateway';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';

const API_KEY = 'hostile-key-5b1f-do-not-leak';
const WEBHOOK_SECRET = 'hostile-webhook-secret-77aa';
const URL_USER = 'ops';
const URL_PASSWORD = 'url-pass-9c3e';
const BASIC = Buffer.from(`${URL_USER}:${URL_PASSWORD}`).toString('base64');
const SECRETS = [API_KEY, WEBHOOK_SECRET, URL_PASSWORD, BASIC];
const INSTANCE = 'sales-bot';
const JID = '919988066776@s.whatsapp.net';

let gateway: HostileGateway;
beforeAll(async () => (gateway = await HostileGateway.start()));
afterAll(async () => await gateway.close());

type Dialect = 'waha' | 'sessionsApi' | 'evolution';
const SESSION: Record<Dialect, string> = { waha: 'default', sessionsApi: SESSIONS_API_ID, evolution: INSTANCE };
const LABEL: Record<Dialect, string> = { waha: 'WAHA', sessionsApi: 'Sessions API', evolution: 'Evolution API' };
const DIALECTS: Dialect[] = ['waha', 'sessionsApi', 'evolution'];

const credentials = (connection: Dialect, overrides: IDataObject = {}): IDataObject => ({
	connection,
	baseUrl: gateway.url,
	session: SESSION[connection],
	apiKey: API_KEY,
	webhookSecret: WEBHOOK_SECRET,
	...overrides,
});

const archive = (connection: Dialect, options: IDataObject = {}, extra: { continueOnFail?: boolean; credentials?: IDataObject } = {}) =>
	runChatsNode({
		credentials: credentials(connection, extra.credentials),
		parameters: { resource: 'chat', operation: 'archive', chatId: chat('+91 99880-66776'), options } as never,
		continueOnFail: extra.continueOnFail,
	});

const getMany = (connection: Dialect, listing: IDataObject, options: IDataObject = {}) =>
	runChatsNode({
		credentials: credentials(connection),
		parameters: { resource: 'chat', operation: 'getMany', ...listing, options } as never,
	});

/** The largest heap + buffer growth seen while `work` runs, in MiB. */
async function peakGrowthMiB<T>(work: () => Promise<T>): Promise<{ result: T; peakMiB: number }> {
	const used = () => {
		const memory = process.memoryUsage();
		return memory.heapUsed + memory.arrayBuffers;
	};
	const baseline = used();
	let peak = baseline;
	const sampler = setInterval(() => (peak = Math.max(peak, used())), 5);
	try {
		const result = await work();
		peak = Math.max(peak, used());
		return { result, peakMiB: (peak - baseline) / 1024 / 1024 };
	} finally {
		clearInterval(sampler);
	}
}

const wahaChat = (index: number) => ({ id: `91990${String(index).padStart(7, '0')}@c.us`, name: `Chat ${index}`, timestamp: 1_700_000_000 + index });
const evolutionChat = (index: number) => ({ remoteJid: `91990${String(index).padStart(7, '0')}@s.whatsapp.net`, pushName: `Chat ${index}`, unreadCount: 0 });
const isChatList = (request: HostileRequest) => request.path === '/api/default/chats' || request.path === `/chat/findChats/${INSTANCE}`;

describe('Return All always ends, and never returns more than asked', () => {
	test('a WAHA that ignores offset (always the first page) is read twice, then Return All stops', async () => {
		const firstPage = Array.from({ length: 100 }, (_, index) => wahaChat(index));
		gateway.use((request, res) => (isChatList(request) ? json(res, 200, firstPage) : json(res, 404, {})));
		const { result, peakMiB } = await peakGrowthMiB(() => getMany('waha', { returnAll: true }));
		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(100);
		expect(new Set(result.output.map((item) => item.json.id)).size).toBe(100);
		expect(gateway.requests).toHaveLength(2);
		expect(gateway.requests.map((request) => request.query.offset)).toEqual(['0', '100']);
		expect(peakMiB).toBeLessThan(100);
	}, 30_000);

	test('an Evolution 2.2 that ignores take/skip, with exactly 100 chats: two calls, 100 chats', async () => {
		const rows = Array.from({ length: 100 }, (_, index) => evolutionChat(index));
		gateway.use((request, res) => (isChatList(request) ? json(res, 200, rows) : json(res, 404, {})));
		const result = await getMany('evolution', { returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(100);
		expect(gateway.requests).toHaveLength(2);
	}, 30_000);

	test('a gateway that ignores limit: 40,000 chats sent for Limit 1,000 give exactly 1,000', async () => {
		const all = Array.from({ length: 40_000 }, (_, index) => wahaChat(index));
		gateway.use((request, res) => (isChatList(request) ? json(res, 200, all) : json(res, 404, {})));
		const result = await getMany('waha', { returnAll: false, limit: 1000 });
		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(1000);
		expect(result.output[999].json.id).toBe(wahaChat(999).id);
		expect(gateway.requests.length).toBeLessThanOrEqual(10);
	}, 60_000);

	test('the Chat field’s list shows one page, even from a gateway that ignores limit', async () => {
		const all = Array.from({ length: 40_000 }, (_, index) => wahaChat(index));
		gateway.use((request, res) => (isChatList(request) ? json(res, 200, all) : json(res, 404, {})));
		const listed = await searchChats.call({ getCredentials: async () => credentials('waha') } as never);
		expect(listed.results).toHaveLength(100);
		expect(listed.paginationToken).toBe('100');
		expect(gateway.requests).toHaveLength(1);
	});

	test('a 240,000-chat page does not overflow the stack; Return All stops at its cap with a clear error', async () => {
		const all = Array.from({ length: 240_000 }, (_, index) => ({ id: `${index}@c.us` }));
		gateway.use((request, res) => (isChatList(request) ? json(res, 200, all) : json(res, 404, {})));
		const limited = await getMany('waha', { returnAll: false, limit: 500 });
		expect(limited.error).toBeUndefined();
		expect(limited.output).toHaveLength(500);
		const everything = await getMany('waha', { returnAll: true });
		expect(everything.error?.message).toBe(
			'Return All stopped at 50000 chats: WAHA has more (or keeps sending new ones). Use Limit and Offset to read them in parts',
		);
		expect(gateway.requests).toHaveLength(2);
	}, 60_000);

	test('a gateway that keeps sending pages with something new stops at the page cap', async () => {
		// Every page: one chat never seen before, then 99 seen ones, so no page is "nothing new".
		gateway.use((request, res) => {
			if (!isChatList(request)) return json(res, 404, {});
			json(res, 200, [wahaChat(1_000_000 + request.index), ...Array.from({ length: 99 }, (_, index) => wahaChat(index))]);
		});
		const { result, peakMiB } = await peakGrowthMiB(() => getMany('waha', { returnAll: true }));
		expect(result.error?.message).toMatch(/^Return All stopped after 1000 pages \(\d+ chats\): WAHA kept sending pages\. Use Limit and Offset to read in parts$/);
		expect(gateway.requests).toHaveLength(1000);
		expect(peakMiB).toBeLessThan(150);
	}, 120_000);
});

describe('Timeout is a deadline; each item has a budget across retries', () => {
	test('a body dripped one byte every 500 ms fails at Timeout, not after the whole body', async () => {
		gateway.use((_request, res) => drip(res, JSON.stringify({ id: JID, archived: true }), 500));
		const started = Date.now();
		const result = await archive('waha', { timeout: 2000 });
		const elapsed = Date.now() - started;
		expect(result.error?.message).toMatch(/^WAHA at http:\/\/127\.0\.0\.1:\d+ did not answer POST api\/default\/chats\/919988066776@c\.us\/archive within 2000 ms$/);
		expect(elapsed).toBeGreaterThanOrEqual(1900);
		expect(elapsed).toBeLessThan(4000);
		expect(gateway.requests).toHaveLength(1);
	}, 30_000);

	test('a Retry-After longer than the item has left fails at once, saying how long the gateway asked to wait', async () => {
		gateway.use((_request, res) => json(res, 429, { message: 'slow down' }, { 'Retry-After': '3600' }));
		const started = Date.now();
		const result = await archive('waha', { timeout: 2000, maxRetries: 3 });
		expect(Date.now() - started).toBeLessThan(1500);
		// How much of the budget is left depends on how fast this machine got there: any figure up to 8 s.
		expect(result.error?.message).toMatch(
			/^WAHA is rate limiting requests \(HTTP 429\): slow down\. It asked to wait 3600 s \(Retry-After\) before trying again, longer than the [\d.]+ s left of this item's 8 s budget, so it was not retried$/,
		);
		expect(gateway.requests).toHaveLength(1);
	}, 30_000);

	test('retries stop when the item budget (Timeout × (Max Retries + 1)) runs out', async () => {
		gateway.use((_request, res) => json(res, 503, { message: 'restarting' }, { 'Retry-After': '2' }));
		const started = Date.now();
		const result = await archive('sessionsApi', { timeout: 1000, maxRetries: 3 });
		const elapsed = Date.now() - started;
		expect(result.error?.message).toMatch(
			/^Sessions API failed \(HTTP 503\): restarting\. It asked to wait 2 s \(Retry-After\) before trying again, longer than the [\d.]+ s left of this item's 4 s budget, so it was not retried$/,
		);
		expect(gateway.requests).toHaveLength(2);
		expect(gateway.requests[1].receivedAt - gateway.requests[0].receivedAt).toBeGreaterThanOrEqual(1900);
		expect(elapsed).toBeLessThan(4000);
	}, 30_000);
});

describe('answers are capped in size, decompressed', () => {
	let bomb: Buffer;
	beforeAll(async () => {
		bomb = await gzipBomb(300);
	}, 60_000);

	test('a small gzip that inflates to 300 MiB is stopped at the cap, without inflating it all', async () => {
		expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
		gateway.use((_request, res) => sendGzip(res, bomb));
		const { result, peakMiB } = await peakGrowthMiB(() =>
			runChatsNode({ credentials: credentials('waha'), parameters: { resource: 'session', operation: 'status' } as never }),
		);
		expect(result.error?.message).toBe('WAHA sent more than 16 MiB (after decompression) for GET /api/sessions/default; the answer was cut off there and not used');
		expect(result.error?.description).toContain('Max Response Size (MiB)');
		expect(gateway.requests).toHaveLength(1);
		expect(peakMiB).toBeLessThan(120);
	}, 60_000);

	test('the cap is the Max Response Size option', async () => {
		const body = JSON.stringify(Array.from({ length: 30_000 }, (_, index) => wahaChat(index)));
		expect(body.length).toBeGreaterThan(1024 * 1024);
		gateway.use((_request, res) => text(res, 200, body, 'application/json'));
		const small = await getMany('waha', { returnAll: false, limit: 10 }, { maxResponseMiB: 1 });
		expect(small.error?.message).toBe('WAHA sent more than 1 MiB (after decompression) for GET /api/default/chats; the answer was cut off there and not used');
		const roomy = await getMany('waha', { returnAll: false, limit: 10 }, { maxResponseMiB: 4 });
		expect(roomy.error).toBeUndefined();
		expect(roomy.output).toHaveLength(10);
	}, 30_000);

	test('a Max Response Size out of range is refused before any request', async () => {
		gateway.use((_request, res) => json(res, 200, []));
		const result = await getMany('waha', { returnAll: false, limit: 10 }, { maxResponseMiB: 0 });
		expect(result.error?.message).toBe('Invalid Max Response Size (MiB) 0: expected a whole number from 1 to 1024');
		expect(gateway.requests).toHaveLength(0);
	});
});

describe('a write succeeds only with what the dialect answers for success', () => {
	const ARCHIVE_PATH: Record<Dialect, string> = {
		waha: '/api/default/chats/919988066776%40c.us/archive',
		sessionsApi: `/sessions/${SESSIONS_API_ID}/chats/919988066776%40s.whatsapp.net/archive`,
		evolution: `/chat/archiveChat/${INSTANCE}`,
	};
	const answers: Array<[string, (res: Parameters<typeof json>[0]) => void, (label: string) => RegExp]> = [
		[
			'an HTML login page',
			(res) => text(res, 200, LOGIN_PAGE, 'text/html; charset=utf-8'),
			(label) =>
				new RegExp(
					`^${label} answered POST \\S+ with an HTML page \\(HTTP 200\\), not with its API's JSON: the Base URL http://127\\.0\\.0\\.1:\\d+ probably points at something that is not ${label} \\(a login page, a proxy or another web server\\)$`,
				),
		],
		['a plain OK', (res) => text(res, 200, 'OK'), (label) => new RegExp(`^${label} answered POST \\S+ with plain text instead of JSON \\(HTTP 200\\), so the result is unknown: "OK"\\.`)],
		['an empty body', (res) => text(res, 200, '', 'application/json'), (label) => new RegExp(`^${label} answered POST \\S+ with an empty body \\(HTTP 200\\)`)],
		[
			'truncated JSON saying success:false',
			(res) => text(res, 200, '{"success":false,"error":"Message not fo', 'application/json'),
			(label) => new RegExp(`^${label} answered POST \\S+ with broken or cut-off JSON \\(HTTP 200\\), so the result is unknown`),
		],
	];

	describe.each(DIALECTS)('%s', (dialect) => {
		test.each(answers)('%s is a failure', async (_name, answer, message) => {
			gateway.use((_request, res) => answer(res));
			const result = await archive(dialect, { maxRetries: 0 });
			expect(result.error?.message).toMatch(message(LABEL[dialect]));
			expect(result.output).toHaveLength(0);
			expect(gateway.requests.map((request) => `${request.method} ${request.path}`)).toEqual([`POST ${ARCHIVE_PATH[dialect]}`]);
		});
	});

	test('an HTML answer tells to check the Base URL', async () => {
		gateway.use((_request, res) => text(res, 200, LOGIN_PAGE, 'text/html'));
		const result = await archive('waha', {}, { continueOnFail: true });
		expect(result.output[0].json.description).toBe(
			'Check the Base URL in the credentials: it must point at the gateway itself, not at a login page, proxy or dashboard.',
		);
	});

	test('Sessions API: JSON without success: true is not a success', async () => {
		gateway.use((_request, res) => json(res, 200, { jid: JID, message: 'Chat archived successfully' }));
		const result = await archive('sessionsApi');
		expect(result.error?.message).toBe(
			`Sessions API answered POST /sessions/${SESSIONS_API_ID}/chats/${JID}/archive without "success": true, so the result is unknown: ` +
				'{"jid":"919988066776@s.whatsapp.net","message":"Chat archived successfully"}. Check that the Base URL points at the Sessions API gateway',
		);
	});

	test.each(DIALECTS)('%s: the credential test of a Base URL that serves a login page says so', async (dialect) => {
		gateway.use((_request, res) => text(res, 200, LOGIN_PAGE, 'text/html'));
		const checked = await whatsAppChatsConnectionTest.call({} as never, { id: '1', name: 'x', type: 'whatsAppChatsApi', data: credentials(dialect) as never });
		expect(checked.status).toBe('Error');
		expect(checked.message).toMatch(new RegExp(`^${LABEL[dialect]} answered GET \\S+ with an HTML page \\(HTTP 200\\).* probably points at something that is not ${LABEL[dialect]}`));
	});

	test('a gzip answer that cannot be decompressed is not retried and is said plainly', async () => {
		gateway.use((_request, res) => {
			res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
			res.end(Buffer.from('this is not gzip at all, just bytes'));
		});
		const result = await archive('waha');
		expect(result.error?.message).toMatch(
			/^WAHA sent a compressed answer to POST \/api\/default\/chats\/919988066776@c\.us\/archive that cannot be decompressed; check that the Base URL http:\/\/127\.0\.0\.1:\d+ points at WAHA$/,
		);
		expect(gateway.requests).toHaveLength(1);
	});

	test('a redirect (to a login page) is not a success', async () => {
		gateway.use((_request, res) => {
			res.writeHead(302, { Location: '/login?next=%2Fapi' });
			res.end();
		});
		const result = await archive('waha');
		expect(result.error?.message).toMatch(
			/^WAHA redirected POST \/api\/default\/chats\/919988066776@c\.us\/archive to \/login\?next=%2Fapi \(HTTP 302\): the Base URL http:\/\/127\.0\.0\.1:\d+ probably points at something that is not WAHA/,
		);
	});

	test.each([
		['WAHA delete chat answers nothing (documented: 200, no content)', 'waha', 'delete', (res: Parameters<typeof json>[0]) => text(res, 200, '')],
		['WAHA archive answers its JSON object', 'waha', 'archive', (res: Parameters<typeof json>[0]) => json(res, 201, { id: '919988066776@c.us', archived: true })],
		['Sessions API answers success: true', 'sessionsApi', 'archive', (res: Parameters<typeof json>[0]) => json(res, 200, { success: true, jid: JID, message: 'Chat archived successfully' })],
		['Evolution answers its JSON object', 'evolution', 'archive', (res: Parameters<typeof json>[0]) => json(res, 201, { chatId: JID, archived: true })],
	] as const)('%s: success', async (_name, dialect, operation, answer) => {
		gateway.use((_request, res) => answer(res));
		const result = await runChatsNode({
			credentials: credentials(dialect),
			parameters: { resource: 'chat', operation, chatId: chat('+91 99880-66776') } as never,
		});
		expect(result.error).toBeUndefined();
		expect(result.output[0].json.success).toBe(true);
	});
});

describe('Base URL must be plain http(s)://host[:port][/path]', () => {
	const port = () => new URL(gateway.url).port;
	test.each([
		['a query', () => `${gateway.url}/a?b`],
		['an empty query', () => `${gateway.url}/?`],
		['a fragment', () => `${gateway.url}/#x`],
		['an empty fragment', () => `${gateway.url}/api#`],
		['another scheme', () => `ftp://127.0.0.1:${port()}`],
		['no scheme', () => `127.0.0.1:${port()}`],
		['javascript:', () => 'javascript:alert(1)'],
	])('%s is refused at execution and at the credential test, before any request', async (_name, baseUrl) => {
		gateway.use((_request, res) => json(res, 200, { success: true, id: JID, archived: true }));
		const value = baseUrl();
		const expected =
			`Invalid Base URL ${JSON.stringify(value)}: expected a plain http:// or https:// address: scheme, host, optional port and path, ` +
			'without "?…" or "#…", such as http://localhost:3000';
		for (const dialect of DIALECTS) {
			const result = await archive(dialect, {}, { credentials: { baseUrl: value } });
			expect(result.error?.message).toBe(expected);
			const checked = await whatsAppChatsConnectionTest.call({} as never, { id: '1', name: 'x', type: 'whatsAppChatsApi', data: credentials(dialect, { baseUrl: value }) as never });
			expect(checked).toEqual({ status: 'Error', message: expected });
		}
		expect(gateway.requests).toHaveLength(0);
	});

	test('a path prefix is kept', async () => {
		gateway.use((_request, res) => json(res, 201, { id: '919988066776@c.us', archived: true }));
		const result = await archive('waha', {}, { credentials: { baseUrl: `${gateway.url}/waha/` } });
		expect(result.error).toBeUndefined();
		expect(gateway.requests[0].path).toBe('/waha/api/default/chats/919988066776%40c.us/archive');
	});
});

describe('outputs say what happened; errors say what went wrong', () => {
	test('Sessions API Pin for 7 days says the gateway pinned for its own 24 hours', async () => {
		gateway.use((_request, res) => json(res, 200, { success: true, message: 'Message pinned successfully' }));
		const result = await runChatsNode({
			credentials: credentials('sessionsApi'),
			parameters: { resource: 'message', operation: 'pin', chatId: chat(JID), messageId: '3EB0AAAA0001', duration: 604800 } as never,
		});
		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toMatchObject({
			success: true,
			pinned: true,
			durationSeconds: 86400,
			requestedDurationSeconds: 604800,
			note: 'The Sessions API pins for its own fixed 24 hours; the 7 days asked for cannot be passed on',
		});
	});

	test('Sessions API Pin for 24 hours needs no note', async () => {
		gateway.use((_request, res) => json(res, 200, { success: true, message: 'Message pinned successfully' }));
		const result = await runChatsNode({
			credentials: credentials('sessionsApi'),
			parameters: { resource: 'message', operation: 'pin', chatId: chat(JID), messageId: '3EB0AAAA0001', duration: 86400 } as never,
		});
		expect(result.output[0].json).toMatchObject({ pinned: true, durationSeconds: 86400 });
		expect(result.output[0].json).not.toHaveProperty('note');
	});

	test('WAHA Get Many reads conversationTimestamp of NOWEB chats', async () => {
		gateway.use((request, res) =>
			isChatList(request)
				? json(res, 200, [
						{ id: '919988066776@c.us', name: 'Priya', conversationTimestamp: 1_700_000_123, unreadCount: 1 },
						{ id: '919988066777@c.us', name: null, conversationTimestamp: '1700000456' },
					])
				: json(res, 404, {}),
		);
		const result = await getMany('waha', { returnAll: false, limit: 10 });
		expect(result.output.map((item) => item.json.lastMessageTimestamp)).toEqual([1_700_000_123, 1_700_000_456]);
	});

	test.each([
		[400, { statusCode: 400, message: 'chatId must be a chat of this session' }, 'WAHA refused the request (HTTP 400): chatId must be a chat of this session'],
		[403, { statusCode: 403, message: 'This API key may not use session "default"' }, 'WAHA rejected the API key (HTTP 403): This API key may not use session "default"'],
		[422, { statusCode: 422, message: 'Session status is not as expected. Try again later or restart the session', status: 'STOPPED' }, 'WAHA does not know the session "default" or it is not running: Session status is not as expected. Try again later or restart the session'],
		[404, { statusCode: 404, message: 'Session "default" does not exist' }, 'WAHA does not know the session "default" or it is not running: Session "default" does not exist'],
	])('WAHA HTTP %s about "session": %j', async (status, body, message) => {
		gateway.use((_request, res) => json(res, status, body));
		const result = await archive('waha');
		expect(result.error?.message).toBe(message);
	});

	test('a socket closed in the middle of the body is retried like any dropped connection', async () => {
		const body = JSON.stringify({ id: '919988066776@c.us', archived: true, padding: 'x'.repeat(2000) });
		gateway.use((request, res) => (request.index === 0 ? closeMidBody(res, body) : text(res, 201, body, 'application/json')));
		const result = await archive('waha');
		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toMatchObject({ success: true, archived: true });
		expect(gateway.requests).toHaveLength(2);
	});

	test('a socket that keeps closing mid-body ends as a dropped connection, after the retries', async () => {
		const body = JSON.stringify({ id: '919988066776@c.us', archived: true, padding: 'x'.repeat(2000) });
		gateway.use((_request, res) => closeMidBody(res, body));
		const result = await archive('waha', { maxRetries: 2 });
		expect(result.error?.message).toMatch(/^Cannot reach WAHA at http:\/\/127\.0\.0\.1:\d+: the connection closed in the middle of the answer$/);
		expect(gateway.requests).toHaveLength(3);
	});
});

describe('no secret anywhere', () => {
	/** Everything n8n logs while `work` runs. */
	async function captureLogs<T>(work: () => Promise<T>): Promise<{ result: T; logs: string }> {
		const logger = Container.get(Logger);
		const lines: unknown[] = [];
		const levels = ['error', 'warn', 'info', 'debug'] as const;
		const spies = levels.map((level) => jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void lines.push(args)));
		const recorder = Object.fromEntries(levels.map((level) => [level, (...args: unknown[]) => void lines.push(args)]));
		LoggerProxy.init(recorder as never);
		try {
			const result = await work();
			return { result, logs: JSON.stringify(lines, (_key, value) => (value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value)) };
		} finally {
			for (const spy of spies) spy.mockRestore();
			LoggerProxy.init(logger);
		}
	}

	function expectNoSecret(...places: unknown[]): void {
		for (const place of places.filter((entry) => entry !== undefined)) {
			const text = typeof place === 'string' ? place : JSON.stringify(place, (_key, value) => (value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value));
			for (const secret of SECRETS) expect(text).not.toContain(secret);
		}
	}

	const ECHOES: Array<[string, (request: HostileRequest, res: Parameters<typeof json>[0], req: Parameters<typeof headerDump>[0]) => void]> = [
		[
			'500 HTML',
			(_request, res, req) =>
				text(res, 500, `<html><head><title>500 ${headerDump(req).replace(/\n/g, ' ')}</title></head><body><pre>${headerDump(req)}</pre></body></html>`, 'text/html'),
		],
		['502 text', (_request, res, req) => text(res, 502, `Bad Gateway\n${headerDump(req)}`)],
		['404 JSON', (request, res, req) => json(res, 404, { statusCode: 404, message: `Cannot ${request.method} ${request.path} (${headerDump(req)})`, headers: req.headers })],
		['200 JSON that echoes the headers', (_request, res, req) => json(res, 201, { success: true, chatId: JID, archived: true, echo: req.headers, id: '919988066776@c.us' })],
	];

	describe.each(DIALECTS)('%s', (dialect) => {
		test.each(ECHOES)('an answer that echoes the request headers (%s) shows no secret', async (name, echo) => {
			gateway.use((request, res, req) => echo(request, res, req));
			const login = { baseUrl: gateway.urlWithLogin(URL_USER, URL_PASSWORD) };
			const stopped = await captureLogs(() => archive(dialect, { maxRetries: 0 }, { credentials: login }));
			const continued = await captureLogs(() => archive(dialect, { maxRetries: 0 }, { credentials: login, continueOnFail: true }));
			// The gateway did get the secrets: the echo is real.
			expect(Object.values(gateway.requests[0].headers)).toContain(API_KEY);
			expect(gateway.requests[0].headers.authorization).toBe(`Basic ${BASIC}`);
			expectNoSecret(stopped.result.run, stopped.result.error?.message, stopped.result.error?.description, stopped.logs);
			expectNoSecret(continued.result.run, continued.result.output, continued.logs);
			if (!name.startsWith('200')) {
				expect(stopped.result.error).toBeDefined();
				expect(continued.result.output[0].json.error).toBeDefined();
			}
		});
	});

	test('a Base URL with user:pass@ never shows the password: Cannot reach, timeout, credential test', async () => {
		const unreachable = 'http://ops:url-pass-9c3e@127.0.0.1:9';
		const refused = await archive('waha', { maxRetries: 0 }, { credentials: { baseUrl: unreachable } });
		expect(refused.error?.message).toBe('Cannot reach WAHA at http://ops:***@127.0.0.1:9: connection refused');

		gateway.use(async (_request, res) => {
			await new Promise((resolve) => setTimeout(resolve, 1000));
			json(res, 201, {});
		});
		const login = gateway.urlWithLogin(URL_USER, URL_PASSWORD);
		const slow = await archive('waha', { maxRetries: 0, timeout: 200 }, { credentials: { baseUrl: login } });
		expect(slow.error?.message).toMatch(/^WAHA at http:\/\/ops:\*\*\*@127\.0\.0\.1:\d+ did not answer POST .* within 200 ms$/);

		const check = (data: IDataObject) => whatsAppChatsConnectionTest.call({} as never, { id: '1', name: 'x', type: 'whatsAppChatsApi', data: data as never });
		for (const dialect of DIALECTS) {
			const tested = await check(credentials(dialect, { baseUrl: unreachable }));
			expect(tested.status).toBe('Error');
			expect(tested.message).toContain('ops:***@127.0.0.1:9');
			expectNoSecret(tested);
		}
		const badUrl = await check(credentials('waha', { baseUrl: 'http://ops:url-pass-9c3e@127.0.0.1:9/?x' }));
		expect(badUrl.message).toMatch(/^Invalid Base URL "http:\/\/ops:\*\*\*@127\.0\.0\.1:9\/\?x"/);
		expectNoSecret(refused.run, slow.run, badUrl);
	}, 30_000);

	test('WAHA Session Status drops webhook HMAC keys, other webhooks’ headers and proxy passwords from raw', async () => {
		const config = {
			proxy: { server: 'proxy.internal:3128', username: 'proxy-user', password: 'proxy-pass-31f0' },
			webhooks: [
				{ url: 'https://n8n.example/webhook/abc', events: ['message'], hmac: { key: WEBHOOK_SECRET }, retries: { attempts: 3 } },
				{ url: 'https://crm.example/hook', events: ['message'], customHeaders: [{ name: 'Authorization', value: 'Bearer crm-token-8d2e' }] },
			],
			metadata: { team: 'support' },
		};
		gateway.use((_request, res) => json(res, 200, { name: 'default', status: 'WORKING', me: { id: '15550001111@c.us' }, config }));
		const result = await runChatsNode({ credentials: credentials('waha'), parameters: { resource: 'session', operation: 'status' } as never });
		expect(result.error).toBeUndefined();
		const raw = result.output[0].json.raw as IDataObject;
		expect(raw.config).toEqual({
			proxy: { server: 'proxy.internal:3128', username: 'proxy-user' },
			webhooks: [
				{ url: 'https://n8n.example/webhook/abc', events: ['message'], retries: { attempts: 3 } },
				{ url: 'https://crm.example/hook', events: ['message'] },
			],
			metadata: { team: 'support' },
		});
		const everything = JSON.stringify(result.run);
		for (const secret of [...SECRETS, 'proxy-pass-31f0', 'crm-token-8d2e']) expect(everything).not.toContain(secret);
	});

	test('an API key echoed in a successful answer does not reach the output', async () => {
		gateway.use((_request, res, req) => json(res, 200, { name: 'default', status: 'WORKING', me: null, debug: { seenKey: req.headers['x-api-key'] } }));
		const result = await runChatsNode({ credentials: credentials('waha'), parameters: { resource: 'session', operation: 'status' } as never });
		expect(result.error).toBeUndefined();
		expect((result.output[0].json.raw as { debug: IDataObject }).debug.seenKey).toBe('[redacted]');
		expectNoSecret(result.run);
	});
});
