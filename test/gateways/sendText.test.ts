/**
 * Message → Send Text over the gateways, in n8n's engine against the loopback WAHA and Evolution:
 * the request on the wire per dialect (reply and link preview included), the new message's id
 * chained into Edit / React / Pin / Delete in one execution, the Sessions API's refusal and bad
 * input without a request, and the at-most-once rule: a send is retried only when it certainly did
 * not reach the gateway.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject } from 'n8n-workflow';
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { EVOLUTION_INSTANCE, evolutionStateOf } from '../gateway-server/evolutionRoutes';
import { chat, evolutionCredentials, runChatsChain, runChatsNode, sessionsApiCredentials, wahaCredentials } from '../helpers/whatsAppChatsNode';

const PHONE = '+91 99880-66776';
const CUS = '919988066776@c.us';
const JID = '919988066776@s.whatsapp.net';

let gateway: GatewayTestServer;
beforeAll(async () => (gateway = await GatewayTestServer.start()));
afterAll(async () => await gateway.close());
beforeEach(() => {
	gateway.reset();
	gateway.state.messages.clear();
});

const send = (credentials: IDataObject, extra: Record<string, unknown> = {}, options: Record<string, unknown> = {}) =>
	runChatsNode({
		credentials,
		parameters: { resource: 'message', operation: 'sendText', chatId: chat(PHONE), text: 'Your order #123 shipped', options, ...extra } as never,
	});

describe('WAHA: POST /api/sendText', () => {
	test('sends session, chatId, text and linkPreview; outputs the new message id in WAHA notation', async () => {
		const result = await send(wahaCredentials(gateway));
		expect(result.error).toBeUndefined();
		expect(gateway.requests).toHaveLength(1);
		const [request] = gateway.requests;
		expect(request).toMatchObject({ method: 'POST', path: '/api/sendText' });
		expect(request.headers['x-api-key']).toBe(TEST_API_KEY);
		expect(request.body).toEqual({ session: 'default', chatId: CUS, text: 'Your order #123 shipped', linkPreview: true });
		expect(result.output[0].json).toMatchObject({
			success: true,
			chatId: CUS,
			messageId: `true_${CUS}_3EB0SENT00000002`,
			timestamp: 1_700_010_002,
			raw: { id: `true_${CUS}_3EB0SENT00000002`, body: 'Your order #123 shipped' },
		});
		expect(result.output[0].pairedItem).toEqual({ item: 0 });
	});

	test('link preview off sends linkPreview: false', async () => {
		await send(wahaCredentials(gateway), {}, { linkPreview: false });
		expect(gateway.requests[0].body).toMatchObject({ linkPreview: false });
	});

	test('a reply to a bare id: the id is completed from the chat, then sent as reply_to', async () => {
		const result = await send(wahaCredentials(gateway), {}, { replyTo: '3EB0AAAA0002' });
		expect(result.error).toBeUndefined();
		expect(gateway.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /api/default/chats/${encodeURIComponent(CUS)}/messages`, 'POST /api/sendText']);
		expect(gateway.requests[1].body).toMatchObject({ reply_to: `false_${CUS}_3EB0AAAA0002` });
		expect(result.output[0].json).toMatchObject({ replyTo: `false_${CUS}_3EB0AAAA0002` });
	});

	test('a reply to a full id is sent as given, without a look-up', async () => {
		await send(wahaCredentials(gateway), {}, { replyTo: `true_${CUS}_3EB0AAAA0001` });
		expect(gateway.requests).toHaveLength(1);
		expect(gateway.requests[0].body).toMatchObject({ reply_to: `true_${CUS}_3EB0AAAA0001` });
	});

	test.each([
		['NOWEB (a Baileys message)', { key: { remoteJid: '919988066776@s.whatsapp.net', fromMe: true, id: 'BAE5NOWEB0001' }, messageTimestamp: '1700000321', status: 'PENDING' }, 'BAE5NOWEB0001', 1_700_000_321],
		['WEBJS (an id object)', { id: { fromMe: true, remote: CUS, id: '3EB0WEBJS0001', _serialized: `true_${CUS}_3EB0WEBJS0001` }, timestamp: 1_700_000_322 }, '3EB0WEBJS0001', 1_700_000_322],
	])('the new id from %s, as a serialized WAHA id', async (_engine, answer, bare, timestamp) => {
		gateway.respond('POST /api/sendText', { status: 201, body: answer });
		const result = await send(wahaCredentials(gateway));
		expect(result.output[0].json).toMatchObject({ messageId: `true_${CUS}_${bare}`, timestamp });
	});

	test('an answer without the new id fails saying the message was probably sent, and is not retried', async () => {
		gateway.respond('POST /api/sendText', { status: 201, body: { sent: true } });
		const result = await send(wahaCredentials(gateway));
		expect(result.error?.message).toBe(
			"WAHA answered POST /api/sendText without the new message's id, so the message was probably sent but cannot be referred to; check chat 919988066776@c.us before sending again",
		);
		expect(gateway.requests).toHaveLength(1);
	});

	test('the new id feeds Edit, React, Pin and Delete in the same execution', async () => {
		const message = { resource: 'message', chatId: chat('={{ $json.chatId }}'), messageId: '={{ $json.messageId }}' };
		const result = await runChatsChain({
			credentials: wahaCredentials(gateway),
			steps: [
				{ name: 'Send', parameters: { resource: 'message', operation: 'sendText', chatId: chat(PHONE), text: 'first draft' } },
				{ name: 'Edit', parameters: { ...message, operation: 'edit', text: 'final text' } },
				{ name: 'React', parameters: { ...message, operation: 'react', emoji: '✅' } },
				{ name: 'Pin', parameters: { ...message, operation: 'pin', duration: 86400 } },
				{ name: 'Delete', parameters: { ...message, operation: 'delete' } },
			],
		});
		expect(result.error).toBeUndefined();
		const id = result.json('Send')[0].messageId as string;
		const path = `/api/default/chats/${encodeURIComponent(CUS)}/messages/${encodeURIComponent(id)}`;
		expect(gateway.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'POST /api/sendText',
			`PUT ${path}`,
			'PUT /api/reaction',
			`POST ${path}/pin`,
			`DELETE ${path}`,
		]);
		expect(gateway.requests[2].body).toEqual({ session: 'default', messageId: id, reaction: '✅' });
		for (const step of ['Edit', 'React', 'Pin', 'Delete']) expect(result.json(step)[0]).toMatchObject({ success: true, messageId: id });
	});
});

describe('Evolution API: POST /message/sendText/{instance}', () => {
	test('sends number, text and linkPreview; outputs the bare id Evolution gave', async () => {
		const result = await send(evolutionCredentials(gateway), {}, { linkPreview: false });
		expect(result.error).toBeUndefined();
		expect(gateway.requests).toHaveLength(1);
		expect(gateway.requests[0]).toMatchObject({ method: 'POST', path: `/message/sendText/${EVOLUTION_INSTANCE}` });
		expect(gateway.requests[0].headers.apikey).toBe(TEST_API_KEY);
		expect(gateway.requests[0].body).toEqual({ number: JID, text: 'Your order #123 shipped', linkPreview: false });
		const json = result.output[0].json;
		expect(json).toMatchObject({ success: true, chatId: JID, raw: { key: { remoteJid: JID, fromMe: true }, status: 'PENDING' } });
		expect(json.messageId).toBe((json.raw as { key: { id: string } }).key.id);
		expect(typeof json.timestamp).toBe('number');
	});

	test('a reply quotes the full key and the stored content of a bare id', async () => {
		const result = await send(evolutionCredentials(gateway), {}, { replyTo: '3EB0AAAA0002' });
		expect(result.error).toBeUndefined();
		expect(gateway.requests.map((r) => r.path)).toEqual([`/chat/findMessages/${EVOLUTION_INSTANCE}`, `/message/sendText/${EVOLUTION_INSTANCE}`]);
		expect(gateway.requests[1].body).toEqual({
			number: JID,
			text: 'Your order #123 shipped',
			linkPreview: true,
			quoted: { key: { remoteJid: JID, fromMe: false, id: '3EB0AAAA0002' }, message: { conversation: 'hi there' } },
		});
		expect(result.output[0].json.replyTo).toBe('3EB0AAAA0002');
	});

	test('the new id feeds Edit and React in the same execution (found in Evolution’s store)', async () => {
		const message = { resource: 'message', chatId: chat('={{ $json.chatId }}'), messageId: '={{ $json.messageId }}' };
		const result = await runChatsChain({
			credentials: evolutionCredentials(gateway),
			steps: [
				{ name: 'Send', parameters: { resource: 'message', operation: 'sendText', chatId: chat(JID), text: 'first draft' } },
				{ name: 'Edit', parameters: { ...message, operation: 'edit', text: 'final text' } },
				{ name: 'React', parameters: { ...message, operation: 'react', emoji: '✅' } },
			],
		});
		expect(result.error).toBeUndefined();
		const id = result.json('Send')[0].messageId as string;
		const edit = gateway.requestsTo('POST', `/chat/updateMessage/`)[0];
		expect(edit.body).toEqual({ number: JID, key: { remoteJid: JID, fromMe: true, id }, text: 'final text' });
		const react = gateway.requestsTo('POST', '/message/sendReaction/')[0];
		expect(react.body).toEqual({ key: { remoteJid: JID, fromMe: true, id }, reaction: '✅' });
		expect(evolutionStateOf(gateway.state).messages.some((record) => record.key.id === id)).toBe(true);
	});
});

describe('refused or bad input: nothing is sent', () => {
	test('Sessions API refuses with a hint', async () => {
		const result = await send(sessionsApiCredentials(gateway));
		expect(result.error?.message).toBe(
			'Message: Send Text is not supported by Sessions API: the Sessions API gateway documents no endpoint that sends messages; send from the gateway itself, or use WAHA, Evolution API or the embedded connection',
		);
		expect(gateway.requests).toHaveLength(0);
	});

	test.each([
		['empty', '   ', /Invalid Text "   ": expected the message text, not empty/],
		['too long', 'x'.repeat(65_537), /Invalid Text "x{40}… \(65537 characters\)": expected at most 65536 characters, WhatsApp's limit for one message/],
	])('%s text fails naming the field', async (_what, text, message) => {
		const result = await send(wahaCredentials(gateway), { text });
		expect(result.error?.message).toMatch(message);
		expect(gateway.requests).toHaveLength(0);
	});

	test('65,536 characters are sent', async () => {
		const result = await send(wahaCredentials(gateway), { text: 'y'.repeat(65_536) });
		expect(result.error).toBeUndefined();
		expect((gateway.requests[0].body as { text: string }).text).toHaveLength(65_536);
	});

	test('a reply to a message of another chat fails naming the option', async () => {
		const result = await send(wahaCredentials(gateway), {}, { replyTo: 'true_15550002222@c.us_3EB0AAAA0001' });
		expect(result.error?.message).toMatch(/^Invalid Reply To \(Message ID\) "true_15550002222@c.us_3EB0AAAA0001": expected a message of the chat 919988066776@s.whatsapp.net/);
		expect(gateway.requests).toHaveLength(0);
	});
});

describe('at most once: a send is not retried once it may have reached the gateway', () => {
	const MAYBE_SENT = /it was not retried, because the gateway may already have carried it out \(a message may already be sent\): check the chat before trying again/;

	test.each([
		['HTTP 500', { status: 500, body: { message: 'engine hiccup' } }, /^WAHA failed \(HTTP 500\): engine hiccup; /],
		['HTTP 503 with Retry-After', { status: 503, headers: { 'Retry-After': '0' }, body: { message: 'restarting' } }, /^WAHA failed \(HTTP 503\): restarting; /],
		['a dropped connection', { dropConnection: true }, /^Cannot reach WAHA at .*: the connection closed in the middle of the answer|^Cannot reach WAHA at .*: connection reset/],
	])('%s: one request, the error says it may have been sent', async (_what, answer, message) => {
		gateway.respond('POST /api/sendText', answer, { status: 201, body: { id: `true_${CUS}_NEVER` } });
		const result = await send(wahaCredentials(gateway));
		expect(result.error?.message).toMatch(message);
		expect(result.error?.message).toMatch(MAYBE_SENT);
		expect(gateway.requestsTo('POST', '/api/sendText')).toHaveLength(1);
	});

	test('a timeout: one request, not retried', async () => {
		gateway.respond('POST /api/sendText', { delayMs: 1500, status: 201, body: { id: `true_${CUS}_LATE` } });
		const result = await send(wahaCredentials(gateway), {}, { timeout: 300 });
		expect(result.error?.message).toMatch(/did not answer POST api\/sendText within 300 ms/);
		expect(result.error?.message).toMatch(MAYBE_SENT);
		expect(gateway.requestsTo('POST', '/api/sendText')).toHaveLength(1);
	});

	test('a 429 with Retry-After was not processed: retried after the wait, sent once', async () => {
		gateway.respond('POST /api/sendText', { status: 429, headers: { 'Retry-After': '1' }, body: { message: 'slow down' } });
		const result = await send(wahaCredentials(gateway));
		expect(result.error).toBeUndefined();
		const sends = gateway.requestsTo('POST', '/api/sendText');
		expect(sends).toHaveLength(2);
		expect(sends[1].receivedAt - sends[0].receivedAt).toBeGreaterThanOrEqual(950);
		expect(result.output[0].json.messageId).toMatch(/^true_919988066776@c.us_3EB0SENT/);
	});

	test('a 429 without Retry-After is not retried', async () => {
		gateway.respond('POST /api/sendText', { status: 429, body: { message: 'slow down' } });
		const result = await send(wahaCredentials(gateway));
		expect(result.error?.message).toBe('WAHA is rate limiting requests (HTTP 429): slow down');
		expect(gateway.requestsTo('POST', '/api/sendText')).toHaveLength(1);
	});

	test('connection refused: the request never arrived, so it is retried (and the retries are bounded)', async () => {
		// A port that was just free: nothing listens there.
		const probe = http.createServer();
		await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const port = (probe.address() as AddressInfo).port;
		await new Promise<void>((resolve) => probe.close(() => resolve()));
		const started = Date.now();
		const result = await send(wahaCredentials(gateway, { baseUrl: `http://127.0.0.1:${port}` }), {}, { maxRetries: 2 });
		expect(result.error?.message).toBe(`Cannot reach WAHA at http://127.0.0.1:${port}: connection refused`);
		// Backoff of two retries (0.15–0.3 s, then 0.3–0.6 s) shows they happened.
		expect(Date.now() - started).toBeGreaterThanOrEqual(400);
	});

	test('other operations keep retrying 5xx (edit is idempotent)', async () => {
		gateway.respond('PUT /api/default/chats/', { status: 500, body: { message: 'boom' } });
		const result = await runChatsNode({
			credentials: wahaCredentials(gateway),
			parameters: { resource: 'message', operation: 'edit', chatId: chat(PHONE), messageId: `true_${CUS}_3EB0AAAA0001`, text: 'x' } as never,
		});
		expect(result.error).toBeUndefined();
		expect(gateway.requests).toHaveLength(2);
	});

	test('Evolution: HTTP 500 on sendText is not retried either', async () => {
		gateway.respond(`POST /message/sendText/${EVOLUTION_INSTANCE}`, { status: 500, body: { status: 500, error: 'Internal Server Error', response: { message: ['Connection Closed'] } } });
		const result = await send(evolutionCredentials(gateway));
		expect(result.error?.message).toMatch(MAYBE_SENT);
		expect(gateway.requestsTo('POST', '/message/sendText/')).toHaveLength(1);
	});
});
