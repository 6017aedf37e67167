/**
 * Chat → Mark Read, Mute / Unmute, Pin / Unpin and Get Many's `muted` over the gateways, in n8n's
 * engine against the loopback WAHA, Evolution API and Sessions API: the recorded Mark Read
 * requests and the refusals (with their hints, nothing sent).
 */
import type { IDataObject } from 'n8n-workflow';
import { EVOLUTION_CAPABILITIES } from '../../nodes/backends/evolution/capabilities';
import { SESSIONS_API_CAPABILITIES } from '../../nodes/backends/sessionsApi/capabilities';
import { WAHA_CAPABILITIES } from '../../nodes/backends/waha/capabilities';
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { EVOLUTION_INSTANCE, evolutionRecord, evolutionStateOf, type EvolutionState } from '../gateway-server/evolutionRoutes';
import { chat, evolutionCredentials, runChatsNode, sessionsApiCredentials, wahaCredentials } from '../helpers/whatsAppChatsNode';

const PHONE = '+91 99880-66776';
const JID = '919988066776@s.whatsapp.net';

let gateway: GatewayTestServer;
let evolution: EvolutionState;
beforeAll(async () => {
	gateway = await GatewayTestServer.start();
	evolution = evolutionStateOf(gateway.state);
});
afterAll(async () => await gateway.close());
beforeEach(() => gateway.reset());

const node = (credentials: IDataObject, parameters: Record<string, unknown>) => runChatsNode({ credentials, parameters: parameters as never });

describe('Mark Read', () => {
	test('WAHA: POST /api/{session}/chats/{chatId}/messages/read with the range, the read ids in raw', async () => {
		const result = await node(wahaCredentials(gateway), { resource: 'chat', operation: 'markRead', chatId: chat(PHONE) });
		expect(result.error).toBeUndefined();
		expect(gateway.requests).toHaveLength(1);
		const [request] = gateway.requests;
		expect(request).toMatchObject({ method: 'POST', path: '/api/default/chats/919988066776%40c.us/messages/read', body: { messages: 100, days: 30 } });
		expect(request.headers['x-api-key']).toBe(TEST_API_KEY);
		expect(result.output).toEqual([
			{
				json: { success: true, chatId: '919988066776@c.us', phone: '919988066776', lid: null, unread: false, raw: { ids: ['false_919988066776@c.us_3EB0AAAA0002'] } },
				pairedItem: { item: 0 },
			},
		]);
	});

	test('Evolution: the unread received keys from findMessages go to markMessageAsRead; a second Mark Read finds none and sends nothing', async () => {
		const unreadA = evolutionRecord({ remoteJid: JID, fromMe: false, id: '3EB0UNREAD01' }, 1_700_000_300, { conversation: 'are you there?' });
		const unreadB = evolutionRecord({ remoteJid: JID, fromMe: false, id: '3EB0UNREAD02' }, 1_700_000_400, { conversation: 'hello?' });
		const alreadyRead = evolutionRecord({ remoteJid: JID, fromMe: false, id: '3EB0READ0001' }, 1_700_000_250);
		alreadyRead.MessageUpdate.push({ status: 'READ' });
		evolution.messages.push(unreadA, unreadB, alreadyRead);
		try {
			const result = await node(evolutionCredentials(gateway), { resource: 'chat', operation: 'markRead', chatId: chat(PHONE) });
			expect(result.error).toBeUndefined();
			expect(gateway.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
				`POST /chat/findMessages/${EVOLUTION_INSTANCE}`,
				`POST /chat/markMessageAsRead/${EVOLUTION_INSTANCE}`,
			]);
			expect(gateway.requests[0].body).toEqual({ where: { key: { remoteJid: JID } }, page: 1, offset: 100 });
			// The seed's received 3EB0AAAA0002 has no read status either; own messages and read ones are left out.
			const readMessages = [
				{ remoteJid: JID, fromMe: false, id: '3EB0UNREAD02' },
				{ remoteJid: JID, fromMe: false, id: '3EB0UNREAD01' },
				{ remoteJid: JID, fromMe: false, id: '3EB0AAAA0002' },
			];
			expect(gateway.requests[1].body).toEqual({ readMessages });
			for (const request of gateway.requests) expect(request.headers.apikey).toBe(TEST_API_KEY);
			expect(result.output[0].json).toEqual({
				success: true,
				chatId: JID,
				phone: JID.split('@')[0],
				lid: null,
				unread: false,
				raw: { chatId: JID, readMessages, answer: { message: 'Read messages', read: 'success' } },
			});

			gateway.reset();
			const again = await node(evolutionCredentials(gateway), { resource: 'chat', operation: 'markRead', chatId: chat(PHONE) });
			expect(again.error).toBeUndefined();
			expect(gateway.requests.map((request) => request.path)).toEqual([`/chat/findMessages/${EVOLUTION_INSTANCE}`]);
			expect(again.output[0].json).toMatchObject({ success: true, unread: false, raw: { readMessages: [], note: expect.stringMatching(/nothing was sent/) } });
		} finally {
			evolution.messages = evolution.messages.filter((record) => ![unreadA, unreadB, alreadyRead].includes(record));
			for (const record of evolution.messages) if (!record.key.fromMe) record.MessageUpdate.length = 0;
		}
	});

	test('Evolution: a chat without stored messages fails clearly after the look-up, and marks nothing', async () => {
		const result = await node(evolutionCredentials(gateway), { resource: 'chat', operation: 'markRead', chatId: chat('+1 555 000 9999') });
		expect(result.error?.message).toMatch(/^Evolution API has no stored message in chat 15550009999@s\.whatsapp\.net, so it cannot tell which messages are unread/);
		// findChats: whether Evolution keeps the chat under its LID (2.4) instead.
		expect(gateway.requests.map((request) => request.path)).toEqual([`/chat/findMessages/${EVOLUTION_INSTANCE}`, `/chat/findChats/${EVOLUTION_INSTANCE}`]);
	});

	test('Sessions API refuses with its hint and sends nothing', async () => {
		const result = await node(sessionsApiCredentials(gateway), { resource: 'chat', operation: 'markRead', chatId: chat(PHONE) });
		expect(result.error?.message).toBe(`Chat: Mark Read is not supported by Sessions API: ${SESSIONS_API_CAPABILITIES.lacks.markChatRead}`);
		expect(gateway.requests).toHaveLength(0);
	});
});

describe('Mute / Unmute and chat Pin / Unpin: no gateway offers them', () => {
	const cases: Array<[string, Record<string, unknown>, string, 'muteChat' | 'unmuteChat' | 'pinChat' | 'unpinChat']> = [
		['mute', { muteDuration: '1w' }, 'Chat: Mute', 'muteChat'],
		['unmute', {}, 'Chat: Unmute', 'unmuteChat'],
		['pin', {}, 'Chat: Pin', 'pinChat'],
		['unpin', {}, 'Chat: Unpin', 'unpinChat'],
	];
	test.each(cases)('%s is refused by WAHA, Evolution API and the Sessions API, with each one’s hint, before any request', async (operation, extra, label, capability) => {
		const backends: Array<[string, IDataObject, { lacks: Record<string, string> }]> = [
			['WAHA', wahaCredentials(gateway), WAHA_CAPABILITIES],
			['Evolution API', evolutionCredentials(gateway), EVOLUTION_CAPABILITIES],
			['Sessions API', sessionsApiCredentials(gateway), SESSIONS_API_CAPABILITIES],
		];
		for (const [name, credentials, capabilities] of backends) {
			const result = await node(credentials, { resource: 'chat', operation, chatId: chat(PHONE), ...extra });
			expect(result.error?.message).toBe(`${label} is not supported by ${name}: ${capabilities.lacks[capability]}`);
		}
		expect(WAHA_CAPABILITIES.lacks.pinChat).toMatch(/Message: Pin pins a message/);
		expect(gateway.requests).toHaveLength(0);
	});
});

describe('Get Many: muted where the gateway says it', () => {
	test('WAHA: WEBJS isMuted, NOWEB muteEndTime (seconds or milliseconds, -1 always), else null; pinned kept', async () => {
		const future = Math.floor(Date.now() / 1000) + 3600;
		const saved = gateway.state.chats;
		gateway.state.chats = [
			{ id: '15550000001@c.us', name: 'webjs muted', isMuted: true, muteExpiration: -1, pinned: true },
			{ id: '15550000002@c.us', name: 'webjs not muted', isMuted: false, muteExpiration: 0, pinned: false },
			{ id: '15550000003@c.us', name: 'noweb until later', muteEndTime: future * 1000 },
			{ id: '15550000004@c.us', name: 'noweb expired', muteEndTime: 1_600_000_000 },
			{ id: '15550000005@c.us', name: 'noweb always', muteEndTime: -1 },
			{ id: '15550000006@c.us', name: 'gows says nothing' },
		];
		try {
			const result = await node(wahaCredentials(gateway), { resource: 'chat', operation: 'getMany', returnAll: true });
			expect(result.error).toBeUndefined();
			expect(result.output.map((item) => [item.json.name, item.json.muted, item.json.pinned])).toEqual([
				['webjs muted', true, true],
				['webjs not muted', false, false],
				['noweb until later', true, null],
				['noweb expired', false, null],
				['noweb always', true, null],
				['gows says nothing', null, null],
			]);
		} finally {
			gateway.state.chats = saved;
		}
	});

	test('Evolution: its chat rows say nothing of mute or pin: null', async () => {
		const result = await node(evolutionCredentials(gateway), { resource: 'chat', operation: 'getMany', limit: 3 });
		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(3);
		for (const item of result.output) expect(item.json).toMatchObject({ muted: null, pinned: null });
	});
});
