/**
 * Batches inside n8n's engine: expressions per item, bounded concurrency, input order and
 * pairedItem kept, and "continue on fail" putting each error on its own item.
 */
import { GatewayTestServer } from '../gateway-server/GatewayTestServer';
import { WhatsAppChats } from '../../nodes/WhatsAppChats/WhatsAppChats.node';
import { runNode } from '../helpers/n8nEngine';
import { chat, NODE_TYPE, runChatsNode, wahaCredentials } from '../helpers/whatsAppChatsNode';

let gateway: GatewayTestServer;
beforeAll(async () => (gateway = await GatewayTestServer.start()));
afterAll(async () => await gateway.close());
beforeEach(() => gateway.reset());

const phones = Array.from({ length: 12 }, (_, i) => `+1 555 000 ${String(1000 + i)}`);

test('concurrency is bounded, results keep input order and pairedItem', async () => {
	// Earlier items answer later, so completion order is the reverse of input order. The delays are
	// long enough that the first four overlap even on a loaded machine.
	phones.forEach((_, i) => gateway.respond((r) => r.path.includes(`1555000${1000 + i}`), { status: 201, delayMs: 400 - i * 25, body: { i } }));
	const result = await runChatsNode({
		credentials: wahaCredentials(gateway),
		parameters: { resource: 'chat', operation: 'archive', chatId: chat('={{ $json.phone }}'), options: { concurrency: 4 } } as never,
		input: phones.map((phone) => ({ json: { phone } })),
	});
	expect(result.error).toBeUndefined();
	expect(gateway.maxInFlight).toBe(4);
	expect(result.output.map((item) => item.json.chatId)).toEqual(phones.map((_, i) => `1555000${1000 + i}@c.us`));
	expect(result.output.map((item) => item.pairedItem)).toEqual(phones.map((_, item) => ({ item })));
	expect(result.output.map((item) => (item.json.raw as { i: number }).i)).toEqual(phones.map((_, i) => i));
});

test('continue on fail: bad input and gateway errors land on their items, the rest succeed', async () => {
	gateway.respond((r) => r.path.includes('15550001003'), { status: 400, body: { message: 'chat is gone' } });
	const input = phones.slice(0, 5).map((phone) => ({ json: { phone } }));
	input[1] = { json: { phone: 'nonsense' } };
	const result = await runChatsNode({
		credentials: wahaCredentials(gateway),
		parameters: { resource: 'chat', operation: 'archive', chatId: chat('={{ $json.phone }}') } as never,
		input,
		continueOnFail: true,
	});
	expect(result.error).toBeUndefined();
	expect(result.output).toHaveLength(5);
	expect(result.output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
	expect(result.output[0].json).toMatchObject({ success: true, chatId: '15550001000@c.us' });
	expect(String(result.output[1].json.error)).toContain('Invalid Chat "nonsense"');
	expect(result.output[2].json).toMatchObject({ success: true });
	expect(result.output[3].json).toMatchObject({ error: 'WAHA refused the request (HTTP 400): chat is gone', httpCode: '400' });
	expect(result.output[4].json).toMatchObject({ success: true });
	expect(gateway.requests).toHaveLength(4);
});

test('without continue on fail, a gateway error stops new requests and names the item', async () => {
	gateway.respond((r) => r.path.includes('15550001001'), { status: 400, body: { message: 'no' } });
	const result = await runChatsNode({
		credentials: wahaCredentials(gateway),
		parameters: { resource: 'chat', operation: 'archive', chatId: chat('={{ $json.phone }}'), options: { concurrency: 1 } } as never,
		input: phones.map((phone) => ({ json: { phone } })),
	});
	expect(result.error?.message).toBe('WAHA refused the request (HTTP 400): no');
	expect((result.error as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(1);
	expect(gateway.requests).toHaveLength(2);
});

test('unsupported operation with continue on fail: every item says so, nothing sent', async () => {
	const result = await runChatsNode({
		credentials: { ...wahaCredentials(gateway), connection: 'sessionsApi', session: 'e67a00be-ed45-4356-9488-049cabb9895d' },
		parameters: { resource: 'chat', operation: 'getMany', returnAll: true } as never,
		input: [{ json: {} }, { json: {} }],
		continueOnFail: true,
	});
	expect(result.output.map((item) => item.json.error)).toEqual(['Chat: Get Many is not supported by Sessions API', 'Chat: Get Many is not supported by Sessions API']);
	expect(gateway.requests).toHaveLength(0);
});

test('continue using error output: rejected and invalid items go to the error output', async () => {
	gateway.respond((r) => r.path.includes('15550001002'), { status: 404, body: { message: 'chat not found' } });
	const result = await runNode({
		node: { type: NODE_TYPE, name: 'WhatsApp Chats', onError: 'continueErrorOutput', parameters: { resource: 'chat', operation: 'archive', chatId: chat('={{ $json.phone }}') } },
		nodeTypes: { [NODE_TYPE]: new WhatsAppChats() },
		credentials: { whatsAppChatsApi: wahaCredentials(gateway) as never },
		input: [{ json: { phone: phones[0] } }, { json: { phone: 'nonsense' } }, { json: { phone: phones[2] } }],
	});
	const [success, errors] = result.outputsOf('WhatsApp Chats');
	expect(success.map((item) => item.json.chatId)).toEqual(['15550001000@c.us']);
	expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
	expect(String(errors[0].json.error)).toContain('Invalid Chat "nonsense"');
	expect(errors[1].json.error).toBe('WAHA found nothing at POST /api/default/chats/15550001002@c.us/archive (HTTP 404): chat not found');
});
