/**
 * The Label resource over the gateways, run in n8n's engine against the loopback WAHA and
 * Evolution API: the requests on the wire, WAHA's read-modify-write of a chat's whole label list
 * (a second label added at the same time is kept), labels found by id or name before any change,
 * Chat → Get Many's labels, the Label field's list search, and the Sessions API's refusals.
 */
import type { IDataObject, ILoadOptionsFunctions } from 'n8n-workflow';
import { searchLabels } from '../../nodes/WhatsAppChats/methods/listSearch';
import { EVOLUTION_INSTANCE } from '../gateway-server/evolutionRoutes';
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { resetLabels, type LabelState } from '../gateway-server/labelState';
import { chat, evolutionCredentials, runChatsNode, sessionsApiCredentials, wahaCredentials } from '../helpers/whatsAppChatsNode';

const PHONE = '+91 99880-66776';
const WAHA_CHAT = '919988066776@c.us';
const WAHA_LABELS_PATH = '/api/default/labels/chats/919988066776%40c.us/';
const JID = '919988066776@s.whatsapp.net';

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const byName = (value: string) => ({ __rl: true, mode: 'name', value });
const fromList = (value: string) => ({ __rl: true, mode: 'list', value });

let gateway: GatewayTestServer;
let labels: LabelState;
beforeAll(async () => (gateway = await GatewayTestServer.start()));
afterAll(async () => await gateway.close());
beforeEach(() => {
	gateway.reset();
	gateway.latencyMs = 0;
	labels = resetLabels(gateway.state);
});

async function run(credentials: IDataObject, parameters: Record<string, unknown>, input?: IDataObject[], options: { continueOnFail?: boolean } = {}) {
	return await runChatsNode({
		credentials,
		parameters: { resource: 'label', ...parameters } as never,
		input: input?.map((json) => ({ json })),
		continueOnFail: options.continueOnFail,
	});
}

const requestLine = (request: { method: string; path: string }) => `${request.method} ${request.path}`;

describe('WAHA labels', () => {
	test('Get Many reads GET /api/{session}/labels: id, name, colour index and name, hex, raw', async () => {
		const result = await run(wahaCredentials(gateway), { operation: 'getMany' });
		expect(result.error).toBeUndefined();
		expect(gateway.requests.map(requestLine)).toEqual(['GET /api/default/labels']);
		expect(gateway.requests[0].headers['x-api-key']).toBe(TEST_API_KEY);
		expect(result.output.map((item) => item.json)).toHaveLength(5);
		expect(result.output[0].json).toEqual({
			id: '1',
			name: 'New customer',
			color: 1,
			colorName: 'Color 2',
			colorHex: '#64c4ff',
			raw: { id: '1', name: 'New customer', color: 1, colorHex: '#64c4ff' },
		});
	});

	test("Get Chat's Labels reads GET /api/{session}/labels/chats/{chatId}/", async () => {
		labels.chatLabels.set(WAHA_CHAT, ['2', '4']);
		const result = await run(wahaCredentials(gateway), { operation: 'getForChat', chatId: chat(PHONE) });
		expect(result.error).toBeUndefined();
		expect(gateway.requests.map(requestLine)).toEqual([`GET ${WAHA_LABELS_PATH}`]);
		expect(result.output[0].json).toMatchObject({
			success: true,
			chatId: WAHA_CHAT,
			labels: [
				{ id: '2', name: 'New order' },
				{ id: '4', name: 'Paid' },
			],
		});
	});

	test('Add to Chat reads the chat labels and writes the whole list back with the new one: the others stay', async () => {
		labels.chatLabels.set(WAHA_CHAT, ['2']);
		const result = await run(wahaCredentials(gateway), { operation: 'addToChat', chatId: chat(PHONE), label: byName('paid') });
		expect(result.error).toBeUndefined();
		expect(gateway.requests.map(requestLine)).toEqual(['GET /api/default/labels', `GET ${WAHA_LABELS_PATH}`, `PUT ${WAHA_LABELS_PATH}`]);
		expect(gateway.requests[2].body).toEqual({ labels: [{ id: '2' }, { id: '4' }] });
		expect(labels.chatLabels.get(WAHA_CHAT)).toEqual(['2', '4']);
		expect(result.output[0].json).toMatchObject({ success: true, chatId: WAHA_CHAT, labelId: '4', labelName: 'Paid', added: true, changed: true });
		expect(result.output[0].json).not.toHaveProperty('note');
	});

	test('two items adding different labels to one chat at the same time both end up on it (writes serialized per chat)', async () => {
		// Latency keeps both items in flight together: unserialized, both would read [] and the second write would drop the first label.
		gateway.latencyMs = 30;
		const result = await run(
			wahaCredentials(gateway),
			{ operation: 'addToChat', chatId: chat('={{ $json.chat }}'), label: byId('={{ $json.label }}') },
			[
				{ chat: PHONE, label: '1' },
				{ chat: PHONE, label: '3' },
			],
		);
		expect(result.error).toBeUndefined();
		expect(labels.chatLabels.get(WAHA_CHAT)).toEqual(['1', '3']);
		const chatRequests = gateway.requests.filter((request) => request.path === WAHA_LABELS_PATH).map((request) => request.method);
		expect(chatRequests).toEqual(['GET', 'PUT', 'GET', 'PUT']);
		expect(gateway.requestsTo('PUT', WAHA_LABELS_PATH).map((request) => request.body)).toEqual([{ labels: [{ id: '1' }] }, { labels: [{ id: '1' }, { id: '3' }] }]);
		// One labels read for the whole execution.
		expect(gateway.requestsTo('GET', '/api/default/labels').filter((request) => request.path === '/api/default/labels')).toHaveLength(1);
		expect(result.output.map((item) => item.json.labelName)).toEqual(['New customer', 'Pending payment']);
	});

	test('adding a label already on the chat, or removing one that is not, succeeds with a note and writes nothing', async () => {
		labels.chatLabels.set(WAHA_CHAT, ['1']);
		const added = await run(wahaCredentials(gateway), { operation: 'addToChat', chatId: chat(PHONE), label: fromList('1') });
		expect(added.error).toBeUndefined();
		expect(added.output[0].json).toMatchObject({ success: true, added: true, changed: false, note: 'Label "New customer" was already on the chat; nothing was changed' });
		const removed = await run(wahaCredentials(gateway), { operation: 'removeFromChat', chatId: chat(PHONE), label: fromList('5') });
		expect(removed.output[0].json).toMatchObject({ success: true, added: false, changed: false, note: 'Label "Order complete" was not on the chat; nothing was changed' });
		expect(gateway.requestsTo('PUT', '/')).toHaveLength(0);
	});

	test('Remove from Chat writes the list without that label', async () => {
		labels.chatLabels.set(WAHA_CHAT, ['1', '2', '3']);
		const result = await run(wahaCredentials(gateway), { operation: 'removeFromChat', chatId: chat(PHONE), label: byId('2') });
		expect(result.error).toBeUndefined();
		expect(gateway.requestsTo('PUT', WAHA_LABELS_PATH)[0].body).toEqual({ labels: [{ id: '1' }, { id: '3' }] });
		expect(labels.chatLabels.get(WAHA_CHAT)).toEqual(['1', '3']);
		expect(result.output[0].json).toMatchObject({ labelId: '2', labelName: 'New order', added: false, changed: true });
	});

	test('an unknown label fails before any change, naming it and the labels there are', async () => {
		const result = await run(wahaCredentials(gateway), { operation: 'addToChat', chatId: chat(PHONE), label: byName('VIP') });
		expect(result.error?.message).toBe(
			'WAHA knows no label with name "VIP": the labels are "New customer" (ID 1), "New order" (ID 2), "Pending payment" (ID 3), "Paid" (ID 4), "Order complete" (ID 5); pick one from the list',
		);
		expect(gateway.requests.map(requestLine)).toEqual(['GET /api/default/labels']);
		const unknownId = await run(wahaCredentials(gateway), { operation: 'removeFromChat', chatId: chat(PHONE), label: byId('77') });
		expect(unknownId.error?.message).toMatch(/^WAHA knows no label with ID "77": the labels are /);
		expect(gateway.requestsTo('PUT', '/')).toHaveLength(0);
	});

	test('an empty Label is refused before anything is sent, naming the field', async () => {
		const result = await run(wahaCredentials(gateway), { operation: 'addToChat', chatId: chat(PHONE), label: byId('  ') });
		expect(result.error?.message).toBe('Invalid Label "  ": expected a label picked from the list, its ID (e.g. 3) or its name (e.g. New customer)');
		expect(gateway.requests).toHaveLength(0);
	});

	test('Chat → Get Many names the label ids a chat row carries (one labels read), null where the row has none', async () => {
		const [first, second] = gateway.state.chats;
		first.labels = ['1', '4'];
		try {
			const result = await runChatsNode({ credentials: wahaCredentials(gateway), parameters: { resource: 'chat', operation: 'getMany', limit: 2 } as never });
			expect(result.error).toBeUndefined();
			expect(result.output[0].json.labels).toEqual([
				{ id: '1', name: 'New customer' },
				{ id: '4', name: 'Paid' },
			]);
			expect(result.output[1].json.id).toBe(second.id);
			expect(result.output[1].json.labels).toBeNull();
			expect(gateway.requests.map(requestLine)).toEqual(['GET /api/default/chats', 'GET /api/default/labels']);
		} finally {
			delete first.labels;
		}
	});
});

describe('Evolution API labels', () => {
	const BASE = (group: string, action: string) => `/${group}/${action}/${EVOLUTION_INSTANCE}`;

	test('Get Many reads GET /label/findLabels/{instance}', async () => {
		const result = await run(evolutionCredentials(gateway), { operation: 'getMany' });
		expect(result.error).toBeUndefined();
		expect(gateway.requests.map(requestLine)).toEqual([`GET ${BASE('label', 'findLabels')}`]);
		expect(gateway.requests[0].headers.apikey).toBe(TEST_API_KEY);
		expect(result.output[2].json).toEqual({
			id: '3',
			name: 'Pending payment',
			color: 0,
			colorName: 'Color 1',
			colorHex: null,
			raw: { color: 0, name: 'Pending payment', id: '3', predefinedId: null },
		});
	});

	test('Add to Chat and Remove from Chat send POST /label/handleLabel/{instance} { number, labelId, action }', async () => {
		const added = await run(evolutionCredentials(gateway), { operation: 'addToChat', chatId: chat(PHONE), label: byName('New order') });
		expect(added.error).toBeUndefined();
		expect(gateway.requests.map(requestLine)).toEqual([`GET ${BASE('label', 'findLabels')}`, `POST ${BASE('label', 'handleLabel')}`]);
		expect(gateway.requests[1].body).toEqual({ number: JID, labelId: '2', action: 'add' });
		expect(added.output[0].json).toMatchObject({ success: true, chatId: JID, labelId: '2', labelName: 'New order', added: true, raw: { numberJid: JID, labelId: '2', add: true } });
		gateway.reset();
		const removed = await run(evolutionCredentials(gateway), { operation: 'removeFromChat', chatId: chat(PHONE), label: byId('2') });
		expect(removed.error).toBeUndefined();
		expect(gateway.requests[1].body).toEqual({ number: JID, labelId: '2', action: 'remove' });
		expect(labels.chatLabels.get(JID)).toEqual([]);
	});

	// A chat Evolution has a row for (the loopback Evolution's chats are 919988000000…).
	const STORED = '919988000001@s.whatsapp.net';

	test("Get Chat's Labels reads the chat's row (findChats) and names its label ids from findLabels", async () => {
		labels.chatLabels.set(STORED, ['5']);
		const result = await run(evolutionCredentials(gateway), { operation: 'getForChat', chatId: chat(STORED) });
		expect(result.error).toBeUndefined();
		expect(gateway.requests.map(requestLine)).toEqual([`POST ${BASE('chat', 'findChats')}`, `GET ${BASE('label', 'findLabels')}`]);
		expect(gateway.requests[0].body).toEqual({ where: { remoteJid: STORED } });
		expect(result.output[0].json).toMatchObject({ success: true, chatId: STORED, labels: [{ id: '5', name: 'Order complete' }] });
		expect(result.output[0].json).not.toHaveProperty('note');
	});

	test("Get Chat's Labels of a chat Evolution has no row for fails, saying why", async () => {
		const result = await run(evolutionCredentials(gateway), { operation: 'getForChat', chatId: chat(PHONE) });
		expect(result.error?.message).toBe(
			`Evolution API has no chat ${JID} in its store, so it cannot say its labels; check the number, or send or receive a message in the chat first`,
		);
	});

	test("Get Chat's Labels says plainly when Evolution's row keeps no labels", async () => {
		const result = await run(evolutionCredentials(gateway), { operation: 'getForChat', chatId: chat(STORED) });
		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toMatchObject({ success: true, labels: [] });
		expect(result.output[0].json.note).toMatch(/^Evolution API keeps no labels on this chat row: it records labels only from the associations WhatsApp reports/);
	});

	test('Chat → Get Many gives the labels of the rows that have them', async () => {
		labels.chatLabels.set(STORED, ['1']);
		const result = await runChatsNode({ credentials: evolutionCredentials(gateway), parameters: { resource: 'chat', operation: 'getMany', returnAll: true } as never });
		expect(result.error).toBeUndefined();
		const row = result.output.find((item) => item.json.id === STORED);
		expect(row?.json.labels).toEqual([{ id: '1', name: 'New customer' }]);
		expect(result.output.find((item) => item.json.id !== STORED)?.json.labels).toBeNull();
	});
});

describe('Sessions API', () => {
	test.each(['getMany', 'getForChat', 'addToChat', 'removeFromChat'])('%s is refused before any request, with a hint', async (operation) => {
		const result = await run(sessionsApiCredentials(gateway), { operation, chatId: chat(PHONE), label: byId('1') });
		expect(result.error?.message).toMatch(
			/^Label: (Get Many|Get Chat's Labels|Add to Chat|Remove from Chat) is not supported by Sessions API: the Sessions API gateway documents no label endpoints; manage labels in the WhatsApp Business app, or use WAHA, Evolution API or the embedded connection$/,
		);
		expect(gateway.requests).toHaveLength(0);
	});
});

describe("the Label field's list search", () => {
	const context = (credentials: IDataObject) => ({ getCredentials: async () => credentials }) as unknown as ILoadOptionsFunctions;

	test('lists the labels with their colour, filtered by name or id', async () => {
		const all = await searchLabels.call(context(wahaCredentials(gateway)));
		expect(all.results).toHaveLength(5);
		expect(all.results[0]).toEqual({ name: 'New customer (Color 2)', value: '1' });
		const filtered = await searchLabels.call(context(evolutionCredentials(gateway)), 'ORDER');
		expect(filtered.results.map((result) => result.value)).toEqual(['2', '5']);
	});

	test('a gateway without labels says so, sending nothing', async () => {
		await expect(searchLabels.call(context(sessionsApiCredentials(gateway)))).rejects.toThrow(/^Label: Get Many is not supported by Sessions API: /);
		expect(gateway.requests).toHaveLength(0);
	});
});
