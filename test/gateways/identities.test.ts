/**
 * Phone numbers and LIDs over the gateways, in n8n's engine against loopback servers: WAHA's LID
 * routes (asked at most once per id per execution, an engine without them gives null and the item
 * goes on), alt fields of NOWEB/GOWS payloads, Evolution's `remoteJidAlt` in its 2.3.7 shape
 * (`remoteJid` the phone JID) and its 2.4 shape (`remoteJid` the LID), one row per chat, the
 * trigger's items, Only These Chats and de-duplication in either form, and the Sessions API
 * refusing a LID before any request.
 */
import { createHmac } from 'node:crypto';
import { GatewayTestServer } from '../gateway-server/GatewayTestServer';
import { EVOLUTION_INSTANCE, evolutionRecord, evolutionStateOf } from '../gateway-server/evolutionRoutes';
import { TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';
import { chat, runChatsNode, sessionsApiCredentials, wahaCredentials } from '../helpers/whatsAppChatsNode';

const jwt = require('jsonwebtoken') as { sign(payload: object, secret: string, options?: object): string };

const PHONE = '919988011122';
const LID = '184069530861739@lid';
const LID_PATH = '184069530861739%40lid';
const SECRET = 'hmac-secret-for-identities';

let gateway: GatewayTestServer;
let trigger: TriggerUnderTest | undefined;
let savedChats: Array<Record<string, unknown>>;
beforeAll(async () => {
	gateway = await GatewayTestServer.start();
	savedChats = gateway.state.chats;
});
afterAll(async () => await gateway.close());
beforeEach(() => {
	gateway.reset();
	gateway.state.chats = savedChats;
	gateway.state.wahaLids = new Map([[LID, PHONE]]);
	gateway.state.messages.clear();
});
afterEach(async () => {
	await trigger?.close();
	trigger = undefined;
});

const lookups = () => gateway.requests.filter((request) => request.path.includes('/lids/')).map((request) => `${request.method} ${request.path}`);

async function waha(parameters: Record<string, unknown>, items = 1) {
	const result = await runChatsNode({
		credentials: wahaCredentials(gateway),
		parameters: parameters as never,
		input: Array.from({ length: items }, (_, n) => ({ json: { n } })) as never,
	});
	expect(result.error).toBeUndefined();
	return result.output.map((item) => item.json);
}

describe('WAHA', () => {
	test('Get Many: a chat listed by LID and by phone number is one row with both; the LID is looked up once per execution', async () => {
		gateway.state.chats = [
			{ id: LID, name: null, timestamp: 1_700_000_300, unreadCount: 2 },
			{ id: `${PHONE}@c.us`, name: 'Priya', timestamp: 1_700_000_100, unreadCount: 0 },
			{ id: '15550009999@c.us', name: 'Other', timestamp: 1_700_000_050 },
		];
		// Two input items: Get Many runs twice in the execution, the look-up is shared.
		const rows = await waha({ resource: 'chat', operation: 'getMany', limit: 10 }, 2);
		expect(rows).toHaveLength(4);
		expect(rows[0]).toMatchObject({ id: LID, phone: PHONE, lid: LID, name: 'Priya', unreadCount: 2 });
		expect(rows[1]).toMatchObject({ id: '15550009999@c.us', phone: '15550009999', lid: null });
		expect(lookups()).toEqual([`GET /api/default/lids/${LID_PATH}`]);
	});

	test('an engine without the LID routes: rows keep phone null, the item does not fail, the routes are asked once', async () => {
		gateway.state.wahaLids = null;
		gateway.state.chats = [
			{ id: LID, name: 'Hidden', timestamp: 1_700_000_300 },
			{ id: '111222333444555@lid', name: 'Hidden 2', timestamp: 1_700_000_200 },
		];
		const rows = await waha({ resource: 'chat', operation: 'getMany', limit: 10 });
		expect(rows.map((row) => [row.id, row.phone, row.lid])).toEqual([
			[LID, null, LID],
			['111222333444555@lid', null, '111222333444555@lid'],
		]);
		expect(lookups()).toHaveLength(1);
	});

	test('archive given a LID: WAHA is addressed with it, the output names its phone number, one look-up for three items', async () => {
		const rows = await waha({ resource: 'chat', operation: 'archive', chatId: chat(LID) }, 3);
		expect(rows.map((row) => [row.chatId, row.phone, row.lid])).toEqual(Array(3).fill([LID, PHONE, LID]));
		expect(lookups()).toEqual([`GET /api/default/lids/${LID_PATH}`]);
		expect(gateway.requests.filter((request) => request.path.endsWith('/archive')).map((request) => request.path)).toEqual(
			Array(3).fill(`/api/default/chats/${LID_PATH}/archive`),
		);
	});

	test('Get Messages of a group: senders from participantAlt (NOWEB) or looked up once per LID', async () => {
		const group = '120363000111@g.us';
		gateway.state.messages.set(group, [
			{ id: `false_${group}_A1_${LID}`, from: group, participant: LID, fromMe: false, body: 'one', timestamp: 1_700_000_100 },
			{ id: `false_${group}_A2_${LID}`, from: group, participant: LID, fromMe: false, body: 'two', timestamp: 1_700_000_200 },
			{
				id: `false_${group}_A3_222333444555666@lid`,
				from: group,
				participant: '222333444555666@lid',
				fromMe: false,
				body: 'three',
				timestamp: 1_700_000_300,
				_data: { key: { remoteJid: group, participant: '222333444555666@lid', participantAlt: '15550007777@s.whatsapp.net' } },
			},
		]);
		const rows = await waha({ resource: 'chat', operation: 'getMessages', chatId: chat(group), limit: 10 });
		expect(rows.map((row) => [row.from, row.fromPhone, row.fromLid, row.phone, row.lid])).toEqual([
			[LID, PHONE, LID, null, null],
			[LID, PHONE, LID, null, null],
			['222333444555666@lid', '15550007777', '222333444555666@lid', null, null],
		]);
		expect(lookups()).toEqual([`GET /api/default/lids/${LID_PATH}`]);
	});

	test('a message given by the phone number, which WAHA keeps under the chat\'s LID: found by bare id, the LID looked up to prove it is the same chat', async () => {
		gateway.state.wahaMessageById = true;
		const stored = { id: `false_${LID}_3EB0TWIN0001`, timestamp: 1_600_000_000, from: LID, fromMe: false, body: 'old', hasMedia: false };
		gateway.state.messages.set(LID, [stored]);
		const [out] = await waha({ resource: 'message', operation: 'react', chatId: chat(`+${PHONE}`), messageId: '3EB0TWIN0001', emoji: '👍' });
		expect(gateway.requestsTo('PUT', '/api/reaction')[0].body).toEqual({ session: 'default', messageId: stored.id, reaction: '👍' });
		expect(lookups()).toEqual([`GET /api/default/lids/${LID_PATH}`]);
		expect(out).toMatchObject({ messageId: stored.id, phone: PHONE });

		// A LID WAHA does not tie to this number is another chat: refused, nothing sent.
		gateway.reset();
		gateway.state.wahaMessageById = true;
		gateway.state.messages.set('999888777666555@lid', [{ ...stored, id: 'false_999888777666555@lid_3EB0TWIN0002', from: '999888777666555@lid' }]);
		const refused = await runChatsNode({
			credentials: wahaCredentials(gateway),
			parameters: { resource: 'message', operation: 'react', chatId: chat(`+${PHONE}`), messageId: '3EB0TWIN0002', emoji: '👍' } as never,
		});
		expect(refused.error?.message).toContain('belongs to chat 999888777666555@lid');
		expect(gateway.requestsTo('PUT', '/api/reaction')).toHaveLength(0);
	});

	test('an engine without the look-up by bare id (WEBJS), the chat kept under its LID: the phone number\'s LID asked once (lids/pn), the message found in the LID chat, for react and Send Text\'s reply', async () => {
		const stored = { id: `false_${LID}_3EB0PNLID0001`, timestamp: 1_600_000_000, from: LID, fromMe: false, body: 'kept by LID', hasMedia: false };
		gateway.state.messages.set(LID, [stored]);
		const reacted = await waha({ resource: 'message', operation: 'react', chatId: chat(`+${PHONE}`), messageId: '3EB0PNLID0001', emoji: '👍' }, 2);
		expect(gateway.requestsTo('PUT', '/api/reaction').map((request) => request.body)).toEqual([
			{ session: 'default', messageId: stored.id, reaction: '👍' },
			{ session: 'default', messageId: stored.id, reaction: '👍' },
		]);
		expect(lookups()).toEqual([`GET /api/default/lids/pn/${PHONE}%40c.us`]);
		expect(reacted[0]).toMatchObject({ chatId: `${PHONE}@c.us`, phone: PHONE, lid: LID, messageId: stored.id });

		gateway.reset();
		gateway.state.wahaLids = new Map([[LID, PHONE]]);
		const [sent] = await waha({ resource: 'message', operation: 'sendText', chatId: chat(PHONE), text: 'answer', options: { replyTo: '3EB0PNLID0001', linkPreview: false } });
		expect(gateway.requestsTo('POST', '/api/sendText')[0].body).toMatchObject({ reply_to: stored.id });
		expect(lookups()).toEqual([`GET /api/default/lids/pn/${PHONE}%40c.us`]);
		expect(sent).toMatchObject({ replyTo: stored.id });

		// Found in the phone number's own chat: no look-up at all.
		gateway.reset();
		gateway.state.messages.set(`${PHONE}@c.us`, [{ ...stored, id: `false_${PHONE}@c.us_3EB0PNLID0002`, from: `${PHONE}@c.us` }]);
		await waha({ resource: 'message', operation: 'react', chatId: chat(PHONE), messageId: '3EB0PNLID0002', emoji: '👍' });
		expect(lookups()).toEqual([]);
	});

	test('react using a trigger item\'s phone and its LID-form message id: sent with that id, the LID checked to be this number', async () => {
		const messageId = `false_${LID}_3EB0FROMLID1`;
		const [out] = await waha({ resource: 'message', operation: 'react', chatId: chat(`+${PHONE}`), messageId, emoji: '🙏' });
		expect(gateway.requestsTo('PUT', '/api/reaction')[0].body).toEqual({ session: 'default', messageId, reaction: '🙏' });
		expect(out).toMatchObject({ chatId: LID, phone: PHONE, lid: LID, messageId });
		expect(lookups()).toEqual([`GET /api/default/lids/${LID_PATH}`]);

		gateway.reset();
		const refused = await runChatsNode({
			credentials: wahaCredentials(gateway),
			parameters: { resource: 'message', operation: 'react', chatId: chat('+15550009999'), messageId, emoji: '🙏' } as never,
		});
		expect(refused.error?.message).toBe(
			`Invalid Message ID "${messageId}": expected a message of the chat 15550009999@s.whatsapp.net (this id belongs to ${LID}, another person)`,
		);
		expect(gateway.requestsTo('PUT', '/api/reaction')).toHaveLength(0);
	});

	describe('trigger', () => {
		let counter = 0;
		const envelope = (payload: Record<string, unknown>) => ({ id: `evt_id_${++counter}`, timestamp: Date.now(), event: 'message', session: 'default', me: { id: '15550001111@c.us' }, payload, engine: 'NOWEB' });
		const deliver = async (body: unknown) => {
			const raw = JSON.stringify(body);
			const hmac = createHmac('sha512', SECRET).update(raw).digest('hex');
			return await trigger!.post(undefined, { 'X-Webhook-Hmac': hmac, 'X-Webhook-Hmac-Algorithm': 'sha512', 'X-Webhook-Timestamp': String(Date.now()) }, raw);
		};

		test('a NOWEB message from a LID: phone from _data.key.remoteJidAlt; Only These Chats by phone; the phone-form repeat fires nothing', async () => {
			trigger = await startTrigger({
				credentials: wahaCredentials(gateway, { webhookSecret: SECRET }),
				parameters: { source: 'gateway', events: ['message'], options: { onlyChats: `+${PHONE}` } },
			});
			const byLid = {
				id: `false_${LID}_3EB0LID1`,
				from: LID,
				fromMe: false,
				body: 'hello by LID',
				timestamp: 1_700_000_500,
				_data: { key: { remoteJid: LID, remoteJidAlt: `${PHONE}@s.whatsapp.net`, fromMe: false, id: '3EB0LID1', addressingMode: 'lid' } },
			};
			expect((await deliver(envelope(byLid))).status).toBe(200);
			expect(trigger.executions).toHaveLength(1);
			expect(trigger.executions[0][0].json).toMatchObject({
				chatId: LID,
				phone: PHONE,
				lid: LID,
				data: { text: 'hello by LID', from: LID, fromPhone: PHONE, fromLid: LID },
			});
			// The same message delivered again in its phone-number form (another event id): a repeat.
			await deliver(envelope({ ...byLid, id: `false_${PHONE}@c.us_3EB0LID1`, from: `${PHONE}@c.us`, _data: undefined }));
			expect(trigger.executions).toHaveLength(1);
			// A LID of another chat, without its phone: filtered out.
			await deliver(envelope({ ...byLid, id: 'false_999888777666555@lid_3EB0LID2', from: '999888777666555@lid', _data: undefined }));
			expect(trigger.executions).toHaveLength(1);
		});
	});
	test('Send Text by phone number, as a reply to a message WAHA names by the LID: reply_to is the id WAHA gave', async () => {
		const [sent] = await waha({
			resource: 'message',
			operation: 'sendText',
			chatId: chat(PHONE),
			text: 'Yes, we ship there',
			options: { replyTo: `false_${LID}_3A8E0000LIDQ1`, linkPreview: false },
		});
		const send = gateway.requests.find((request) => request.method === 'POST' && request.path === '/api/sendText');
		// WAHA is addressed by the number as given (its engines map it to the LID themselves).
		expect(send?.body).toMatchObject({ session: 'default', chatId: `${PHONE}@c.us`, reply_to: `false_${LID}_3A8E0000LIDQ1` });
		expect(sent).toMatchObject({ success: true, phone: PHONE, replyTo: `false_${LID}_3A8E0000LIDQ1` });
	});
});

describe('Evolution', () => {
	const credentials = () => ({ connection: 'evolution', baseUrl: gateway.url, session: EVOLUTION_INSTANCE, apiKey: TEST_API_KEY });
	const PN_JID = `${PHONE}@s.whatsapp.net`;

	test('Get Messages: the 2.3.7 shape (remoteJid the phone JID) and the 2.4 shape (remoteJid the LID) both give phone and lid', async () => {
		const evolution = evolutionStateOf(gateway.state);
		const old = evolutionRecord({ remoteJid: PN_JID, remoteJidAlt: LID, fromMe: false, id: '3EB0EVO237' }, 1_700_000_100);
		const newer = evolutionRecord({ remoteJid: LID, remoteJidAlt: PN_JID, fromMe: false, id: '3EB0EVO240' }, 1_700_000_200);
		evolution.messages.push(old, newer);
		try {
			const byPhone = await runChatsNode({ credentials: credentials(), parameters: { resource: 'chat', operation: 'getMessages', chatId: chat(`+${PHONE}`), limit: 5 } as never });
			expect(byPhone.output.map((item) => item.json)).toEqual([
				expect.objectContaining({ id: '3EB0EVO237', chatId: PN_JID, phone: PHONE, lid: LID, from: PN_JID, fromPhone: PHONE, fromLid: LID }),
			]);
			const byLid = await runChatsNode({ credentials: credentials(), parameters: { resource: 'chat', operation: 'getMessages', chatId: chat(LID), limit: 5 } as never });
			expect(byLid.output.map((item) => item.json)).toEqual([
				expect.objectContaining({ id: '3EB0EVO240', chatId: LID, phone: PHONE, lid: LID, from: LID, fromPhone: PHONE, fromLid: LID }),
			]);
		} finally {
			evolution.messages.splice(evolution.messages.indexOf(old), 2);
		}
	});

	const requestsTo = (route: string) => gateway.requests.filter((request) => request.path.startsWith(`/chat/${route}/`) || request.path.startsWith(`/message/${route}/`));

	test('2.4 shape (records under the LID): a phone number finds the chat\'s records for Get Messages, Mark Read and a bare reply id; the pair read from findChats once per execution', async () => {
		const evolution = evolutionStateOf(gateway.state);
		// The newest record names the phone in remoteJidAlt (so findChats' row does); an older one does not.
		const older = evolutionRecord({ remoteJid: LID, fromMe: false, id: '3EB0EVO24OLD' }, 1_700_000_290);
		const newest = evolutionRecord({ remoteJid: LID, remoteJidAlt: PN_JID, fromMe: false, id: '3EB0EVO24NEW' }, 1_700_000_300);
		const before = [...evolution.messages];
		evolution.messages.push(older, newest);
		gateway.state.chats = [...savedChats, { id: LID, name: 'Lid chat', timestamp: 1_700_000_300, unreadCount: 2 }];
		try {
			const listed = await runChatsNode({
				credentials: credentials(),
				parameters: { resource: 'chat', operation: 'getMessages', chatId: chat(`+${PHONE}`), limit: 5 } as never,
				input: [{ json: { n: 1 } }, { json: { n: 2 } }] as never,
			});
			expect(listed.error).toBeUndefined();
			expect(listed.output.map((item) => [item.json.id, item.json.phone, item.json.lid])).toEqual([
				['3EB0EVO24NEW', PHONE, LID],
				['3EB0EVO24OLD', PHONE, LID],
				['3EB0EVO24NEW', PHONE, LID],
				['3EB0EVO24OLD', PHONE, LID],
			]);
			expect(requestsTo('findChats')).toHaveLength(1);
			expect(requestsTo('findChats')[0].body).toEqual({});
			expect(requestsTo('findMessages').map((request) => (request.body as { where: { key: { remoteJid: string } } }).where.key.remoteJid)).toEqual(
				expect.arrayContaining([PN_JID, LID]),
			);

			gateway.reset();
			const read = await runChatsNode({ credentials: credentials(), parameters: { resource: 'chat', operation: 'markRead', chatId: chat(PHONE) } as never });
			expect(read.error).toBeUndefined();
			expect(read.output[0].json).toMatchObject({ chatId: PN_JID, phone: PHONE, lid: LID });
			const [marked] = requestsTo('markMessageAsRead');
			expect((marked.body as { readMessages: Array<{ remoteJid: string; id: string }> }).readMessages).toEqual(
				expect.arrayContaining([expect.objectContaining({ remoteJid: LID, id: '3EB0EVO24NEW' })]),
			);

			gateway.reset();
			const sent = await runChatsNode({
				credentials: credentials(),
				parameters: { resource: 'message', operation: 'sendText', chatId: chat(`+${PHONE}`), text: 'reply by phone', options: { replyTo: '3EB0EVO24OLD', linkPreview: false } } as never,
			});
			expect(sent.error).toBeUndefined();
			expect(sent.output[0].json).toMatchObject({ chatId: PN_JID, phone: PHONE, lid: LID });
			const [send] = requestsTo('sendText');
			expect((send.body as { quoted: { key: unknown } }).quoted.key).toEqual({ remoteJid: LID, fromMe: false, id: '3EB0EVO24OLD' });
			expect(requestsTo('findChats')).toHaveLength(1);

			// Message Get by bare id, the record without remoteJidAlt: the chat and its sender named by both.
			gateway.reset();
			const got = await runChatsNode({ credentials: credentials(), parameters: { resource: 'message', operation: 'get', chatId: chat(`+${PHONE}`), messageId: '3EB0EVO24OLD' } as never });
			expect(got.error).toBeUndefined();
			expect(got.output[0].json).toMatchObject({ id: '3EB0EVO24OLD', phone: PHONE, lid: LID, from: LID, fromPhone: PHONE, fromLid: LID });

			// Chat Get and Get Chat's Labels: findChats finds no row under the phone number, then the LID's.
			gateway.reset();
			const details = await runChatsNode({ credentials: credentials(), parameters: { resource: 'chat', operation: 'get', chatId: chat(`+${PHONE}`) } as never });
			expect(details.error).toBeUndefined();
			expect(details.output[0].json).toMatchObject({ chatId: PN_JID, phone: PHONE, lid: LID, name: 'Lid chat', lastMessage: expect.objectContaining({ id: '3EB0EVO24NEW' }) });
			expect(requestsTo('findChats').map((request) => request.body)).toEqual([{ where: { remoteJid: PN_JID } }, {}, { where: { remoteJid: LID } }]);
			gateway.reset();
			const labels = await runChatsNode({ credentials: credentials(), parameters: { resource: 'label', operation: 'getForChat', chatId: chat(PHONE) } as never });
			expect(labels.error).toBeUndefined();
			expect(labels.output[0].json).toMatchObject({ chatId: PN_JID, phone: PHONE, lid: LID, labels: [] });
		} finally {
			// Also what Send Text stored.
			evolution.messages.splice(0, evolution.messages.length, ...before);
		}
	});

	test('2.3.7 shape (records under the phone JID): a LID finds them; no look-up when the id given finds records', async () => {
		const evolution = evolutionStateOf(gateway.state);
		const record = evolutionRecord({ remoteJid: PN_JID, remoteJidAlt: LID, fromMe: false, id: '3EB0EVO237X' }, 1_700_000_400);
		evolution.messages.push(record);
		gateway.state.chats = [...savedChats, { id: `${PHONE}@c.us`, name: 'Phone chat', timestamp: 1_700_000_400, unreadCount: 1 }];
		try {
			const byLid = await runChatsNode({ credentials: credentials(), parameters: { resource: 'chat', operation: 'getMessages', chatId: chat(LID), limit: 5 } as never });
			expect(byLid.output.map((item) => item.json)).toEqual([expect.objectContaining({ id: '3EB0EVO237X', phone: PHONE, lid: LID })]);
			expect(requestsTo('findChats')).toHaveLength(1);

			gateway.reset();
			const got = await runChatsNode({ credentials: credentials(), parameters: { resource: 'message', operation: 'get', chatId: chat(LID), messageId: '3EB0EVO237X' } as never });
			expect(got.output[0].json).toMatchObject({ id: '3EB0EVO237X', phone: PHONE, lid: LID });

			gateway.reset();
			await runChatsNode({ credentials: credentials(), parameters: { resource: 'chat', operation: 'getMessages', chatId: chat(PHONE), limit: 5 } as never });
			expect(requestsTo('findChats')).toHaveLength(0);
		} finally {
			evolution.messages.splice(evolution.messages.indexOf(record), 1);
		}
	});

	test('webhooks in both shapes: chatId as Evolution gives it, phone and lid by the server part; Only These Chats by phone matches both', async () => {
		trigger = await startTrigger({
			credentials: { ...credentials(), webhookSecret: SECRET },
			parameters: { source: 'gateway', events: ['message'], options: { onlyChats: PHONE } },
		});
		const token = jwt.sign({ app: 'evolution' }, SECRET, { algorithm: 'HS256', expiresIn: 600 });
		const upsert = (key: Record<string, unknown>) => ({
			event: 'messages.upsert',
			instance: EVOLUTION_INSTANCE,
			sender: '15550001111@s.whatsapp.net',
			date_time: new Date().toISOString(),
			data: { key, pushName: 'Priya', message: { conversation: 'hi' }, messageType: 'conversation', messageTimestamp: 1_700_000_600 },
		});
		await trigger.post(upsert({ remoteJid: PN_JID, remoteJidAlt: LID, fromMe: false, id: '3EB0HOOK237' }), { Authorization: `Bearer ${token}` });
		await trigger.post(upsert({ remoteJid: LID, remoteJidAlt: PN_JID, fromMe: false, id: '3EB0HOOK240' }), { Authorization: `Bearer ${token}` });
		expect(trigger.executions.map(([item]) => item.json)).toEqual([
			expect.objectContaining({ chatId: PN_JID, phone: PHONE, lid: LID, data: expect.objectContaining({ from: PN_JID, fromPhone: PHONE, fromLid: LID }) }),
			expect.objectContaining({ chatId: LID, phone: PHONE, lid: LID, data: expect.objectContaining({ from: LID, fromPhone: PHONE, fromLid: LID }) }),
		]);
	});
});

test('Sessions API: a LID fails before any request, saying which id and how to find its phone number', async () => {
	const result = await runChatsNode({ credentials: sessionsApiCredentials(gateway), parameters: { resource: 'chat', operation: 'archive', chatId: chat(LID) } as never });
	expect(result.error?.message).toBe(
		`Invalid Chat "${LID}": expected a phone number or a @s.whatsapp.net / @g.us chat id: the Sessions API addresses people by phone number ` +
			'and cannot look up the number behind a LID; use the phone field of the trigger item or of Chat → Get Many, or the contact on the phone',
	);
	expect(gateway.requests).toHaveLength(0);
});
