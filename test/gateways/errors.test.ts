/**
 * What goes wrong, and what the user is told: HTTP errors mapped with the gateway's own words,
 * retries only where a retry can help, bad input refused before anything is sent, and the API
 * key never in an error or an output.
 */
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { chat, runChatsNode, sessionsApiCredentials, wahaCredentials } from '../helpers/whatsAppChatsNode';

let gateway: GatewayTestServer;
beforeAll(async () => (gateway = await GatewayTestServer.start()));
afterAll(async () => await gateway.close());
beforeEach(() => gateway.reset());

const archive = (options: Record<string, unknown> = {}, credentials = {}) =>
	runChatsNode({
		credentials: wahaCredentials(gateway, credentials),
		parameters: { resource: 'chat', operation: 'archive', chatId: chat('919988066776'), options } as never,
	});

function expectNoSecret(value: unknown): void {
	expect(JSON.stringify(value)).not.toContain(TEST_API_KEY);
}

describe('HTTP errors', () => {
	test('401: the API key is wrong, and the key is not shown', async () => {
		const result = await archive({}, { apiKey: 'wrong-key' });
		expect(result.error?.message).toBe('WAHA rejected the API key (HTTP 401): Unauthorized');
		expect(result.error?.description).toContain('Check the API key');
		expect((result.error as { httpCode?: string }).httpCode).toBe('401');
		expect(gateway.requests).toHaveLength(1);
		expect(JSON.stringify(result.run)).not.toContain('wrong-key');
	});

	test('404 on a session: the session is unknown', async () => {
		const result = await archive({}, { session: 'nope' });
		expect(result.error?.message).toBe('WAHA does not know the session "nope" or it is not running: Session "nope" does not exist');
		expectNoSecret(result.run);
	});

	test('429 waits for Retry-After, then succeeds', async () => {
		gateway.respond('POST', { status: 429, headers: { 'Retry-After': '1' }, body: { message: 'slow down' } });
		const result = await archive();
		expect(result.error).toBeUndefined();
		expect(gateway.requests).toHaveLength(2);
		expect(gateway.requests[1].receivedAt - gateway.requests[0].receivedAt).toBeGreaterThanOrEqual(950);
	});

	test('500 then success is retried', async () => {
		gateway.respond('POST', { status: 500, body: { message: 'boom' } });
		const result = await archive();
		expect(result.error).toBeUndefined();
		expect(result.output[0].json.success).toBe(true);
		expect(gateway.requests).toHaveLength(2);
	});

	test('a dropped connection is retried', async () => {
		gateway.respond('POST', { dropConnection: true });
		const result = await archive();
		expect(result.error).toBeUndefined();
		expect(gateway.requests).toHaveLength(2);
	});

	test('5xx gives up after Max Retries with the gateway’s message', async () => {
		gateway.respond('POST', ...Array(3).fill({ status: 503, body: { message: 'engine restarting' } }));
		const result = await archive({ maxRetries: 2 });
		expect(result.error?.message).toBe('WAHA failed (HTTP 503): engine restarting');
		expect(gateway.requests).toHaveLength(3);
	});

	test('other 4xx are not retried', async () => {
		gateway.respond('POST', { status: 400, body: { statusCode: 400, message: 'chatId is invalid' } });
		const result = await archive();
		expect(result.error?.message).toBe('WAHA refused the request (HTTP 400): chatId is invalid');
		expect(gateway.requests).toHaveLength(1);
	});

	test('501 says this gateway lacks the operation, not retried', async () => {
		gateway.respond('POST', { status: 501, body: { message: 'Pin is not implemented in GOWS engine' } });
		const result = await runChatsNode({
			credentials: wahaCredentials(gateway),
			parameters: { resource: 'message', operation: 'pin', chatId: chat('1@c.us'), messageId: 'true_1@c.us_AB', duration: 86400 } as never,
		});
		expect(result.error?.message).toBe('This operation is not supported by this WAHA gateway (HTTP 501): Pin is not implemented in GOWS engine');
		expect(gateway.requests).toHaveLength(1);
	});

	test('a gateway that does not answer times out', async () => {
		gateway.respond('POST', { delayMs: 1500, body: {} });
		const result = await archive({ timeout: 200, maxRetries: 0 });
		expect(result.error?.message).toMatch(/^WAHA at http:\/\/127\.0\.0\.1:\d+ did not answer POST api\/default\/chats\/919988066776@c\.us\/archive within 200 ms$/);
	});

	test('an unreachable gateway is named with its URL', async () => {
		const result = await archive({ maxRetries: 0 }, { baseUrl: 'http://127.0.0.1:9' });
		expect(result.error?.message).toBe('Cannot reach WAHA at http://127.0.0.1:9: connection refused');
	});

	test('the Sessions API wrong key', async () => {
		const result = await runChatsNode({
			credentials: sessionsApiCredentials(gateway, { apiKey: 'wask_wrong' }),
			parameters: { resource: 'chat', operation: 'archive', chatId: chat('919988066776') } as never,
		});
		expect(result.error?.message).toBe('Sessions API rejected the API key (HTTP 401): Invalid API key');
	});
});

describe('bad input is refused before anything is sent', () => {
	test.each([
		['', 'Invalid Chat ""'],
		['+91 99', 'Invalid Chat "+91 99"'],
		['../x', 'Invalid Chat "../x"'],
		['a/b?c#d', 'Invalid Chat "a/b?c#d"'],
		['123@c.us/../../sessions', 'Invalid Chat "123@c.us/../../sessions"'],
	])('chat %j', async (value, message) => {
		const result = await runChatsNode({
			credentials: wahaCredentials(gateway),
			parameters: { resource: 'chat', operation: 'archive', chatId: chat('={{ $json.chat }}') } as never,
			input: [{ json: { chat: value } }],
		});
		expect(result.error?.message).toContain(message);
		expect(result.error?.message).toContain('expected a phone number in international format');
		expect(gateway.requests).toHaveLength(0);
	});

	test.each([
		['edit', { messageId: 'true_1@c.us_AB', text: '   ' }, 'Invalid Text "   ": expected the new, non-empty message text'],
		['react', { messageId: 'true_1@c.us_AB', emoji: 'thumbs up' }, 'Invalid Emoji "thumbs up": expected a single emoji'],
		['react', { messageId: 'true_1@c.us_AB', emoji: '👍👍' }, 'Invalid Emoji "👍👍"'],
		['pin', { messageId: 'true_1@c.us_AB', duration: 60 }, 'Invalid Duration 60'],
		['delete', { messageId: 'AB/../../x' }, 'Invalid Message ID "AB/../../x"'],
	])('message %s %j', async (operation, extra, message) => {
		const result = await runChatsNode({
			credentials: wahaCredentials(gateway),
			parameters: { resource: 'message', operation, chatId: chat('1@c.us'), ...extra } as never,
		});
		expect(result.error?.message).toContain(message);
		expect(gateway.requests).toHaveLength(0);
	});

	test('one bad item stops the whole batch before any request', async () => {
		const result = await runChatsNode({
			credentials: wahaCredentials(gateway),
			parameters: { resource: 'chat', operation: 'archive', chatId: chat('={{ $json.phone }}') } as never,
			input: [{ json: { phone: '+1 555 000 0001' } }, { json: { phone: '+1 555 000 0002' } }, { json: { phone: 'not a phone' } }],
		});
		expect(result.error?.message).toContain('Invalid Chat "not a phone"');
		expect((result.error as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(2);
		expect(gateway.requests).toHaveLength(0);
	});

	test('bad options are named too', async () => {
		const result = await archive({ concurrency: 0 });
		expect(result.error?.message).toBe('Invalid Concurrency 0: expected a whole number from 1 to 50');
		expect(gateway.requests).toHaveLength(0);
	});
});
