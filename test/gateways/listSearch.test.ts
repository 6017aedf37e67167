/** The Chat field's "From List" mode: chats from the gateway, filtered, paged; a clear error where there is no list. */
import type { ILoadOptionsFunctions } from 'n8n-workflow';
import { searchChats } from '../../nodes/WhatsAppChats/methods/listSearch';
import { GatewayTestServer } from '../gateway-server/GatewayTestServer';
import { sessionsApiCredentials, wahaCredentials } from '../helpers/whatsAppChatsNode';

let gateway: GatewayTestServer;
beforeAll(async () => (gateway = await GatewayTestServer.start()));
afterAll(async () => await gateway.close());
beforeEach(() => gateway.reset());

const context = (credentials: Record<string, unknown>) => ({ getCredentials: async () => credentials }) as unknown as ILoadOptionsFunctions;

test('first page, then the next page by token', async () => {
	const first = await searchChats.call(context(wahaCredentials(gateway)));
	expect(first.results).toHaveLength(100);
	expect(first.results[0]).toEqual({ name: 'Contact 0 (919988000000@c.us)', value: '919988000000@c.us' });
	expect(first.paginationToken).toBe('100');
	const third = await searchChats.call(context(wahaCredentials(gateway)), undefined, '200');
	expect(third.results).toHaveLength(50);
	expect(third.paginationToken).toBeUndefined();
	expect(gateway.requests.map((r) => r.query)).toEqual([
		{ limit: '100', offset: '0' },
		{ limit: '100', offset: '200' },
	]);
});

test('the filter matches names and ids', async () => {
	const byName = await searchChats.call(context(wahaCredentials(gateway)), 'contact 42');
	expect(byName.results.map((r) => r.value)).toEqual(['919988000042@c.us']);
	const byId = await searchChats.call(context(wahaCredentials(gateway)), '@g.us');
	expect(byId.results.every((r) => String(r.value).endsWith('@g.us'))).toBe(true);
	expect(byId.results).toHaveLength(10);
});

test('a gateway without a chat list says to type the chat instead', async () => {
	await expect(searchChats.call(context(sessionsApiCredentials(gateway)))).rejects.toThrow(
		'Sessions API offers no chat list: switch the Chat field to "By ID" and enter a phone number or chat ID',
	);
	expect(gateway.requests).toHaveLength(0);
});

test('one row per chat: a chat listed by its LID and by its phone number is one entry, found by either', async () => {
	const saved = gateway.state.chats;
	gateway.state.chats = [
		{ id: '184069530861739@lid', name: null, timestamp: 1_700_000_300 },
		{ id: '919988011122@c.us', name: 'Priya', timestamp: 1_700_000_100 },
	];
	gateway.state.wahaLids = new Map([['184069530861739@lid', '919988011122']]);
	try {
		const all = await searchChats.call(context(wahaCredentials(gateway)));
		expect(all.results).toEqual([{ name: 'Priya (184069530861739@lid)', value: '184069530861739@lid' }]);
		const byPhone = await searchChats.call(context(wahaCredentials(gateway)), '+91 99880 11122');
		expect(byPhone.results.map((r) => r.value)).toEqual(['184069530861739@lid']);
	} finally {
		gateway.state.chats = saved;
		gateway.state.wahaLids = new Map();
	}
});
