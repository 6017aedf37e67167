/**
 * Phone numbers and LIDs for the chat, label and message operations added with issue 13, on the
 * embedded connection against the fake WhatsApp server speaking LID addressing: each operation,
 * given the phone number of a chat WhatsApp knows by its LID, reaches the server addressed by the
 * LID (the app-state index, the read receipt's and the message stanza's `to`, the picture IQ's
 * `target`) and outputs `phone`/`lid` (and `fromPhone`/`fromLid`); the new trigger events too.
 */
import { addLidContact, chatSettingOf, injectLidMessage, sendReceipt, sentTextOf, type LidContact } from '../fake-whatsapp';
import { BUSINESS_PLATFORM, phoneEditsLabel, phoneLabelsChat, waitForChatLabelMutation } from '../fake-whatsapp/labels';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { eventually, startWorld, withConnection, type EmbeddedWorld } from './world';

jest.setTimeout(60_000);

let world: EmbeddedWorld;
let trigger: TriggerUnderTest;
let n = 0;
const newContact = (): LidContact => {
	n++;
	return addLidContact(world.wa, `1555800${String(n).padStart(4, '0')}`, `18880000000${String(n).padStart(4, '0')}`);
};

beforeAll(async () => {
	world = await startWorld({ server: { platform: BUSINESS_PLATFORM } });
	trigger = await startTrigger({ credentials: world.credentials, parameters: { source: 'embedded', events: ['message.ack', 'chat.label', 'chat.mute'] } });
	await trigger.startTrigger();
	await eventually(() => withConnection(world.folder, (connection) => connection.currentState === 'open'), 10_000, 'an open connection');
});
afterAll(async () => {
	await trigger?.close();
	await world?.close();
});

async function succeed(parameters: Record<string, unknown>) {
	const result = await runChatsNode({ credentials: world.credentials, parameters: parameters as never });
	expect(result.error?.message).toBeUndefined();
	return result.output;
}

/** A LID-addressed message from `from`, waited for in the store. */
async function stored(from: LidContact, text: string) {
	const injected = await injectLidMessage(world.wa, { from, text, pushName: 'Lid Person' });
	await withConnection(world.folder, (connection) =>
		eventually(() => connection.store.findMessage(injected.key.remoteJid, injected.key.id), 5000, `message ${injected.key.id} in the store`),
	);
	return injected;
}

test('Mark Read, Mute / Unmute, Pin / Unpin given the phone number: the app-state index and the read receipt name the LID; outputs name both', async () => {
	const alice = newContact();
	const last = await stored(alice, 'read me');

	const [read] = await succeed({ resource: 'chat', operation: 'markRead', chatId: chat(`+${alice.phone}`) });
	expect(read.json).toMatchObject({ success: true, chatId: alice.lid, phone: alice.phone, lid: alice.lid });
	const settings = () => world.wa.mutations.map(chatSettingOf).filter((s) => s && (s.jid === alice.lid || s.jid === alice.jid));
	const markRead = await eventually(() => settings().find((s) => s!.kind === 'markRead'), 5000, 'the markRead mutation');
	expect(markRead).toMatchObject({ jid: alice.lid, read: true });
	const receipt = await world.wa.readReceipts.waitFor((r) => r.ids.includes(last.key.id));
	expect(receipt.to).toBe(alice.lid);

	for (const operation of ['mute', 'unmute', 'pin', 'unpin']) {
		const [out] = await succeed({ resource: 'chat', operation, chatId: chat(alice.phone), ...(operation === 'mute' ? { muteDuration: '8h' } : {}) });
		expect(out.json).toMatchObject({ success: true, chatId: alice.lid, phone: alice.phone, lid: alice.lid });
	}
	const kinds = await eventually(() => (settings().length >= 5 ? settings() : undefined), 5000, 'mute, unmute, pin, unpin');
	expect(kinds.map((s) => [s!.kind, s!.jid])).toEqual([
		['markRead', alice.lid],
		['mute', alice.lid],
		['mute', alice.lid],
		['pin', alice.lid],
		['pin', alice.lid],
	]);
});

test('Chat Get and Get Picture given the phone number: the picture IQ targets the LID; the chat and its last message name phone and LID', async () => {
	const bob = newContact();
	const last = await stored(bob, 'my last words');
	world.wa.profilePictures.set(bob.lid, { url: `${world.wa.url.replace(/^ws/, 'http')}/pp/${bob.phone}.jpg` });
	const iqsBefore = world.wa.iqs.length;

	const [got] = await succeed({ resource: 'chat', operation: 'get', chatId: chat(`+${bob.phone}`) });
	expect(got.json).toMatchObject({ chatId: bob.lid, phone: bob.phone, lid: bob.lid });
	expect(got.json.lastMessage).toMatchObject({ id: last.key.id, chatId: bob.lid, phone: bob.phone, lid: bob.lid, from: bob.lid, fromPhone: bob.phone, fromLid: bob.lid });

	const [picture] = await succeed({ resource: 'chat', operation: 'getPicture', chatId: chat(bob.phone) });
	expect(picture.json).toMatchObject({ chatId: bob.lid, phone: bob.phone, lid: bob.lid });
	const targets = world.wa.iqs.slice(iqsBefore).filter((iq) => iq.xmlns === 'w:profile:picture').map((iq) => iq.node.attrs.target);
	expect(targets.length).toBeGreaterThan(0);
	expect(new Set(targets)).toEqual(new Set([bob.lid]));
});

test("Label Add / Remove / Get Chat's Labels given the phone number: the label_jid index names the LID; outputs and chat.label name both", async () => {
	const carol = newContact();
	await stored(carol, 'label me');
	await phoneEditsLabel(world.wa, { id: '7', name: 'Lead', color: 2 });
	await eventually(async () => (await runChatsNode({ credentials: world.credentials, parameters: { resource: 'label', operation: 'getMany' } as never })).output.length > 0, 5000, 'the label');

	const [added] = await succeed({ resource: 'label', operation: 'addToChat', chatId: chat(`+${carol.phone}`), label: { mode: 'id', value: '7' } });
	expect(added.json).toMatchObject({ chatId: carol.lid, phone: carol.phone, lid: carol.lid, labelId: '7', added: true });
	const mutation = await waitForChatLabelMutation(world.wa, { labelId: '7', chatJid: carol.lid, labeled: true });
	expect(mutation.chatJid).toBe(carol.lid);

	const [labels] = await succeed({ resource: 'label', operation: 'getForChat', chatId: chat(carol.phone) });
	expect(labels.json).toMatchObject({ chatId: carol.lid, phone: carol.phone, lid: carol.lid, labels: [expect.objectContaining({ id: '7' })] });

	const [removed] = await succeed({ resource: 'label', operation: 'removeFromChat', chatId: chat(carol.phone), label: { mode: 'name', value: 'Lead' } });
	expect(removed.json).toMatchObject({ chatId: carol.lid, phone: carol.phone, lid: carol.lid, added: false });
	await waitForChatLabelMutation(world.wa, { labelId: '7', chatJid: carol.lid, labeled: false });

	// The phone tags the LID chat: the trigger's chat.label names the phone number too.
	await phoneLabelsChat(world.wa, '7', carol.lid);
	const event = await eventually(
		() => trigger.executions.map(([item]) => item.json).find((json) => json.event === 'chat.label' && json.chatId === carol.lid && (json.data as { added?: boolean }).added),
		5000,
		'chat.label',
	);
	expect(event).toMatchObject({ chatId: carol.lid, phone: carol.phone, lid: carol.lid, data: { labelId: '7', added: true } });
});

test('Message Get by bare id and Send Text given the phone number: the text goes to the LID; outputs name both; message.ack names the reader', async () => {
	const dave = newContact();
	const theirs = await stored(dave, 'get me');

	const [got] = await succeed({ resource: 'message', operation: 'get', chatId: chat(`+${dave.phone}`), messageId: theirs.key.id });
	expect(got.json).toMatchObject({ id: theirs.key.id, chatId: dave.lid, phone: dave.phone, lid: dave.lid, from: dave.lid, fromPhone: dave.phone, fromLid: dave.lid });

	const before = world.wa.messages.length;
	const [sent] = await succeed({ resource: 'message', operation: 'sendText', chatId: chat(`+${dave.phone}`), text: 'hi by phone', options: { linkPreview: false, replyTo: theirs.key.id } });
	expect(sent.json).toMatchObject({ success: true, chatId: dave.lid, phone: dave.phone, lid: dave.lid });
	const stanza = await world.wa.waitFor('message', (m) => world.wa.messages.indexOf(m) >= before && sentTextOf(m).text === 'hi by phone');
	expect(stanza.to).toBe(dave.lid);
	expect(sentTextOf(stanza).quoted).toMatchObject({ stanzaId: theirs.key.id });

	const sentId = String(sent.json.messageId).split('_').pop()!;
	await sendReceipt(world.wa, { chat: dave.lid, ids: [sentId], kind: 'read' });
	const ack = await eventually(
		() => trigger.executions.map(([item]) => item.json).find((json) => json.event === 'message.ack' && json.messageId === sentId),
		5000,
		'message.ack',
	);
	expect(ack).toMatchObject({ chatId: dave.lid, phone: dave.phone, lid: dave.lid, data: { status: 'read', from: dave.lid, fromPhone: dave.phone, fromLid: dave.lid } });
});

test('chat.mute on a LID chat names its phone number', async () => {
	const erin = newContact();
	await stored(erin, 'mute me on the phone');
	const endMs = Date.now() + 3_600_000;
	await world.wa.injectAppStateChange({ mute: endMs }, erin.lid);
	const muted = await eventually(() => trigger.executions.map(([item]) => item.json).find((json) => json.event === 'chat.mute' && json.chatId === erin.lid), 5000, 'chat.mute');
	expect(muted).toMatchObject({ chatId: erin.lid, phone: erin.phone, lid: erin.lid, data: { muted: true } });
});
