/**
 * How the shared connection behaves when WhatsApp closes it: 515 reconnects at once, 428 with
 * backoff, 440 stops and names the other process, 401 deletes the keys and asks for pairing; a
 * silent server gives a timeout error instead of a hang; a restart reuses the keys and the store
 * from disk.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { configureEmbedded } from '../../nodes/backends/embedded/settings';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { eventually, injectStored, startWorld, withConnection, type EmbeddedWorld } from './world';

jest.setTimeout(30_000);

let world: EmbeddedWorld;
beforeAll(async () => {
	world = await startWorld();
	// Baileys re-asks an unanswered query after this long (the silent-server test waits for that).
	configureEmbedded({ queryTimeoutMs: 1500 });
	await node({ resource: 'session', operation: 'status' });
});
afterAll(async () => await world?.close());

async function node(parameters: Record<string, unknown>) {
	return await runChatsNode({ credentials: world.credentials, parameters: parameters as never });
}

const stateOf = () => withConnection(world.folder, (connection) => connection.currentState);
const waitForState = (state: string) =>
	withConnection(world.folder, (connection) => eventually(() => connection.currentState === state, 5000, `state ${state}`));

/** A chat with a known message, archived through the node; resolves once the mutation arrived. */
async function archiveWorks(n: number): Promise<void> {
	const jid = `1555200${String(n).padStart(4, '0')}@s.whatsapp.net`;
	await withConnection(world.folder, (connection) => connection.whenOpen(5000));
	await injectStored(world, { chat: jid, text: `message ${n}` });
	const result = await node({ resource: 'chat', operation: 'archive', chatId: chat(jid) });
	expect(result.error?.message).toBeUndefined();
	await world.wa.waitFor('mutation', (m) => m.index[0] === 'archive' && m.index[1] === jid);
}

test('515 restart required: reconnects at once, the next operation works', async () => {
	expect(world.wa.connections).toBe(1);
	await world.wa.kick('restart-required');
	await waitForState('open');
	expect(world.wa.connections).toBe(2);
	await archiveWorks(1);
	expect(world.wa.connections).toBe(2);
});

test('428 connection lost: reconnects after a backoff delay, the next operation works', async () => {
	await world.wa.kick('connection-lost');
	const status = await withConnection(world.folder, (connection) => connection.status());
	expect(status.raw).toMatchObject({ lastDisconnect: { code: 428 } });
	await waitForState('open');
	expect(world.wa.connections).toBe(3);
	await archiveWorks(2);
});

test('restart: keys and store come back from disk; the chats are listed before any new message and sends still decrypt', async () => {
	const jid = '15552000010@s.whatsapp.net';
	const seen = await injectStored(world, { chat: jid, text: 'before restart', pushName: 'Bob' });
	await world.wa.settle();
	await closeAllSessions(); // what a process exit does: socket closed, store and keys flushed, lock released
	await eventually(() => world.wa.openConnections === 0, 2000, 'the socket closed');
	expect(existsSync(path.join(world.folder, 'session.lock'))).toBe(false);

	// Two executions start at the same moment on the cold session: they share one new connection.
	const [listed, chats] = await Promise.all([
		node({ resource: 'chat', operation: 'getMessages', chatId: chat(jid), limit: 5 }),
		node({ resource: 'chat', operation: 'getMany', returnAll: true }),
	]);
	expect(listed.output.map((item) => item.json)).toMatchObject([{ id: seen.key.id, text: 'before restart', fromMe: false }]);
	expect(chats.output.find((item) => item.json.id === jid)?.json).toMatchObject({ name: 'Bob', lastMessageTimestamp: seen.messageTimestamp });

	const before = world.wa.messages.length;
	const react = await node({ resource: 'message', operation: 'react', chatId: chat(jid), messageId: seen.key.id, emoji: '👍' });
	expect(react.error).toBeUndefined();
	const sent = await world.wa.waitFor('message', () => world.wa.messages.length > before);
	expect(sent.decryptErrors).toEqual([]);
	expect(sent.message?.reactionMessage?.key?.id).toBe(seen.key.id);
	expect(world.wa.connections).toBe(4); // one new login with the creds from disk, no pairing
});

test('silent server: the operation fails with a timeout after the node\'s Timeout option instead of hanging', async () => {
	const jid = '15552000020@s.whatsapp.net';
	await injectStored(world, { chat: jid, text: 'hello' });
	await world.wa.settle();
	world.wa.setSilent(true);
	const result = await runChatsNode({
		credentials: world.credentials,
		parameters: { resource: 'chat', operation: 'archive', chatId: chat(jid), options: { timeout: 800 } } as never,
	});
	expect(result.error?.message).toBe(
		`WhatsApp did not complete archive of chat ${jid} within 800 ms; the connection may be slow or the phone offline. ` +
			'The embedded session "test" reconnects at once so the next call does not wait for this one; the change may or may not have reached WhatsApp: check the chat on the phone before retrying',
	);
	expect(result.error?.description).toContain('raise "Timeout" in the node options');
	expect(world.wa.iqs.some((iq) => iq.xmlns === 'w:sync:app:state' && !iq.answered)).toBe(true);
	// The abandoned socket was replaced: once the server answers again the session works, and the
	// abandoned change does not land later behind the user's back (abandonedCall.test.ts).
	world.wa.setSilent(false);
	await waitForState('open');
	await archiveWorks(4);
	expect(world.wa.mutations.filter((m) => m.index[1] === jid)).toEqual([]);
	await world.wa.settle();
});

test('440 connection replaced: no reconnect; operations say another process holds the session', async () => {
	const connectionsBefore = world.wa.connections;
	await world.wa.kick('conflict');
	await waitForState('replaced');
	await new Promise((resolve) => setTimeout(resolve, 500)); // several backoff periods: still no new login
	expect(world.wa.connections).toBe(connectionsBefore);

	const result = await node({ resource: 'chat', operation: 'archive', chatId: chat('15552000001') });
	expect(result.error?.message).toMatch(/^WhatsApp closed the embedded session "test" because another client connected with the same keys \(connection replaced\)\. Another process holds this session/);
	expect(result.error?.message).toContain('use a gateway such as WAHA');
	const status = await node({ resource: 'session', operation: 'status' });
	expect(status.output[0].json).toMatchObject({ state: 'replaced', connected: false });
	expect(world.wa.connections).toBe(connectionsBefore);

	// Once this process lets go of the session (linger over, or restart), the next use connects again.
	await closeAllSessions();
	await archiveWorks(3);
	expect(world.wa.connections).toBe(connectionsBefore + 1);
});

test('401 logged out: the keys are deleted and operations ask to pair again', async () => {
	await world.wa.kick('logged-out');
	await waitForState('loggedOut');
	await eventually(() => !existsSync(path.join(world.folder, 'creds.json')), 5000, 'creds.json deleted');
	const result = await node({ resource: 'chat', operation: 'archive', chatId: chat('15552000001') });
	expect(result.error?.message).toBe(
		'WhatsApp logged out the embedded session "test" (the linked device was removed on the phone or logged out), so its keys were deleted; it is not paired yet with any phone. ' +
			'Pair it again: run the WhatsApp Chats node with Session → Get QR (scan it in WhatsApp → Linked devices) or Session → Request Pairing Code.',
	);
	expect(await stateOf()).toBe('loggedOut');
});
