/**
 * Phone numbers and LIDs on the embedded connection, against the fake WhatsApp server speaking LID
 * addressing: what the node outputs (`phone`/`lid`, `fromPhone`/`fromLid`), what reached the
 * server when the node was given the phone number of a LID-addressed chat (the app-state index,
 * the message stanza's `to`), mappings learnt from `lid-mapping.update` and history sync, one row
 * per chat, and the trigger's items, chat filter and de-duplication.
 */
import { addLidContact, injectLidMessage, pushLidHistory, pushLidMapping, type LidContact } from '../fake-whatsapp';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';
import { eventually, startWorld, withConnection, type EmbeddedWorld } from './world';

jest.setTimeout(40_000);

let world: EmbeddedWorld;
let trigger: TriggerUnderTest;
let n = 0;
const newContact = (): LidContact => {
	n++;
	return addLidContact(world.wa, `1555700${String(n).padStart(4, '0')}`, `17770000000${String(n).padStart(4, '0')}`);
};

beforeAll(async () => {
	world = await startWorld();
	const status = await node({ resource: 'session', operation: 'status' });
	expect(status.output[0].json).toMatchObject({ state: 'open' });
});
afterAll(async () => {
	await trigger?.close();
	await world?.close();
});

async function node(parameters: Record<string, unknown>) {
	return await runChatsNode({ credentials: world.credentials, parameters: parameters as never });
}

async function succeed(parameters: Record<string, unknown>) {
	const result = await node(parameters);
	expect(result.error?.message).toBeUndefined();
	return result.output;
}

/** A LID-addressed message, waited for in the store. */
async function stored(spec: Parameters<typeof injectLidMessage>[1]) {
	const injected = await injectLidMessage(world.wa, spec);
	await withConnection(world.folder, (connection) =>
		eventually(() => connection.store.findMessage(injected.key.remoteJid, injected.key.id), 5000, `message ${injected.key.id} in the store`),
	);
	return injected;
}

test('a 1:1 message from a LID sender: Get Messages and Get Many name its phone number and LID', async () => {
	const alice = newContact();
	const injected = await stored({ from: alice, text: 'hello from my LID', pushName: 'Alice' });
	expect(injected.key.remoteJid).toBe(alice.lid);

	const [row] = (await succeed({ resource: 'chat', operation: 'getMessages', chatId: chat(alice.lid), limit: 5 })).map((item) => item.json);
	expect(row).toMatchObject({ id: injected.key.id, chatId: alice.lid, phone: alice.phone, lid: alice.lid, from: alice.lid, fromPhone: alice.phone, fromLid: alice.lid });
	// Next to chatId and from, in that order.
	const keys = Object.keys(row);
	expect(keys.slice(keys.indexOf('chatId'), keys.indexOf('chatId') + 3)).toEqual(['chatId', 'phone', 'lid']);
	expect(keys.slice(keys.indexOf('from'), keys.indexOf('from') + 3)).toEqual(['from', 'fromPhone', 'fromLid']);

	const chats = (await succeed({ resource: 'chat', operation: 'getMany', returnAll: true })).map((item) => item.json);
	expect(chats.filter((c) => c.phone === alice.phone || c.lid === alice.lid)).toEqual([expect.objectContaining({ id: alice.lid, phone: alice.phone, lid: alice.lid, name: 'Alice' })]);
});

test('archive given the phone number of a LID-addressed chat: the app-state index is the LID, as the phone itself writes it', async () => {
	const bob = newContact();
	const last = await stored({ from: bob, text: 'archive me' });

	const [out] = await succeed({ resource: 'chat', operation: 'archive', chatId: chat(`+${bob.phone}`) });

	const mutation = await world.wa.waitFor('mutation', (m) => m.index[0] === 'archive' && (m.index[1] === bob.lid || m.index[1] === bob.jid));
	expect(mutation.index[1]).toBe(bob.lid);
	const range = mutation.value.archiveChatAction?.messageRange;
	expect(range?.messages?.[0]?.key).toMatchObject({ id: last.key.id, remoteJid: bob.lid });
	expect(out.json).toMatchObject({ success: true, chatId: bob.lid, phone: bob.phone, lid: bob.lid, archived: true });
});

test('react and star given the phone number: the reaction goes to the LID chat, the star index names the LID', async () => {
	const carol = newContact();
	const theirs = await stored({ from: carol, text: 'react to me' });
	const before = world.wa.messages.length;

	const [reacted] = await succeed({ resource: 'message', operation: 'react', chatId: chat(carol.phone), messageId: theirs.key.id, emoji: '👍' });
	const sent = await world.wa.waitFor('message', (m) => world.wa.messages.indexOf(m) >= before && m.type === 'reaction');
	expect(sent.to).toBe(carol.lid);
	expect(sent.message?.reactionMessage?.key).toMatchObject({ id: theirs.key.id, remoteJid: carol.lid });
	expect(reacted.json).toMatchObject({ chatId: carol.lid, phone: carol.phone, lid: carol.lid, messageId: theirs.key.id });

	await succeed({ resource: 'message', operation: 'star', chatId: chat(`${carol.phone}@s.whatsapp.net`), messageId: theirs.key.id });
	const star = await world.wa.waitFor('mutation', (m) => m.index[0] === 'star' && m.index[2] === theirs.key.id);
	expect(star.index[1]).toBe(carol.lid);
});

test('a LID-only sender: unknown phone stays null, until the phone sends the mapping (lid-mapping.update)', async () => {
	const dave = newContact();
	const injected = await stored({ from: dave, text: 'no phone in this stanza', withoutPhone: true });
	const before = (await succeed({ resource: 'chat', operation: 'getMessages', chatId: chat(dave.lid), limit: 1 }))[0].json;
	expect(before).toMatchObject({ id: injected.key.id, phone: null, lid: dave.lid, fromPhone: null, fromLid: dave.lid });

	await pushLidMapping(world.wa, dave);
	await withConnection(world.folder, (connection) => eventually(() => connection.store.identities.phoneOf(dave.lid) === dave.phone, 5000, 'the mapping'));
	const after = (await succeed({ resource: 'chat', operation: 'getMessages', chatId: chat(`+${dave.phone}`), limit: 1 }))[0].json;
	expect(after).toMatchObject({ id: injected.key.id, chatId: dave.lid, phone: dave.phone, lid: dave.lid, fromPhone: dave.phone });
});

test('a history sync with LID ↔ phone pairs: a chat known under both ids becomes one row', async () => {
	const erin = newContact();
	// An old chat under the phone number, then a LID-only message: two chats until WhatsApp says they are one.
	await withConnection(world.folder, async (connection) => {
		const old = await world.wa.injectMessage({ chat: erin.jid, text: 'old chat by phone number', timestamp: Math.floor(Date.now() / 1000) - 100 });
		await eventually(() => connection.store.findMessage(erin.jid, old.key.id), 5000, 'the old message');
	});
	await stored({ from: erin, text: 'new chat by LID', withoutPhone: true });
	const twoRows = (await succeed({ resource: 'chat', operation: 'getMany', returnAll: true })).map((item) => item.json);
	expect(twoRows.filter((c) => c.id === erin.jid || c.id === erin.lid)).toHaveLength(2);

	await pushLidHistory(world.wa, [erin]);
	await withConnection(world.folder, (connection) => eventually(() => connection.store.identities.phoneOf(erin.lid) === erin.phone, 5000, 'the mapping'));
	const rows = (await succeed({ resource: 'chat', operation: 'getMany', returnAll: true })).map((item) => item.json);
	const erins = rows.filter((c) => c.phone === erin.phone || c.lid === erin.lid || c.id === erin.jid);
	expect(erins).toEqual([expect.objectContaining({ id: erin.lid, phone: erin.phone, lid: erin.lid })]);
	const messages = (await succeed({ resource: 'chat', operation: 'getMessages', chatId: chat(erin.phone), limit: 10 })).map((item) => item.json.text);
	expect(messages).toEqual(['new chat by LID', 'old chat by phone number']);
});

test('a group message from a LID participant: fromPhone from participant_pn, the group has no phone', async () => {
	const frank = newContact();
	const group = '120363000888@g.us';
	await world.wa.addGroup({ id: group, subject: 'LID group', participants: [frank.jid] });
	const injected = await stored({ from: frank, group, text: 'group hello' });
	expect(injected.key.participant).toBe(frank.lid);
	const [row] = (await succeed({ resource: 'chat', operation: 'getMessages', chatId: chat(group), limit: 1 })).map((item) => item.json);
	expect(row).toMatchObject({ chatId: group, phone: null, lid: null, from: frank.lid, fromPhone: frank.phone, fromLid: frank.lid });
});

describe('the trigger', () => {
	let grace: LidContact;
	beforeAll(async () => {
		grace = newContact();
		trigger = await startTrigger({
			credentials: world.credentials,
			// Only These Chats names the phone number; the messages come by LID.
			parameters: { source: 'embedded', events: ['message'], options: { onlyChats: `+${grace.phone}` } },
		});
		await trigger.startTrigger();
	});

	test('fires on a message from a LID sender chosen by phone number, with phone and lid in the item', async () => {
		const injected = await injectLidMessage(world.wa, { from: grace, text: 'trigger me' });
		await eventually(() => trigger.executions.some(([item]) => item.json.messageId === injected.key.id), 5000, 'the execution');
		const [item] = trigger.executions.find(([candidate]) => candidate.json.messageId === injected.key.id)!;
		expect(item.json).toMatchObject({
			event: 'message',
			chatId: grace.lid,
			phone: grace.phone,
			lid: grace.lid,
			data: { text: 'trigger me', from: grace.lid, fromPhone: grace.phone, fromLid: grace.lid },
		});
		// Another chat is still filtered out.
		const other = newContact();
		const skipped = await injectLidMessage(world.wa, { from: other, text: 'not for this trigger' });
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(trigger.executions.some(([candidate]) => candidate.json.messageId === skipped.key.id)).toBe(false);
	});

	test('the same message seen by phone number and by LID fires once', async () => {
		const id = '3EB0LIDTWICE000001';
		await injectLidMessage(world.wa, { from: grace, text: 'once', id });
		await world.wa.injectMessage({ chat: grace.jid, text: 'once', id });
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(trigger.executions.filter(([item]) => item.json.messageId === id)).toHaveLength(1);
	});
});
