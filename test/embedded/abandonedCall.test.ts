/**
 * A call the node gave up on must not block the next one. Baileys cannot cancel an abandoned
 * chatModify: it keeps the app-state lock (and the key-store transaction every send shares) until
 * its own query timeout, 60 s in production. Here WhatsApp loses one app-state answer, the node's
 * call times out with a clear message, and the next chat change and message action on the same
 * session succeed at once, without the abandoned change landing later.
 */
import type { InjectedMessage, ReceivedIq } from '../fake-whatsapp';
import { child, children } from '../fake-whatsapp/nodes';
import { configureEmbedded } from '../../nodes/backends/embedded/settings';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { injectStored, startWorld, withConnection, type EmbeddedWorld } from './world';

jest.setTimeout(60_000);

const contact = (n: number) => `1555600${String(n).padStart(4, '0')}@s.whatsapp.net`;
const NODE_TIMEOUT_MS = 1500;

let world: EmbeddedWorld;
beforeAll(async () => {
	jest.spyOn(console, 'info').mockImplementation(() => undefined); // libsignal's "Closing session" on each new socket
	world = await startWorld();
	// Baileys' own query timeout as in production, far above the node's timeout.
	configureEmbedded({ queryTimeoutMs: 60_000 });
	const status = await node({ resource: 'session', operation: 'status' });
	expect(status.output[0].json).toMatchObject({ state: 'open' });
});
afterAll(async () => await world?.close());

async function node(parameters: Record<string, unknown>) {
	return await runChatsNode({ credentials: world.credentials, parameters: parameters as never });
}

const isAppStateIq = (iq: ReceivedIq) => iq.xmlns === 'w:sync:app:state';
/** The app-state IQ that carries the client's own patch (not the resync that comes first). */
const carriesPatch = (iq: ReceivedIq) => isAppStateIq(iq) && children(child(iq.node, 'sync'), 'collection').some((c) => children(c, 'patch').length > 0);

async function archiveTimesOut(jid: string, withhold: (iq: ReceivedIq) => boolean): Promise<void> {
	world.wa.withholdAnswers(withhold, 1);
	const result = await node({ resource: 'chat', operation: 'archive', chatId: chat(jid), options: { timeout: NODE_TIMEOUT_MS } });
	expect(result.error?.message).toBe(
		`WhatsApp did not complete archive of chat ${jid} within 1.5 s; the connection may be slow or the phone offline. ` +
			'The embedded session "test" reconnects at once so the next call does not wait for this one; the change may or may not have reached WhatsApp: check the chat on the phone before retrying',
	);
	expect(world.wa.iqs.some((iq) => withhold(iq) && !iq.answered)).toBe(true);
}

/** The next calls on the same session (a chat seeded before the timeout): succeed, the first well before Baileys' 60 s query timeout. */
async function nextCallsWork(seed: InjectedMessage): Promise<number> {
	const jid = seed.key.remoteJid;
	const started = Date.now();
	const archived = await node({ resource: 'chat', operation: 'archive', chatId: chat(jid), options: { timeout: 20_000 } });
	const elapsed = Date.now() - started;
	expect(archived.error?.message).toBeUndefined();
	await world.wa.waitFor('mutation', (m) => m.index[0] === 'archive' && m.index[1] === jid);
	const reacted = await node({ resource: 'message', operation: 'react', chatId: chat(jid), messageId: seed.key.id, emoji: '👍', options: { timeout: 20_000 } });
	expect(reacted.error?.message).toBeUndefined();
	const starred = await node({ resource: 'message', operation: 'star', chatId: chat(jid), messageId: seed.key.id, options: { timeout: 20_000 } });
	expect(starred.error?.message).toBeUndefined();
	return elapsed;
}

test('the resync answer is lost: the call times out clearly, the next archive succeeds at once, the abandoned one never lands', async () => {
	const lost = contact(1);
	await injectStored(world, { chat: lost, text: 'to archive' });
	const next = await injectStored(world, { chat: contact(2), text: 'next' });
	const connectionsBefore = world.wa.connections;
	await archiveTimesOut(lost, isAppStateIq);

	const elapsed = await nextCallsWork(next);
	expect(elapsed).toBeLessThan(15_000); // "did not wait for Baileys' 60 s"; the bench measures the real time
	expect(world.wa.connections).toBe(connectionsBefore + 1); // one fresh socket replaced the stuck one
	await new Promise((resolve) => setTimeout(resolve, 500));
	expect(world.wa.mutations.filter((m) => m.index[1] === lost)).toEqual([]);
	await withConnection(world.folder, (connection) => expect(connection.currentState).toBe('open'));
});

test('the answer to the patch itself is lost: the next chat changes on the session still apply', async () => {
	const lost = contact(3);
	await injectStored(world, { chat: lost, text: 'to archive' });
	const next = await injectStored(world, { chat: contact(4), text: 'next' });
	await archiveTimesOut(lost, carriesPatch);
	await nextCallsWork(next);
	// The server kept the unanswered patch; the client's app state follows it (no stale version).
	const unarchived = await node({ resource: 'chat', operation: 'unarchive', chatId: chat(lost), options: { timeout: 20_000 } });
	expect(unarchived.error?.message).toBeUndefined();
	await world.wa.waitFor('mutation', (m) => m.index[0] === 'archive' && m.index[1] === lost && m.value.archiveChatAction?.archived === false);
});
