/**
 * Stages 1 and 3 in the real n8n CLI: `n8n import:credentials`, `n8n import:workflow` of the JSON
 * files in test/e2e/workflows, `n8n execute --id` per workflow, against the loopback gateway test
 * server in this process.
 *  - every WhatsApp Chats operation over WAHA, and over the Sessions API (one workflow each: a
 *    Manual Trigger feeding one node per operation), asserting every node's output and the request
 *    that reached the gateway;
 *  - bad chat ids with "continue on fail" (regular output and error output) and without.
 */
import { isDeepStrictEqual } from 'node:util';
import type { IDataObject } from 'n8n-workflow';
import { executeWorkflow, importCredentials, importWorkflows, prepareUserFolder, type E2eExecutionResult } from '../../scripts/n8n/e2e';
import { GatewayTestServer, SESSIONS_API_ID, TEST_API_KEY, type RecordedRequest } from '../gateway-server/GatewayTestServer';
import { e2eWorkflow, freshUserFolder, logTiming, requireN8n, sessionsApiCredential, wahaCredential } from './helpers/e2e';

const CHAT = '919988066776@c.us';
const CHAT_PATH = '919988066776%40c.us';
const MSG = `true_${CHAT}_3EB0AAAA0001`;
const MSG_PATH = `true_${CHAT_PATH}_3EB0AAAA0001`;
const SA = `/sessions/${SESSIONS_API_ID}`;
const JID = '919988066776@s.whatsapp.net';
const JID_PATH = '919988066776%40s.whatsapp.net';
/** A well-formed chat the scripted gateway answers with 404. */
const MISSING_CHAT_PATH = '919988066799%40c.us';

let gateway: GatewayTestServer;
const results: Record<string, E2eExecutionResult> = {};
/** Requests each workflow's execution caused, in arrival order. */
const requestsOf: Record<string, RecordedRequest[]> = {};

beforeAll(async () => {
	requireN8n();
	const timings: Record<string, number> = {};
	let t = Date.now();
	gateway = await GatewayTestServer.start();
	const userFolder = prepareUserFolder({ userFolder: freshUserFolder('gateway') });
	await importCredentials([wahaCredential(gateway), sessionsApiCredential(gateway)], { userFolder });
	timings['import:credentials'] = Date.now() - t;

	const workflows = {
		waha: e2eWorkflow('waha-operations.json'),
		sessionsApi: e2eWorkflow('sessions-api-operations.json'),
		continueOnFail: e2eWorkflow('errors-continue-on-fail.json'),
		stop: e2eWorkflow('errors-stop.json'),
	};
	t = Date.now();
	const ids = await importWorkflows(Object.values(workflows), { userFolder });
	timings['import:workflow (4)'] = Date.now() - t;

	for (const [index, key] of Object.keys(workflows).entries()) {
		gateway.reset();
		if (key === 'continueOnFail') {
			// both archive nodes send one request for the missing chat
			const notFound = { status: 404, body: { statusCode: 404, message: 'Chat not found', error: 'Not Found' } };
			gateway.respond(`POST /api/default/chats/${MISSING_CHAT_PATH}/archive`, notFound, notFound);
		}
		t = Date.now();
		results[key] = await executeWorkflow(ids[index], { userFolder });
		timings[`execute ${key}`] = Date.now() - t;
		requestsOf[key] = [...gateway.requests];
	}
	logTiming('gateway', timings);
});

afterAll(async () => await gateway?.close());

type Expected = {
	node: string;
	request: { method: string; path: string; query?: Record<string, string>; body?: unknown };
	json: IDataObject;
};

/** Exactly one request like this reached the gateway, with the API key. */
function expectOneRequest(key: string, expected: Expected['request']): void {
	const matching = requestsOf[key].filter(
		(request) =>
			request.method === expected.method &&
			request.path === expected.path &&
			(expected.query === undefined || isDeepStrictEqual(request.query, expected.query)) &&
			isDeepStrictEqual(request.body, expected.body),
	);
	expect({ request: expected, count: matching.length }).toEqual({ request: expected, count: 1 });
	expect(matching[0].headers['x-api-key']).toBe(TEST_API_KEY);
}

function expectSingleItem(result: E2eExecutionResult, node: string, json: IDataObject): void {
	const items = result.outputOf(node);
	expect(items).toHaveLength(1);
	expect(items[0].json).toMatchObject(json);
	expect(items[0].pairedItem).toEqual({ item: 0 });
}

describe('every operation over WAHA, in one n8n execution', () => {
	const message = (fields: IDataObject) => ({ success: true, chatId: CHAT, messageId: MSG, ...fields });
	const cases: Expected[] = [
		{ node: 'Archive Chat', request: { method: 'POST', path: `/api/default/chats/${CHAT_PATH}/archive` }, json: { success: true, chatId: CHAT, phone: '919988066776', lid: null, archived: true, raw: { id: CHAT, archived: true } } },
		{ node: 'Unarchive Chat', request: { method: 'POST', path: `/api/default/chats/${CHAT_PATH}/unarchive` }, json: { success: true, chatId: CHAT, archived: false } },
		{ node: 'Mark Chat Unread', request: { method: 'POST', path: `/api/default/chats/${CHAT_PATH}/unread` }, json: { success: true, chatId: CHAT, unread: true } },
		{ node: 'Delete Chat', request: { method: 'DELETE', path: `/api/default/chats/${CHAT_PATH}` }, json: { success: true, chatId: CHAT, deleted: true } },
		{ node: 'Clear Messages', request: { method: 'DELETE', path: `/api/default/chats/${CHAT_PATH}/messages` }, json: { success: true, chatId: CHAT, cleared: true } },
		{ node: 'Edit Message', request: { method: 'PUT', path: `/api/default/chats/${CHAT_PATH}/messages/${MSG_PATH}`, body: { text: 'Updated text' } }, json: message({ edited: true, text: 'Updated text' }) },
		{ node: 'Delete Message', request: { method: 'DELETE', path: `/api/default/chats/${CHAT_PATH}/messages/${MSG_PATH}` }, json: message({ deleted: true }) },
		{ node: 'Pin Message', request: { method: 'POST', path: `/api/default/chats/${CHAT_PATH}/messages/${MSG_PATH}/pin`, body: { duration: 604800 } }, json: message({ pinned: true, durationSeconds: 604800 }) },
		{ node: 'Unpin Message', request: { method: 'POST', path: `/api/default/chats/${CHAT_PATH}/messages/${MSG_PATH}/unpin` }, json: message({ pinned: false }) },
		{ node: 'Star Message', request: { method: 'PUT', path: '/api/star', body: { session: 'default', chatId: CHAT, messageId: MSG, star: true } }, json: message({ starred: true }) },
		{ node: 'Unstar Message', request: { method: 'PUT', path: '/api/star', body: { session: 'default', chatId: CHAT, messageId: MSG, star: false } }, json: message({ starred: false }) },
		{ node: 'React', request: { method: 'PUT', path: '/api/reaction', body: { session: 'default', messageId: MSG, reaction: '👍' } }, json: message({ reaction: '👍', removed: false }) },
		{
			node: 'React by Bare Message ID',
			request: { method: 'PUT', path: '/api/reaction', body: { session: 'default', messageId: `false_${CHAT}_3EB0AAAA0002`, reaction: '🔥' } },
			json: { success: true, chatId: CHAT, messageId: `false_${CHAT}_3EB0AAAA0002`, reaction: '🔥', removed: false },
		},
		{ node: 'Remove Reaction', request: { method: 'PUT', path: '/api/reaction', body: { session: 'default', messageId: MSG, reaction: '' } }, json: message({ reaction: '', removed: true }) },
		{
			node: 'Request Pairing Code',
			request: { method: 'POST', path: '/api/default/auth/request-code', body: { phoneNumber: '15550001111' } },
			json: { success: true, phoneNumber: '15550001111', code: 'ABCD-EFGH' },
		},
		{
			node: 'Session Status',
			request: { method: 'GET', path: '/api/sessions/default' },
			json: { success: true, backend: 'WAHA', state: 'WORKING', connected: true, me: '15550001111@c.us' },
		},
	];

	test('the execution succeeds and every node ran once', () => {
		const result = results.waha;
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.exitCode).toBe(0);
		const nodes = e2eWorkflow('waha-operations.json').nodes.map((node) => node.name);
		expect(Object.keys(result.runData).sort()).toEqual([...nodes].sort());
		for (const node of nodes) expect(result.runData[node]).toHaveLength(1);
	});

	test.each(cases)('$node', ({ node, request, json }) => {
		expectSingleItem(results.waha, node, json);
		expectOneRequest('waha', request);
	});

	test('Get Many Chats: limit 5 from offset 20', () => {
		expectOneRequest('waha', { method: 'GET', path: '/api/default/chats', query: { limit: '5', offset: '20' } });
		const chats = results.waha.json('Get Many Chats');
		expect(chats.map((chat) => chat.name)).toEqual(['Contact 20', 'Contact 21', 'Contact 22', 'Contact 23', 'Contact 24']);
		expect(chats[0]).toMatchObject({ id: '919988000020@c.us', isGroup: false, unreadCount: 2, lastMessageTimestamp: 1_700_000_020 });
	});

	test('Get All Chats (Return All): three pages of 100, 250 chats', () => {
		for (const offset of ['0', '100', '200']) {
			expectOneRequest('waha', { method: 'GET', path: '/api/default/chats', query: { limit: '100', offset } });
		}
		const chats = results.waha.json('Get All Chats');
		expect(chats).toHaveLength(250);
		expect(chats[9]).toMatchObject({ id: '120363000009@g.us', name: 'Contact 9', isGroup: true });
		expect(results.waha.outputOf('Get All Chats').every((item) => isDeepStrictEqual(item.pairedItem, { item: 0 }))).toBe(true);
	});

	test('Get Messages: limit 10, no media download', () => {
		expectOneRequest('waha', { method: 'GET', path: `/api/default/chats/${CHAT_PATH}/messages`, query: { limit: '10', offset: '0', downloadMedia: 'false' } });
		expect(results.waha.json('Get Messages')).toMatchObject([
			{ id: MSG, chatId: CHAT, fromMe: true, text: 'hello', timestamp: 1_700_000_100 },
			{ id: `false_${CHAT}_3EB0AAAA0002`, chatId: CHAT, fromMe: false, text: 'hi there', timestamp: 1_700_000_200 },
		]);
	});

	test('React by Bare Message ID looks the message up first', () => {
		expectOneRequest('waha', { method: 'GET', path: `/api/default/chats/${CHAT_PATH}/messages`, query: { limit: '100', offset: '0', downloadMedia: 'false' } });
	});

	test('Get QR: the QR text and a PNG in binary data', () => {
		expectOneRequest('waha', { method: 'GET', path: '/api/default/auth/qr', query: { format: 'raw' } });
		const [item] = results.waha.outputOf('Get QR');
		expect(item.json).toMatchObject({ success: true, qr: '2@fakeQrRef,fakeNoiseKey,fakeIdentityKey,fakeAdvSecret' });
		expect(item.binary?.qr).toMatchObject({ mimeType: 'image/png', fileExtension: 'png' });
	});

	test('Logout is not offered by WAHA: an error item (continue on fail), no request', () => {
		expect(results.waha.json('Logout')).toEqual([{ error: 'Session: Logout is not supported by WAHA: log the session out from the WAHA dashboard or its sessions API' }]);
	});

	test('no other request reached the gateway', () => {
		// one per case, 1 + 3 chat pages, 2 message lists (Get Messages, the bare-id look-up), the QR
		expect(requestsOf.waha).toHaveLength(cases.length + 1 + 3 + 2 + 1);
	});
});

describe('every operation over the Sessions API, in one n8n execution', () => {
	const message = (id: string, fields: IDataObject) => ({ success: true, chatId: JID, messageId: id, ...fields });
	const cases: Expected[] = [
		{ node: 'Archive Chat', request: { method: 'POST', path: `${SA}/chats/${JID_PATH}/archive` }, json: { success: true, chatId: JID, archived: true, raw: { success: true, jid: JID, message: 'Chat archived successfully' } } },
		{ node: 'Unarchive Chat', request: { method: 'POST', path: `${SA}/chats/${JID_PATH}/unarchive` }, json: { success: true, chatId: JID, archived: false } },
		{ node: 'Mark Chat Unread', request: { method: 'POST', path: `${SA}/chats/${JID_PATH}/unread` }, json: { success: true, chatId: JID, unread: true } },
		{ node: 'Delete Chat', request: { method: 'DELETE', path: `${SA}/chats/${JID_PATH}` }, json: { success: true, chatId: JID, deleted: true } },
		{
			node: 'Edit Message',
			request: { method: 'PUT', path: `${SA}/chats/${JID_PATH}/messages/MESSAGE_ID`, body: { text: 'Updated message text' } },
			json: message('MESSAGE_ID', { edited: true, text: 'Updated message text', raw: { success: true, message: 'Message edited successfully' } }),
		},
		{ node: 'Delete Message', request: { method: 'DELETE', path: `${SA}/chats/${JID_PATH}/messages/3EB0ABC` }, json: message('3EB0ABC', { deleted: true }) },
		{ node: 'Pin Message', request: { method: 'POST', path: `${SA}/chats/${JID_PATH}/messages/MESSAGE_ID/pin` }, json: message('MESSAGE_ID', { pinned: true, durationSeconds: 86400 }) },
		{ node: 'Unpin Message', request: { method: 'POST', path: `${SA}/chats/${JID_PATH}/messages/MESSAGE_ID/unpin` }, json: message('MESSAGE_ID', { pinned: false }) },
		{ node: 'Star Message', request: { method: 'POST', path: `${SA}/chats/${JID_PATH}/messages/MESSAGE_ID/star`, body: { star: true } }, json: message('MESSAGE_ID', { starred: true }) },
		{ node: 'Unstar Message', request: { method: 'POST', path: `${SA}/chats/${JID_PATH}/messages/MESSAGE_ID/star`, body: { star: false } }, json: message('MESSAGE_ID', { starred: false }) },
		{
			node: 'React',
			request: { method: 'PUT', path: `${SA}/messages/MESSAGE_ID/reaction`, body: { chatId: JID, emoji: '👍' } },
			json: message('MESSAGE_ID', { reaction: '👍', removed: false, raw: { success: true, message: 'Reaction sent successfully' } }),
		},
		{ node: 'Remove Reaction', request: { method: 'PUT', path: `${SA}/messages/MESSAGE_ID/reaction`, body: { chatId: JID, emoji: '' } }, json: message('MESSAGE_ID', { reaction: '', removed: true }) },
	];
	const notOffered: Array<[string, string]> = [
		['Get Many Chats (not offered)', 'Chat: Get Many'],
		['Get Messages (not offered)', 'Chat: Get Messages'],
		['Clear Messages (not offered)', 'Chat: Clear Messages'],
		['Get QR (not offered)', 'Session: Get QR'],
		['Request Pairing Code (not offered)', 'Session: Request Pairing Code'],
		['Session Status (not offered)', 'Session: Status'],
		['Logout (not offered)', 'Session: Logout'],
	];

	test('the execution succeeds and every node ran once', () => {
		const result = results.sessionsApi;
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		const nodes = e2eWorkflow('sessions-api-operations.json').nodes.map((node) => node.name);
		expect(Object.keys(result.runData).sort()).toEqual([...nodes].sort());
	});

	test.each(cases)('$node', ({ node, request, json }) => {
		expectSingleItem(results.sessionsApi, node, json);
		expectOneRequest('sessionsApi', request);
	});

	test.each(notOffered)('%s: "%s is not supported by Sessions API: …" as an error item, with what to do instead', (node, label) => {
		expect(results.sessionsApi.json(node)).toEqual([{ error: expect.stringMatching(new RegExp(`^${label} is not supported by Sessions API: the Sessions API gateway documents no .+; `)) }]);
	});

	test('no other request reached the gateway', () => {
		expect(requestsOf.sessionsApi).toHaveLength(cases.length);
	});
});

describe('bad chat ids', () => {
	const INVALID = 'Invalid Chat "not a chat id": expected a phone number in international format (e.g. +91 99880-66776) or a chat id such as 919988066776@s.whatsapp.net, 123@c.us, 123-456@g.us or 123@lid';
	const NOT_FOUND = 'WAHA found nothing at POST /api/default/chats/919988066799@c.us/archive (HTTP 404): Chat not found';

	test('continue on fail (regular output): each item keeps its place, errors as items', () => {
		const result = results.continueOnFail;
		expect(result.status).toBe('success');
		const items = result.outputOf('Archive (Continue)');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items.map((item) => item.json)).toEqual([
			{ success: true, chatId: CHAT, phone: '919988066776', lid: null, archived: true, raw: { id: CHAT, archived: true } },
			expect.objectContaining({ error: INVALID }),
			expect.objectContaining({ error: NOT_FOUND }),
		]);
	});

	test('continue on fail (error output): archived chats on the success branch, both failures on the error branch', () => {
		const result = results.continueOnFail;
		expect(result.json('Archived')).toEqual([{ success: true, chatId: CHAT, phone: '919988066776', lid: null, archived: true, raw: { id: CHAT, archived: true } }]);
		// n8n moves an item to the error output when the item carries `error`, or its json is only { error }
		expect(result.json('Failed')).toEqual([
			expect.objectContaining({ error: INVALID }),
			expect.objectContaining({ error: NOT_FOUND }),
		]);
	});

	test('continue on fail: the valid chats were sent, the malformed one never', () => {
		expect(requestsOf.continueOnFail.map((request) => `${request.method} ${request.path}`).sort()).toEqual(
			[
				`POST /api/default/chats/${CHAT_PATH}/archive`,
				`POST /api/default/chats/${CHAT_PATH}/archive`,
				`POST /api/default/chats/${MISSING_CHAT_PATH}/archive`,
				`POST /api/default/chats/${MISSING_CHAT_PATH}/archive`,
			].sort(),
		);
	});

	test('without continue on fail: the execution fails on the node, naming the bad value, before any request', () => {
		const result = results.stop;
		expect(result.status).toBe('error');
		expect(result.exitCode).toBe(1);
		expect(result.error?.message).toBe(INVALID);
		expect(result.errorOf('Archive')?.message).toBe(INVALID);
		expect(result.lastNodeExecuted).toBe('Archive');
		expect(result.runData['After Archive']).toBeUndefined();
		expect(requestsOf.stop).toHaveLength(0);
	});
});
