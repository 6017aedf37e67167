/**
 * The rules each gateway dialect and every backend share, each written once: Unix seconds,
 * message text and media of a WhatsApp message body, header values, the gateways' own words in
 * errors (Evolution's nested `response.message` read by the transport itself), the Sessions
 * API's success rule, WAHA's unknown-session wording also for its webhooks, and look-ups shared
 * while in flight.
 */
import { GatewayError } from '../../nodes/backends/errors';
import { LookupMemo } from '../../nodes/backends/lookupMemo';
import { messageHasMedia, messageText } from '../../nodes/backends/messageContent';
import { sessionsApiFailureIn } from '../../nodes/backends/sessionsApi/SessionsApiDialect';
import { splitWahaMessageId } from '../../nodes/backends/waha/WahaDialect';
import { WahaWebhooks } from '../../nodes/backends/waha/WahaWebhooks';
import { headerValue, unixSeconds } from '../../nodes/backends/wireValues';
import { extractGatewayMessage, GatewayHttpClient } from '../../nodes/transport/GatewayHttpClient';
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';

describe('unixSeconds', () => {
	test.each([
		[1_700_000_000, 1_700_000_000],
		[1_700_000_000_123, 1_700_000_000],
		['1700000000', 1_700_000_000],
		['1700000000.75', 1_700_000_000],
		['2023-11-14T22:13:20.000Z', 1_700_000_000],
		[{ low: 1_700_000_000, high: 0, unsigned: true }, 1_700_000_000],
		[1_700_000_000.9, 1_700_000_000],
	])('%j → %d', (value, seconds) => expect(unixSeconds(value)).toBe(seconds));

	test.each([[null], [undefined], [''], ['soon'], [0], [-5], [Number.NaN], [true], [{}]])('%j → null', (value) => expect(unixSeconds(value)).toBeNull());
});

describe('message text and media, without Baileys', () => {
	test.each([
		[{ conversation: 'hi' }, 'hi', false],
		[{ extendedTextMessage: { text: 'link https://x.example' } }, 'link https://x.example', false],
		[{ imageMessage: { caption: 'a photo', mimetype: 'image/jpeg' } }, 'a photo', true],
		[{ ephemeralMessage: { message: { viewOnceMessageV2: { message: { videoMessage: { caption: 'once' } } } } } }, 'once', true],
		[{ documentWithCaptionMessage: { message: { documentMessage: { caption: 'the invoice' } } } }, 'the invoice', true],
		[{ audioMessage: { seconds: 3 } }, null, true],
		[{ reactionMessage: { text: '👍' } }, null, false],
		[null, null, false],
	])('%j → text %j, media %j', (message, text, media) => {
		expect(messageText(message)).toBe(text);
		expect(messageHasMedia(message)).toBe(media);
	});
});

test('a header value: the first of several, by lower-case name', () => {
	expect(headerValue({ 'x-webhook-hmac': ['a', 'b'] }, 'X-Webhook-Hmac')).toBe('a');
	expect(headerValue({ authorization: 'Bearer t' }, 'authorization')).toBe('Bearer t');
	expect(headerValue({}, 'x-missing')).toBeUndefined();
});

describe("the gateways' own words", () => {
	test.each([
		['WAHA', { statusCode: 400, message: ['text must be a string'], error: 'Bad Request' }, 'text must be a string'],
		['Sessions API', { success: false, error: 'Message not found' }, 'Message not found'],
		['Evolution, strings', { status: 404, error: 'Not Found', response: { message: ['The "x" instance does not exist'] } }, 'The "x" instance does not exist'],
		[
			'Evolution, nested objects',
			{ status: 500, error: 'Internal Server Error', response: { message: [{ archived: false, message: ['Could not archive', 'Error: Connection Closed'] }] } },
			'Could not archive; Error: Connection Closed',
		],
		['Evolution, a number check', { status: 400, error: 'Bad Request', response: { message: [{ exists: false, jid: '1@s.whatsapp.net', number: '1555' }] } }, '1555 is not on WhatsApp'],
		['only a reason', { error: 'Not Found' }, 'Not Found'],
		['nested error', { error: { message: 'deep' } }, 'deep'],
	])('%s', (_name, body, words) => expect(extractGatewayMessage(body)).toBe(words));

	test('nothing readable gives nothing', () => {
		expect(extractGatewayMessage({ status: 500 })).toBeUndefined();
		expect(extractGatewayMessage([1, 2])).toBeUndefined();
	});
});

test('the Sessions API counts only success: true', () => {
	const request = { method: 'POST' as const, path: ['sessions', 'x', 'chats', 'y', 'archive'] };
	expect(sessionsApiFailureIn({ success: true }, request)).toBeUndefined();
	expect(sessionsApiFailureIn({ success: false, error: 'Message not found' }, request)).toMatchObject({ kind: 'notFound', message: 'Sessions API refused the request: Message not found' });
	expect(sessionsApiFailureIn({ ok: 1 }, request)).toMatchObject({ kind: 'badAnswer' });
});

test("WAHA's serialized ids split into their parts", () => {
	expect(splitWahaMessageId('false_123-456@g.us_AAA_789@c.us')).toEqual({ fromMe: false, chat: '123-456@g.us', id: 'AAA', participant: '789@c.us' });
	expect(splitWahaMessageId('true_123@c.us_AAA')).toEqual({ fromMe: true, chat: '123@c.us', id: 'AAA' });
	expect(splitWahaMessageId('AAA')).toBeNull();
});

describe('WAHA webhooks speak like the WAHA backend', () => {
	let gateway: GatewayTestServer;
	beforeAll(async () => (gateway = await GatewayTestServer.start()));
	afterAll(async () => await gateway.close());

	test('registering on a session WAHA does not know names the session', async () => {
		const http = new GatewayHttpClient('WAHA', { baseUrl: gateway.url, apiKeyHeader: 'X-Api-Key', apiKey: TEST_API_KEY, timeoutMs: 5000, maxRetries: 0 });
		const hooks = new WahaWebhooks(http, 'ghost', 'a-webhook-secret');
		const failure = await hooks.register('https://n8n.example.com/webhook/x', ['message'], {}).catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(GatewayError);
		expect(failure).toMatchObject({
			kind: 'unknownSession',
			message: 'WAHA does not know the session "ghost" or it is not running: Session "ghost" does not exist',
		});
	});
});

describe('LookupMemo', () => {
	test('callers of one key share one look-up, also while it is in flight', async () => {
		const memo = new LookupMemo<number>();
		let calls = 0;
		const load = () => new Promise<number>((resolve) => setTimeout(() => resolve(++calls), 10));
		const answers = await Promise.all([memo.get('chat', load), memo.get('chat', load), memo.get('chat', load)]);
		expect(answers).toEqual([1, 1, 1]);
		expect(await memo.get('chat', load)).toBe(1);
		expect(await memo.get('other', load)).toBe(2);
	});

	test('a failed look-up is forgotten; asking again replaces only what was seen', async () => {
		const memo = new LookupMemo<string>();
		await expect(memo.get('chat', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
		const first = memo.get('chat', async () => 'first');
		expect(await first).toBe('first');
		const again = memo.again('chat', first, async () => 'second');
		expect(await memo.again('chat', first, async () => 'third')).toBe('second');
		expect(await again).toBe('second');
	});
});
