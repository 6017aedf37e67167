/**
 * Every Chat and Message operation of the node over the embedded connection, run in n8n's engine
 * against the fake WhatsApp server: the decoded app-state mutation or the decrypted protocol
 * message that reached the server, and the node's output. All on one warm connection.
 */
import { loadBaileys } from '../../nodes/backends/embedded/loadBaileys';
import type { InjectedMessage } from '../fake-whatsapp';
import { WhatsAppChats } from '../../nodes/WhatsAppChats/WhatsAppChats.node';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { injectStored, startWorld, type EmbeddedWorld } from './world';

jest.setTimeout(30_000);

const contact = (n: number) => `1555100${String(n).padStart(4, '0')}@s.whatsapp.net`;

let world: EmbeddedWorld;

beforeAll(async () => {
	world = await startWorld();
	// The first execution connects; the session then stays warm for the rest of the file.
	const status = await node({ resource: 'session', operation: 'status' });
	expect(status.output[0].json).toMatchObject({ state: 'open', connected: true, me: '15550001111@s.whatsapp.net', appStateKeysReady: true });
});

afterAll(async () => await world?.close());

async function node(parameters: Record<string, unknown>, input?: Array<{ json: Record<string, unknown> }>) {
	return await runChatsNode({ credentials: world.credentials, parameters: parameters as never, input: input as never });
}

async function succeed(parameters: Record<string, unknown>) {
	const result = await node(parameters);
	expect(result.error?.message).toBeUndefined();
	expect(result.output).toHaveLength(1);
	return result.output[0].json;
}

describe('chat operations send the app-state mutation with the chat\'s last message', () => {
	test.each([
		['archive', 1, 'archive', 'regular_low', (v: any) => expect(v.archiveChatAction.archived).toBe(true), { archived: true }],
		['unarchive', 2, 'archive', 'regular_low', (v: any) => expect(v.archiveChatAction.archived).toBe(false), { archived: false }],
		['markUnread', 3, 'markChatAsRead', 'regular_low', (v: any) => expect(v.markChatAsReadAction.read).toBe(false), { unread: true }],
		['delete', 4, 'deleteChat', 'regular_high', (v: any) => expect(v.deleteChatAction).toBeDefined(), { deleted: true }],
		['clearMessages', 5, 'clearChat', 'regular_high', (v: any) => expect(v.clearChatAction).toBeDefined(), { cleared: true }],
	])('%s', async (operation, n, indexName, collection, checkValue, fields) => {
		const jid = contact(n);
		await injectStored(world, { chat: jid, text: 'older' });
		const last = await injectStored(world, { chat: jid, text: 'newest', timestamp: Math.floor(Date.now() / 1000) + 5 });

		const json = await succeed({ resource: 'chat', operation, chatId: chat(`+${jid.split('@')[0]}`) });

		const mutation = await world.wa.waitFor('mutation', (m) => m.index[0] === indexName && m.index[1] === jid);
		expect(mutation).toMatchObject({ collection, operation: 'set' });
		checkValue(mutation.value);
		const range = (Object.values(mutation.value).find((v: any) => v?.messageRange) as any)?.messageRange;
		expect(range.messages).toHaveLength(1);
		expect(range.messages[0].key).toMatchObject({ id: last.key.id, remoteJid: jid, fromMe: false });
		expect(Number(range.lastMessageTimestamp)).toBe(last.messageTimestamp);
		expect(world.wa.mutations.filter((m) => m.index[1] === jid)).toHaveLength(1);

		expect(json).toMatchObject({ success: true, chatId: jid, ...fields });
		expect(json.raw).toMatchObject({ chatId: jid, lastMessageId: last.key.id, lastMessageTimestamp: last.messageTimestamp });
	});

	test('after Clear Messages the chat has no stored messages but can still be archived', async () => {
		const jid = contact(5);
		const messages = await node({ resource: 'chat', operation: 'getMessages', chatId: chat(jid), limit: 10 });
		expect(messages.output).toEqual([]);
		await succeed({ resource: 'chat', operation: 'archive', chatId: chat(jid) });
		const mutation = await world.wa.waitFor('mutation', (m) => m.index[0] === 'archive' && m.index[1] === jid);
		expect(mutation.value.archiveChatAction?.messageRange?.messages).toHaveLength(1);
	});

	test('after Delete the chat is gone from Get Many', async () => {
		const chats = await node({ resource: 'chat', operation: 'getMany', returnAll: true });
		expect(chats.output.map((item) => item.json.id)).not.toContain(contact(4));
	});

	test('a chat without any known message fails clearly and sends nothing', async () => {
		const jid = contact(99);
		const result = await node({ resource: 'chat', operation: 'archive', chatId: chat(jid) });
		expect(result.error?.message).toBe(
			`Cannot archive chat ${jid}: the embedded session "test" has seen no message in it yet. WhatsApp needs the chat's last message for this ` +
				'(the phone ignores the change without it); it is learned when a message arrives or is sent while n8n is connected, or from the history the phone shares after pairing.',
		);
		expect(world.wa.mutations.some((m) => m.index[1] === jid)).toBe(false);
	});

	test('several items in one execution: one mutation each, outputs paired with their items', async () => {
		const jids = [contact(11), contact(12), contact(13)];
		for (const jid of jids) await injectStored(world, { chat: jid, text: `hi ${jid}` });
		const result = await node(
			{ resource: 'chat', operation: 'archive', chatId: chat('={{ $json.chat }}') },
			jids.map((jid) => ({ json: { chat: jid } })),
		);
		expect(result.error).toBeUndefined();
		expect(result.output.map((item) => [item.json.chatId, item.pairedItem])).toEqual(jids.map((jid, item) => [jid, { item }]));
		for (const jid of jids) await world.wa.waitFor('mutation', (m) => m.index[0] === 'archive' && m.index[1] === jid);
	});
});

describe('listing from the local store', () => {
	const jid = contact(20);
	let first: InjectedMessage;
	let second: InjectedMessage;

	beforeAll(async () => {
		const t = Math.floor(Date.now() / 1000) + 60;
		first = await injectStored(world, { chat: jid, text: 'first', pushName: 'Alice', timestamp: t });
		second = await injectStored(world, { chat: jid, fromMe: true, text: 'second', timestamp: t + 1 });
	});

	test('Get Many: newest chat first, with name, flags and last message time', async () => {
		const result = await node({ resource: 'chat', operation: 'getMany', limit: 2 });
		expect(result.output).toHaveLength(2);
		expect(result.output[0].json).toMatchObject({
			id: jid,
			name: 'Alice',
			isGroup: false,
			lastMessageTimestamp: second.messageTimestamp,
		});
		const archived = await node({ resource: 'chat', operation: 'getMany', returnAll: true });
		expect(archived.output.find((item) => item.json.id === contact(1))?.json).toMatchObject({ archived: true });
		expect(archived.output.find((item) => item.json.id === contact(3))?.json.raw).toMatchObject({ markedUnread: true });
	});

	test('Get Many honours offset', async () => {
		const all = await node({ resource: 'chat', operation: 'getMany', returnAll: true });
		const page = await node({ resource: 'chat', operation: 'getMany', limit: 2, offset: 1 });
		expect(page.output.map((item) => item.json.id)).toEqual(all.output.slice(1, 3).map((item) => item.json.id));
	});

	test('Get Messages: newest first, with sender, text and direction', async () => {
		const result = await node({ resource: 'chat', operation: 'getMessages', chatId: chat(jid), limit: 10 });
		expect(result.output.map((item) => item.json)).toMatchObject([
			{ id: second.key.id, chatId: jid, fromMe: true, from: null, text: 'second', timestamp: second.messageTimestamp, hasMedia: false },
			{ id: first.key.id, chatId: jid, fromMe: false, from: jid, text: 'first', timestamp: first.messageTimestamp, hasMedia: false },
		]);
		const limited = await node({ resource: 'chat', operation: 'getMessages', chatId: chat(jid), limit: 1, offset: 1 });
		expect(limited.output.map((item) => item.json.id)).toEqual([first.key.id]);
	});
});

describe('message operations send the protocol message for the full key', () => {
	const jid = contact(30);
	let theirs: InjectedMessage;
	let mine: InjectedMessage;

	beforeAll(async () => {
		theirs = await injectStored(world, { chat: jid, text: 'from them' });
		mine = await injectStored(world, { chat: jid, fromMe: true, text: 'from me (sent on the phone)' });
	});

	const sentAfter = (count: number) => world.wa.waitFor('message', (_m) => world.wa.messages.length > count);
	const lastSent = async (count: number) => {
		await sentAfter(count);
		return world.wa.messages[world.wa.messages.length - 1];
	};

	test('edit own message: MESSAGE_EDIT with the new text (stanza edit="1"), store updated', async () => {
		const B = await loadBaileys();
		const before = world.wa.messages.length;
		const json = await succeed({ resource: 'message', operation: 'edit', chatId: chat(jid), messageId: mine.key.id, text: 'fixed text' });
		const sent = await lastSent(before);
		expect(sent.edit).toBe('1');
		expect(sent.to).toBe(jid);
		expect(sent.decryptErrors).toEqual([]);
		const pm = sent.message?.protocolMessage;
		expect(pm?.type).toBe(B.proto.Message.ProtocolMessage.Type.MESSAGE_EDIT);
		expect(pm?.key).toMatchObject({ id: mine.key.id, fromMe: true, remoteJid: jid });
		expect(pm?.editedMessage?.conversation ?? pm?.editedMessage?.extendedTextMessage?.text).toBe('fixed text');
		expect(json).toMatchObject({ success: true, chatId: jid, messageId: mine.key.id, edited: true, text: 'fixed text' });
		const listed = await node({ resource: 'chat', operation: 'getMessages', chatId: chat(jid), limit: 10 });
		expect(listed.output.find((item) => item.json.id === mine.key.id)?.json.text).toBe('fixed text');
	});

	test('edit of a received message is refused before anything is sent', async () => {
		const before = world.wa.messages.length;
		const result = await node({ resource: 'message', operation: 'edit', chatId: chat(jid), messageId: theirs.key.id, text: 'nope' });
		expect(result.error?.message).toBe(`Message "${theirs.key.id}" in chat ${jid} was not sent by this account: WhatsApp only lets you edit your own messages`);
		expect(world.wa.messages).toHaveLength(before);
	});

	test.each([
		[86400, '24 hours'],
		[604800, '7 days'],
	])('pin for %i s: pinInChatMessage type 1 (stanza edit="2")', async (duration) => {
		const before = world.wa.messages.length;
		const json = await succeed({ resource: 'message', operation: 'pin', chatId: chat(jid), messageId: theirs.key.id, duration });
		const sent = await lastSent(before);
		expect(sent.edit).toBe('2');
		expect(sent.message?.pinInChatMessage).toMatchObject({ type: 1, key: { id: theirs.key.id, fromMe: false, remoteJid: jid } });
		expect(sent.message?.messageContextInfo?.messageAddOnDurationInSecs).toBe(duration);
		expect(json).toMatchObject({ success: true, messageId: theirs.key.id, pinned: true, durationSeconds: duration });
	});

	test('unpin: pinInChatMessage type 2', async () => {
		const before = world.wa.messages.length;
		const json = await succeed({ resource: 'message', operation: 'unpin', chatId: chat(jid), messageId: theirs.key.id });
		const sent = await lastSent(before);
		expect(sent.edit).toBe('2');
		expect(sent.message?.pinInChatMessage).toMatchObject({ type: 2, key: { id: theirs.key.id } });
		expect(json).toMatchObject({ success: true, pinned: false });
	});

	test('star / unstar: star mutation for the message (regular_low), starred true then false', async () => {
		const json = await succeed({ resource: 'message', operation: 'star', chatId: chat(jid), messageId: theirs.key.id });
		const star = await world.wa.waitFor('mutation', (m) => m.index[0] === 'star' && m.index[2] === theirs.key.id && m.value.starAction?.starred === true);
		expect(star.index).toEqual(['star', jid, theirs.key.id, '0', '0']);
		expect(star.collection).toBe('regular_low');
		expect(json).toMatchObject({ success: true, messageId: theirs.key.id, starred: true });

		const unstar = await succeed({ resource: 'message', operation: 'unstar', chatId: chat(jid), messageId: theirs.key.id });
		const off = await world.wa.waitFor('mutation', (m) => m.index[0] === 'star' && m.index[2] === theirs.key.id && m.value.starAction?.starred === false);
		expect(off.index).toEqual(['star', jid, theirs.key.id, '0', '0']);
		expect(unstar).toMatchObject({ starred: false });
	});

	test('react, then remove the reaction: reactionMessage with the emoji, then empty', async () => {
		let before = world.wa.messages.length;
		const json = await succeed({ resource: 'message', operation: 'react', chatId: chat(jid), messageId: theirs.key.id, emoji: '🎉' });
		let sent = await lastSent(before);
		expect(sent.type).toBe('reaction');
		expect(sent.message?.reactionMessage).toMatchObject({ text: '🎉', key: { id: theirs.key.id, fromMe: false, remoteJid: jid } });
		expect(json).toMatchObject({ success: true, messageId: theirs.key.id, reaction: '🎉', removed: false });

		before = world.wa.messages.length;
		const removed = await succeed({ resource: 'message', operation: 'react', chatId: chat(jid), messageId: theirs.key.id, emoji: '' });
		sent = await lastSent(before);
		expect(sent.message?.reactionMessage?.text).toBe('');
		expect(removed).toMatchObject({ reaction: '', removed: true });
	});

	test('delete own message for everyone: REVOKE of its key (stanza edit="7")', async () => {
		const B = await loadBaileys();
		const before = world.wa.messages.length;
		const json = await succeed({ resource: 'message', operation: 'delete', chatId: chat(jid), messageId: mine.key.id });
		const sent = await lastSent(before);
		expect(sent.edit).toBe('7');
		expect(sent.message?.protocolMessage?.type).toBe(B.proto.Message.ProtocolMessage.Type.REVOKE);
		expect(sent.message?.protocolMessage?.key).toMatchObject({ id: mine.key.id, fromMe: true, remoteJid: jid });
		expect(json).toMatchObject({ success: true, messageId: mine.key.id, deleted: true });
	});

	test('group message: the key carries the sender (participant)', async () => {
		const group = world.wa.addGroup({ id: '120363000000000042@g.us', subject: 'Ops', participants: ['15550002222@s.whatsapp.net', '15550003333@s.whatsapp.net'] });
		const inGroup = await injectStored(world, { chat: group.id, from: '15550003333@s.whatsapp.net', text: 'group hello' });
		const before = world.wa.messages.length;
		const json = await succeed({ resource: 'message', operation: 'react', chatId: chat(group.id), messageId: inGroup.key.id, emoji: '👍' });
		const sent = await lastSent(before);
		expect(sent.to).toBe(group.id);
		expect(sent.decryptErrors).toEqual([]);
		expect(sent.message?.reactionMessage?.key).toMatchObject({ id: inGroup.key.id, remoteJid: group.id, fromMe: false, participant: '15550003333@s.whatsapp.net' });
		expect(json).toMatchObject({ chatId: group.id, messageId: inGroup.key.id });
	});

	test('a bare id the store does not know fails with a clear error and sends nothing', async () => {
		const before = world.wa.messages.length;
		const result = await node({ resource: 'message', operation: 'react', chatId: chat(jid), messageId: '3EB0UNKNOWN0000', emoji: '👍' });
		expect(result.error?.message).toBe(
			`Message "3EB0UNKNOWN0000" of chat ${jid} is not in the local store of the embedded session "test" (it keeps the last 50 messages of each chat seen while n8n was connected). ` +
				`Give the full id instead, e.g. true_${jid}_3EB0UNKNOWN0000 for a message you sent or false_${jid}_3EB0UNKNOWN0000 for one you received.`,
		);
		expect(world.wa.messages).toHaveLength(before);
	});

	test('a full (serialized) id works without the store', async () => {
		const before = world.wa.messages.length;
		const json = await succeed({ resource: 'message', operation: 'react', chatId: chat(jid), messageId: `false_${jid.replace('@s.whatsapp.net', '@c.us')}_3EB0FROMELSEWHERE`, emoji: '👍' });
		const sent = await lastSent(before);
		expect(sent.message?.reactionMessage?.key).toMatchObject({ id: '3EB0FROMELSEWHERE', fromMe: false, remoteJid: jid });
		expect(json.messageId).toBe('3EB0FROMELSEWHERE');
	});
});

describe('connection reuse', () => {
	test('the credential test reports the connected account', async () => {
		const result = await new WhatsAppChats().methods.credentialTest.whatsAppChatsConnectionTest.call(
			{} as never,
			{ id: '1', name: 'embedded', type: 'whatsAppChatsApi', data: world.credentials } as never,
		);
		expect(result).toEqual({ status: 'OK', message: 'Connected to WhatsApp as 15550001111@s.whatsapp.net (embedded session "test")' });
	});


	test('every execution above reused the one warm connection (one login in total)', () => {
		expect(world.wa.connections).toBe(1);
		expect(world.wa.openConnections).toBe(1);
	});
});
