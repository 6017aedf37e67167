/**
 * Look-ups remembered for one execution: bare message ids of one chat cost one read of the chat's
 * messages, shared by items in flight together, on WAHA and Evolution API; WAHA's serialized id
 * is used as WAHA gave it; past its recent messages, WAHA engines that offer it are asked by id.
 */
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { EVOLUTION_INSTANCE, evolutionRecord, evolutionStateOf } from '../gateway-server/evolutionRoutes';
import { chat, runChatsNode, wahaCredentials } from '../helpers/whatsAppChatsNode';

let gateway: GatewayTestServer;
beforeAll(async () => (gateway = await GatewayTestServer.start()));
afterAll(async () => await gateway.close());
beforeEach(() => {
	gateway.reset();
	gateway.state.messages.clear();
});

const WAHA_CHAT = '919988066776@c.us';
const WAHA_PATH = `/api/default/chats/${encodeURIComponent(WAHA_CHAT)}/messages`;
const ids = Array.from({ length: 50 }, (_, i) => `3EB0STAR${String(i).padStart(4, '0')}`);

function wahaMessages(count: number, chatPart = WAHA_CHAT) {
	return Array.from({ length: count }, (_, i) => ({
		id: `${i % 2 === 0}_${chatPart}_3EB0STAR${String(i).padStart(4, '0')}`,
		timestamp: 1_700_000_000 + i,
		from: WAHA_CHAT,
		fromMe: i % 2 === 0,
		body: `message ${i}`,
		hasMedia: false,
	}));
}

const starAll = (options: Record<string, unknown> = {}) =>
	runChatsNode({
		credentials: wahaCredentials(gateway),
		parameters: { resource: 'message', operation: 'star', chatId: chat(WAHA_CHAT), messageId: '={{ $json.id }}', options } as never,
		input: ids.map((id) => ({ json: { id } })),
	});

describe('WAHA', () => {
	test.each([[{}], [{ concurrency: 1 }], [{ concurrency: 20 }]])('50 stars on bare ids of one chat cost one read of the chat, options %j', async (options) => {
		gateway.state.messages.set(WAHA_CHAT, wahaMessages(50));
		const result = await starAll(options);
		expect(result.error).toBeUndefined();
		expect(gateway.requestsTo('GET', WAHA_PATH)).toHaveLength(1);
		expect(gateway.requests).toHaveLength(51);
		expect(gateway.requestsTo('PUT', '/api/star').map((request) => (request.body as { messageId: string }).messageId)).toEqual(
			expect.arrayContaining(wahaMessages(50).map((message) => message.id)),
		);
		expect(result.output.map((item) => item.json.messageId)).toEqual(wahaMessages(50).map((message) => message.id));
	});

	test('the serialized id is sent as WAHA gave it, not rebuilt (an engine writing chats as @s.whatsapp.net)', async () => {
		gateway.state.messages.set(WAHA_CHAT, wahaMessages(2, '919988066776@s.whatsapp.net'));
		const result = await runChatsNode({
			credentials: wahaCredentials(gateway),
			parameters: { resource: 'message', operation: 'react', chatId: chat(WAHA_CHAT), messageId: '3EB0STAR0001', emoji: '👍' } as never,
		});
		expect(result.error).toBeUndefined();
		expect(gateway.requestsTo('PUT', '/api/reaction')[0].body).toEqual({
			session: 'default',
			messageId: 'false_919988066776@s.whatsapp.net_3EB0STAR0001',
			reaction: '👍',
		});
	});

	test('past the recent messages, an engine that offers it is asked by bare id', async () => {
		gateway.state.wahaMessageById = true;
		const old = { id: `true_${WAHA_CHAT}_3EB0OLD00001`, timestamp: 1_600_000_000, from: WAHA_CHAT, fromMe: true, body: 'old', hasMedia: false };
		gateway.state.messages.set(WAHA_CHAT, [...wahaMessages(100), old]);
		const result = await runChatsNode({
			credentials: wahaCredentials(gateway),
			parameters: { resource: 'message', operation: 'delete', chatId: chat(WAHA_CHAT), messageId: '3EB0OLD00001' } as never,
		});
		expect(result.error).toBeUndefined();
		expect(gateway.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
			`GET ${WAHA_PATH}`,
			'GET /api/default/chats/all/messages/3EB0OLD00001',
			`DELETE ${WAHA_PATH}/${encodeURIComponent(old.id)}`,
		]);
		expect(result.output[0].json).toMatchObject({ messageId: old.id, deleted: true });
	});

	test('an engine without the look-up by id: the message is said to be unknown, nothing is deleted', async () => {
		const old = { id: `true_${WAHA_CHAT}_3EB0OLD00001`, timestamp: 1_600_000_000, from: WAHA_CHAT, fromMe: true, body: 'old', hasMedia: false };
		gateway.state.messages.set(WAHA_CHAT, [...wahaMessages(100), old]);
		const result = await runChatsNode({
			credentials: wahaCredentials(gateway),
			parameters: { resource: 'message', operation: 'delete', chatId: chat(WAHA_CHAT), messageId: '3EB0OLD00001' } as never,
		});
		expect(result.error?.message).toBe(
			'Message "3EB0OLD00001" is not among the last 100 messages of chat 919988066776@c.us; give its full WAHA id instead, e.g. true_123@c.us_3EB0C767D26A1A8E',
		);
		expect(gateway.requestsTo('DELETE', '/')).toHaveLength(0);
	});

	test('a bare id WAHA finds in another chat is refused with that chat', async () => {
		gateway.state.wahaMessageById = true;
		gateway.state.messages.set('15550001111@c.us', [
			{ id: 'false_15550001111@c.us_3EB0ELSE0001', timestamp: 1_700_000_000, from: '15550001111@c.us', fromMe: false, body: 'x', hasMedia: false },
		]);
		const result = await runChatsNode({
			credentials: wahaCredentials(gateway),
			parameters: { resource: 'message', operation: 'star', chatId: chat(WAHA_CHAT), messageId: '3EB0ELSE0001' } as never,
		});
		expect(result.error?.message).toBe('Message "3EB0ELSE0001" belongs to chat 15550001111@c.us, not to 919988066776@c.us; pick the chat it was sent in');
		expect(gateway.requestsTo('PUT', '/api/star')).toHaveLength(0);
	});
});

describe('Evolution API', () => {
	const JID = '15550007777@s.whatsapp.net';
	const FIND = `/chat/findMessages/${EVOLUTION_INSTANCE}`;

	test.each([[{}], [{ concurrency: 1 }]] as Array<[{ concurrency?: number }]>)('50 reactions on bare ids of one chat read the chat once, options %j', async (options) => {
		const evolution = evolutionStateOf(gateway.state);
		const records = ids.map((id, i) => evolutionRecord({ remoteJid: JID, fromMe: i % 2 === 0, id }, 1_700_100_000 + i));
		evolution.messages.push(...records);
		try {
			const result = await runChatsNode({
				credentials: { connection: 'evolution', baseUrl: gateway.url, session: EVOLUTION_INSTANCE, apiKey: TEST_API_KEY },
				parameters: { resource: 'message', operation: 'react', chatId: chat(JID), messageId: '={{ $json.id }}', emoji: '👍', options } as never,
				input: ids.map((id) => ({ json: { id } })),
			});
			expect(result.error).toBeUndefined();
			const lookups = gateway.requestsTo('POST', FIND);
			// Default concurrency: items started together share one read. One at a time: the first asks by id, the second reads the chat.
			expect(lookups.length).toBe(options.concurrency === 1 ? 2 : 1);
			expect(lookups.at(-1)?.body).toEqual({ where: { key: { remoteJid: JID } }, page: 1, offset: 100 });
			expect(gateway.requests.length).toBeLessThanOrEqual(52);
			const sent = gateway.requestsTo('POST', `/message/sendReaction/${EVOLUTION_INSTANCE}`).map((request) => request.body);
			expect(sent).toHaveLength(50);
			expect(sent).toEqual(expect.arrayContaining(records.map((record) => ({ key: record.key, reaction: '👍' }))));
		} finally {
			for (const record of records) evolution.messages.splice(evolution.messages.indexOf(record), 1);
		}
	});
});
