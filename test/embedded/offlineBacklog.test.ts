/**
 * Offline backlog after a login: Baileys receipts offline messages at once but holds their events
 * in its buffer until WhatsApp's `<ib><offline>` marker. A connection torn down before the marker
 * (the socket dies, or the session closes) must still deliver them, once each, to the store, the
 * event feed and the trigger.
 */
import type { ChatEvent } from '../../nodes/backends/ChatEvent';
import { subscribeEmbeddedEvents } from '../../nodes/backends/embedded/triggerFeed';
import { closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { eventually, startWorld, withConnection, type EmbeddedWorld } from './world';

jest.setTimeout(30_000);

const contact = (n: number) => `1555500${String(n).padStart(4, '0')}@s.whatsapp.net`;

let world: EmbeddedWorld;
beforeEach(async () => {
	world = await startWorld();
	world.wa.holdOfflineMarker(true);
});
afterEach(async () => await world?.close());

const openState = (events: ChatEvent[], from = 0) => events.slice(from).some((e) => e.event === 'session.status' && e.data.status === 'open');
const messageEvents = (events: ChatEvent[], id: string) => events.filter((e) => e.event === 'message' && e.messageId === id);

async function storedIds(jid: string): Promise<string[]> {
	const result = await runChatsNode({ credentials: world.credentials, parameters: { resource: 'chat', operation: 'getMessages', chatId: chat(jid), limit: 50 } as never });
	expect(result.error?.message).toBeUndefined();
	return result.output.map((item) => String(item.json.id));
}

/** Two offline messages, receipted by Baileys, still in its buffer (nothing reached the store or the feed). */
async function receiptedButBuffered(jid: string, events: ChatEvent[]) {
	const now = Math.floor(Date.now() / 1000);
	const first = await world.wa.injectMessage({ chat: jid, text: 'offline one', timestamp: now - 20, attrs: { offline: '1' } });
	const second = await world.wa.injectMessage({ chat: jid, text: 'offline two', timestamp: now - 10, attrs: { offline: '2' } });
	await new Promise((resolve) => setTimeout(resolve, 200));
	await withConnection(world.folder, (connection) => {
		expect(connection.store.findMessage(jid, first.key.id)).toBeUndefined();
		expect(connection.store.findMessage(jid, second.key.id)).toBeUndefined();
	});
	expect(events.filter((e) => e.event === 'message')).toEqual([]);
	return [first.key.id, second.key.id];
}

test('the socket dies between two offline messages and the marker: both arrive once each, in the store, the feed and the trigger', async () => {
	const jid = contact(1);
	const events: ChatEvent[] = [];
	const unsubscribe = await subscribeEmbeddedEvents(world.credentials, (event) => events.push(event));
	const trigger: TriggerUnderTest = await startTrigger({ credentials: world.credentials, parameters: { source: 'embedded', options: {} } });
	try {
		await trigger.startTrigger();
		await eventually(() => openState(events), 5000, 'session open');
		const ids = await receiptedButBuffered(jid, events);

		const from = events.length;
		world.wa.holdOfflineMarker(false); // the next login gets its marker
		await world.wa.kick('connection-lost', { immediate: true });
		await eventually(() => openState(events, from), 5000, 'reconnected');
		expect(world.wa.connections).toBe(2);

		for (const id of ids) await eventually(() => messageEvents(events, id).length > 0, 5000, `message ${id} on the feed`);
		await new Promise((resolve) => setTimeout(resolve, 300)); // a duplicate would arrive by now
		for (const id of ids) expect(messageEvents(events, id)).toHaveLength(1);
		expect(messageEvents(events, ids[0])[0]).toMatchObject({ chatId: jid, fromMe: false, data: { text: 'offline one' } });

		const triggered = trigger.executions.map(([item]) => item.json).filter((json) => json.event === 'message');
		expect(triggered.map((json) => json.messageId).sort()).toEqual([...ids].sort());
		expect(await storedIds(jid)).toEqual([ids[1], ids[0]]);
	} finally {
		await trigger.close();
		await unsubscribe();
	}
});

test('the session closes before the marker: the buffered messages are in the store it wrote', async () => {
	const jid = contact(2);
	const events: ChatEvent[] = [];
	const unsubscribe = await subscribeEmbeddedEvents(world.credentials, (event) => events.push(event));
	await eventually(() => openState(events), 5000, 'session open');
	const ids = await receiptedButBuffered(jid, events);

	await world.wa.settle();
	await closeAllSessions();
	await unsubscribe();
	for (const id of ids) expect(messageEvents(events, id)).toHaveLength(1);

	// A new process-level session reads the store from disk (the server still holds the marker back).
	await withConnection(world.folder, async (connection) => {
		await connection.whenOpen(5000);
		expect(connection.store.listMessages(jid, { limit: 50, offset: 0 }).map((m) => m.key.id)).toEqual([ids[1], ids[0]]);
	});
});
