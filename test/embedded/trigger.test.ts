/**
 * The WhatsApp Chats Trigger on the embedded connection, run through n8n-core's TriggerContext:
 * changes injected at the fake WhatsApp server (inbound message, phone-side archive and pin, a
 * contact's edit, revoke and reaction) start one execution each with the documented item shape,
 * filters apply, and closing the trigger releases the shared connection.
 */
import { configureEmbedded } from '../../nodes/backends/embedded/settings';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';
import { eventually, injectStored, startWorld, type EmbeddedWorld } from './world';

jest.setTimeout(30_000);

let world: EmbeddedWorld;
let trigger: TriggerUnderTest;

beforeAll(async () => {
	world = await startWorld();
	configureEmbedded({ lingerMs: 100 });
	trigger = await startTrigger({
		credentials: world.credentials,
		parameters: { source: 'embedded', options: { ignoreGroups: true } },
	});
	await trigger.startTrigger();
	await eventually(() => trigger.executions.some(([item]) => item.json.event === 'session.status' && (item.json.data as { status?: string }).status === 'open'), 5000, 'open');
});
afterAll(async () => {
	await trigger?.close();
	await world?.close();
});

const contact = (n: number) => `1555400${String(n).padStart(4, '0')}@s.whatsapp.net`;
const itemsOf = (predicate: (json: Record<string, any>) => boolean) => trigger.executions.map(([item]) => item.json).filter(predicate);
const one = async (predicate: (json: Record<string, any>) => boolean, what: string) => {
	await eventually(() => itemsOf(predicate).length > 0, 5000, what);
	await new Promise((resolve) => setTimeout(resolve, 150)); // a duplicate would arrive by now
	const found = itemsOf(predicate);
	expect(found).toHaveLength(1);
	return found[0];
};

test('an inbound message starts one execution with the documented item', async () => {
	const injected = await world.wa.injectMessage({ chat: contact(1), text: 'Where is order #55?' });
	const item = await one((json) => json.event === 'message' && json.messageId === injected.key.id, 'message');
	expect(item).toEqual({
		event: 'message',
		session: 'test',
		chatId: contact(1),
		phone: contact(1).split('@')[0],
		lid: null,
		messageId: injected.key.id,
		fromMe: false,
		timestamp: injected.messageTimestamp,
		data: { text: 'Where is order #55?', from: contact(1), fromPhone: contact(1).split('@')[0], fromLid: null, hasMedia: false },
		raw: expect.anything(),
	});
	expect(trigger.executions.every((items) => items.length === 1)).toBe(true);
});

test('phone-side archive and pin: one execution each', async () => {
	const jid = contact(2);
	const seed = await injectStored(world, { chat: jid, text: 'seed' });
	await world.wa.injectAppStateChange({ archive: true, lastMessages: [{ key: seed.key, messageTimestamp: seed.messageTimestamp }] }, jid);
	expect((await one((json) => json.event === 'chat.archive' && json.chatId === jid, 'archive')).data).toEqual({ archived: true });
	await world.wa.injectAppStateChange({ pin: true }, jid);
	expect((await one((json) => json.event === 'chat.pin' && json.chatId === jid, 'pin')).data).toEqual({ pinned: true });
});

test('a contact edits, revokes and reacts: one execution each', async () => {
	const jid = contact(3);
	const theirs = await injectStored(world, { chat: jid, text: 'typo' });
	await world.wa.injectEdit({ chat: jid, id: theirs.key.id, text: 'fixed' });
	expect((await one((json) => json.event === 'message.edited' && json.messageId === theirs.key.id, 'edit')).data).toMatchObject({ text: 'fixed' });
	await world.wa.injectReaction({ chat: jid, id: theirs.key.id, text: '🔥' });
	expect((await one((json) => json.event === 'message.reaction' && json.messageId === theirs.key.id, 'reaction')).data).toMatchObject({ emoji: '🔥', removed: false });
	await world.wa.injectRevoke({ chat: jid, id: theirs.key.id });
	await one((json) => json.event === 'message.revoked' && json.messageId === theirs.key.id, 'revoke');
});

test('own messages and groups are filtered out as the options say', async () => {
	const before = trigger.executions.length;
	await world.wa.injectMessage({ chat: contact(4), text: 'sent from my phone', fromMe: true });
	await world.wa.addGroup({ id: '120363000777@g.us', subject: 'Team', participants: [contact(5)] });
	await world.wa.injectMessage({ chat: '120363000777@g.us', from: contact(5), text: 'group chatter' });
	const last = await world.wa.injectMessage({ chat: contact(6), text: 'marker' });
	await one((json) => json.messageId === last.key.id, 'marker');
	expect(trigger.executions.slice(before).map(([item]) => item.json.messageId)).toEqual([last.key.id]);
});

test('closing the trigger releases the shared connection', async () => {
	expect(world.wa.openConnections).toBe(1);
	await trigger.close();
	await eventually(() => world.wa.openConnections === 0, 5000, 'the connection to close after its linger');
});

test('a manual test run waits past its own connecting/open for a real change', async () => {
	// Runs after the previous test closed the connection, so this run opens it itself.
	const loginsBefore = world.wa.connections;
	const manual = await startTrigger({ credentials: world.credentials, parameters: { source: 'embedded' } });
	try {
		await manual.startTrigger('manual');
		await eventually(() => world.wa.openConnections === 1, 5000, 'the manual run to connect');
		expect(world.wa.connections).toBe(loginsBefore + 1);
		const injected = await world.wa.injectMessage({ chat: contact(7), text: 'test event' });
		await eventually(() => manual.executions.length > 0, 5000, 'the manual run to get an event');
		expect(manual.executions[0][0].json).toMatchObject({ event: 'message', messageId: injected.key.id });
	} finally {
		await manual.close();
	}
});
