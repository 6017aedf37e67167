/**
 * Message → Send Text over the embedded connection, through the node in n8n's engine against the
 * fake WhatsApp server: the decrypted text message that reached it (text, the quoted context of a
 * reply, a link preview or none), the new id in the store and chained into Edit / React / Pin /
 * Delete in one execution, the trigger's Ignore Own Messages, and the recipient's receipts as
 * `message.ack` events (direct chat and group, each once), and a send that times out: one try, no repeat.
 */
import { startLoopbackServer, type LoopbackServer } from '../gateway-server/loopbackServer';
import { sendReceipt, sentTextOf, type OutboundMessage } from '../fake-whatsapp';
import { chat, runChatsChain, runChatsNode } from '../helpers/whatsAppChatsNode';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';
import { eventually, injectStored, startWorld, type EmbeddedWorld } from './world';

jest.setTimeout(40_000);

const ME = '15550001111@s.whatsapp.net';
const contact = (n: number) => `1555600${String(n).padStart(4, '0')}@s.whatsapp.net`;

let world: EmbeddedWorld;
/** Ignore Own Messages on (the default). */
let trigger: TriggerUnderTest;
/** Ignore Own Messages off. */
let ownTrigger: TriggerUnderTest;

beforeAll(async () => {
	world = await startWorld();
	const status = await node({ resource: 'session', operation: 'status' });
	expect(status.output[0].json).toMatchObject({ state: 'open', connected: true });
	trigger = await startTrigger({ credentials: world.credentials, parameters: { source: 'embedded', events: ['message', 'message.ack'] } });
	await trigger.startTrigger();
	ownTrigger = await startTrigger({
		credentials: world.credentials,
		parameters: { source: 'embedded', events: ['message', 'message.ack'], options: { ignoreOwnMessages: false } },
	});
	await ownTrigger.startTrigger();
});

afterAll(async () => {
	delete process.env.WHATSAPP_CHATS_PREVIEW_PRIVATE_HOSTS;
	await trigger?.close();
	await ownTrigger?.close();
	await world?.close();
});

async function node(parameters: Record<string, unknown>) {
	return await runChatsNode({ credentials: world.credentials, parameters: parameters as never });
}

async function sendText(to: string, text: string, options: Record<string, unknown> = {}) {
	const result = await node({ resource: 'message', operation: 'sendText', chatId: chat(to), text, options });
	expect(result.error?.message).toBeUndefined();
	const json = result.output[0].json as Record<string, any>;
	const sent: OutboundMessage = await world.wa.waitFor('message', (m) => m.id === json.messageId);
	expect(sent.decryptErrors).toEqual([]);
	return { json, sent, text: sentTextOf(sent) };
}

const itemsOf = (t: TriggerUnderTest, predicate: (json: Record<string, any>) => boolean) =>
	t.executions.map(([item]) => item.json as Record<string, any>).filter(predicate);

describe('the text message that reaches WhatsApp', () => {
	test('plain text: the text alone, no quote, no preview; the output names the new message', async () => {
		const jid = contact(1);
		const { json, sent, text } = await sendText(jid, 'Your order #55 shipped today', { linkPreview: false });
		expect(sent.to).toBe(jid);
		expect(text).toEqual({ text: 'Your order #55 shipped today', quoted: null, preview: null });
		expect(json).toMatchObject({ success: true, chatId: jid, messageId: sent.id, raw: { key: { id: sent.id, fromMe: true } } });
		expect(typeof json.timestamp).toBe('number');
		// Stored at once: Get Messages lists it, as an own message.
		const listed = await node({ resource: 'chat', operation: 'getMessages', chatId: chat(jid), limit: 5 });
		expect(listed.output.map((item) => item.json)).toContainEqual(expect.objectContaining({ id: sent.id, fromMe: true, text: 'Your order #55 shipped today' }));
	});

	test('a reply to a received message by bare id quotes it: stanzaId, the sender as participant, its text', async () => {
		const jid = contact(2);
		const theirs = await injectStored(world, { chat: jid, text: 'Is #55 shipped?' });
		const { json, text } = await sendText(jid, 'Yes, today', { replyTo: theirs.key.id });
		expect(text.quoted).toEqual({ stanzaId: theirs.key.id, participant: jid, remoteJid: null, quotedText: 'Is #55 shipped?' });
		expect(json.replyTo).toBe(theirs.key.id);
	});

	test('a reply to a message the node sent: the participant is this account', async () => {
		const jid = contact(3);
		const first = await sendText(jid, 'Reminder: invoice due');
		const { text } = await sendText(jid, 'Following up on this', { replyTo: first.json.messageId });
		expect(text.quoted).toEqual({ stanzaId: first.json.messageId, participant: ME, remoteJid: null, quotedText: 'Reminder: invoice due' });
	});

	test('a reply in a group names the group member who wrote the quoted message', async () => {
		const group = world.wa.addGroup({ id: '120363000000000077@g.us', subject: 'Orders', participants: [contact(4), contact(5)] });
		const theirs = await injectStored(world, { chat: group.id, from: contact(5), text: 'Who takes #56?' });
		const { sent, text } = await sendText(group.id, 'I do', { replyTo: theirs.key.id });
		expect(sent.to).toBe(group.id);
		expect(text.quoted).toEqual({ stanzaId: theirs.key.id, participant: contact(5), remoteJid: null, quotedText: 'Who takes #56?' });
	});

	test('a reply to a bare id the store does not know fails naming it, and nothing is sent', async () => {
		const before = world.wa.messages.length;
		const result = await node({ resource: 'message', operation: 'sendText', chatId: chat(contact(2)), text: 'x', options: { replyTo: '3EB0NOTKNOWN' } });
		expect(result.error?.message).toMatch(/^Message "3EB0NOTKNOWN" of chat 15556000002@s.whatsapp.net is not in the local store/);
		expect(world.wa.messages).toHaveLength(before);
	});

	test.each([
		['   ', /Invalid Text "   ": expected the message text, not empty/],
		['z'.repeat(65_537), /Invalid Text "z{40}… \(65537 characters\)": expected at most 65536 characters/],
	])('bad text %#: refused before anything is sent', async (text, message) => {
		const before = world.wa.messages.length;
		const result = await node({ resource: 'message', operation: 'sendText', chatId: chat(contact(2)), text });
		expect(result.error?.message).toMatch(message);
		expect(world.wa.messages).toHaveLength(before);
	});
});

describe('link previews', () => {
	let page: LoopbackServer;
	let pageRequests = 0;
	let silent: LoopbackServer;
	let pageUrl: string;
	let silentUrl: string;

	beforeAll(async () => {
		page = await startLoopbackServer((_req, res) => {
			pageRequests++;
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
			res.end('<html><head><title>fallback</title><meta property="og:title" content="Order #55 &amp; tracking">' +
				'<meta name="description" content="Parcel out for delivery"></head><body>…</body></html>');
		});
		// Accepts connections and never answers: a preview must not hold the send up.
		silent = await startLoopbackServer(() => undefined);
		pageUrl = `${page.url}/track/55`;
		silentUrl = `${silent.url}/slow`;
	});

	afterAll(async () => {
		// Ends the connections the silent one still holds, too.
		for (const server of [page, silent]) await server.close();
	});

	beforeEach(() => {
		process.env.WHATSAPP_CHATS_PREVIEW_PRIVATE_HOSTS = '1';
	});

	test('on (the default): the page title and description go with the link', async () => {
		const { json, text } = await sendText(contact(10), `Track it here: ${pageUrl}.`);
		expect(text.text).toBe(`Track it here: ${pageUrl}.`);
		expect(text.preview).toEqual({ matchedText: pageUrl, title: 'Order #55 & tracking', description: 'Parcel out for delivery' });
		expect(json.raw.linkPreview).toEqual({ requested: true, attached: true, url: pageUrl, title: 'Order #55 & tracking' });
	});

	test('off: no preview, and the page is not even fetched', async () => {
		const before = pageRequests;
		const { json, text } = await sendText(contact(10), `Track it here: ${pageUrl}`, { linkPreview: false });
		expect(text.preview).toBeNull();
		expect(pageRequests).toBe(before);
		expect(json.raw.linkPreview).toEqual({ requested: false, attached: false });
	});

	test('on, but the page never answers: sent without a preview once the preview budget is spent', async () => {
		const started = Date.now();
		const { json, text } = await sendText(contact(11), `Slow page ${silentUrl}`, { timeout: 3000 });
		expect(text).toMatchObject({ text: `Slow page ${silentUrl}`, preview: null });
		expect(json.raw.linkPreview).toEqual({ requested: true, attached: false, url: silentUrl, reason: 'the page did not answer within 1000 ms' });
		expect(Date.now() - started).toBeLessThan(10_000);
	});

	test('on, for an address of this host without the test switch: not fetched, no preview', async () => {
		delete process.env.WHATSAPP_CHATS_PREVIEW_PRIVATE_HOSTS;
		const before = pageRequests;
		const { json, text } = await sendText(contact(12), `Internal ${pageUrl}`);
		expect(text.preview).toBeNull();
		expect(pageRequests).toBe(before);
		expect(json.raw.linkPreview.reason).toBe('127.0.0.1 is an address of this host or a private network, which is not fetched');
	});
});

describe('the new id, ready for the other message operations', () => {
	test('Send Text → Edit → React → Pin → Delete by {{ $json.messageId }} in one execution', async () => {
		const jid = contact(20);
		const message = { resource: 'message', chatId: chat('={{ $json.chatId }}'), messageId: '={{ $json.messageId }}' };
		const before = world.wa.messages.length;
		const result = await runChatsChain({
			credentials: world.credentials,
			steps: [
				{ name: 'Send', parameters: { resource: 'message', operation: 'sendText', chatId: chat(jid), text: 'first draft' } },
				{ name: 'Edit', parameters: { ...message, operation: 'edit', text: 'final text' } },
				{ name: 'React', parameters: { ...message, operation: 'react', emoji: '✅' } },
				{ name: 'Pin', parameters: { ...message, operation: 'pin', duration: 86400 } },
				{ name: 'Delete', parameters: { ...message, operation: 'delete' } },
			],
		});
		expect(result.error?.message).toBeUndefined();
		const id = result.json('Send')[0].messageId as string;
		await eventually(() => world.wa.messages.length >= before + 5, 5000, 'five stanzas');
		const stanzas = world.wa.messages.slice(before);
		expect(stanzas[0]).toMatchObject({ id, to: jid });
		expect(sentTextOf(stanzas[0]).text).toBe('first draft');
		expect(stanzas[1].edit).toBe('1');
		expect(stanzas[1].message?.protocolMessage?.key).toMatchObject({ id, fromMe: true, remoteJid: jid });
		expect(stanzas[2].message?.reactionMessage).toMatchObject({ text: '✅', key: { id, fromMe: true } });
		expect(stanzas[3].edit).toBe('2');
		expect(stanzas[3].message?.pinInChatMessage?.key).toMatchObject({ id, fromMe: true });
		expect(stanzas[4].edit).toBe('7');
		expect(stanzas[4].message?.protocolMessage?.key).toMatchObject({ id, fromMe: true });
		for (const step of ['Edit', 'React', 'Pin', 'Delete']) expect(result.json(step)[0]).toMatchObject({ success: true, chatId: jid, messageId: id });
	});
});

describe('the trigger', () => {
	test('Ignore Own Messages (on by default) covers a message the node sent; off, it arrives as fromMe', async () => {
		const jid = contact(30);
		const { json } = await sendText(jid, 'sent by a workflow');
		await eventually(() => itemsOf(ownTrigger, (item) => item.event === 'message' && item.messageId === json.messageId).length > 0, 5000, 'own message');
		expect(itemsOf(ownTrigger, (item) => item.event === 'message' && item.messageId === json.messageId)).toEqual([
			expect.objectContaining({ chatId: jid, fromMe: true, data: expect.objectContaining({ text: 'sent by a workflow', from: ME }) }),
		]);
		expect(itemsOf(trigger, (item) => item.event === 'message' && item.messageId === json.messageId)).toEqual([]);
	});

	test('delivered, read and played receipts from the recipient: one message.ack each, also with Ignore Own Messages on', async () => {
		const jid = contact(31);
		const { json } = await sendText(jid, 'voice note follows');
		const id = json.messageId;
		for (const kind of ['delivered', 'read', 'played'] as const) {
			await sendReceipt(world.wa, { chat: jid, ids: [id], kind });
			await eventually(() => itemsOf(trigger, (item) => item.event === 'message.ack' && item.messageId === id && item.data.status === kind).length > 0, 5000, kind);
		}
		// The same read receipt again (WhatsApp resends after reconnects): no second event.
		await sendReceipt(world.wa, { chat: jid, ids: [id], kind: 'read' });
		await new Promise((resolve) => setTimeout(resolve, 200));
		const acks = itemsOf(trigger, (item) => item.event === 'message.ack' && item.messageId === id);
		expect(acks.map((item) => item.data)).toEqual([
			{ status: 'delivered', from: jid, fromPhone: jid.split('@')[0], fromLid: null },
			{ status: 'read', from: jid, fromPhone: jid.split('@')[0], fromLid: null },
			{ status: 'played', from: jid, fromPhone: jid.split('@')[0], fromLid: null },
		]);
		expect(acks[0]).toMatchObject({ session: 'test', chatId: jid, fromMe: true });
	});

	test('one receipt for several messages: an ack for each', async () => {
		const jid = contact(32);
		const first = await sendText(jid, 'part 1');
		const second = await sendText(jid, 'part 2');
		await sendReceipt(world.wa, { chat: jid, ids: [first.json.messageId, second.json.messageId], kind: 'read' });
		for (const { json } of [first, second]) {
			await eventually(() => itemsOf(trigger, (item) => item.event === 'message.ack' && item.messageId === json.messageId && item.data.status === 'read').length === 1, 5000, 'read');
		}
	});

	test('group: a member’s read receipt is an ack from that member (message-receipt.update)', async () => {
		const group = world.wa.addGroup({ id: '120363000000000088@g.us', subject: 'Ops', participants: [contact(40), contact(41)] });
		const { json } = await sendText(group.id, 'standup in 5');
		for (const [n, kind] of [[1, 'delivered'], [2, 'read']] as const) {
			await sendReceipt(world.wa, { chat: group.id, participant: contact(41), ids: [json.messageId], kind });
			await eventually(() => itemsOf(trigger, (item) => item.event === 'message.ack' && item.messageId === json.messageId).length === n, 5000, `group ${kind}`);
		}
		expect(itemsOf(trigger, (item) => item.event === 'message.ack' && item.messageId === json.messageId).map((item) => [item.chatId, item.data])).toEqual([
			[group.id, { status: 'delivered', from: contact(41), fromPhone: contact(41).split('@')[0], fromLid: null }],
			[group.id, { status: 'read', from: contact(41), fromPhone: contact(41).split('@')[0], fromLid: null }],
		]);
	});
});

describe('a send WhatsApp does not complete in time', () => {
	test('fails once, saying it may have been sent; the node does not send it again, and the next send works', async () => {
		const jid = contact(50);
		const before = world.wa.messages.length;
		const usyncs = () => world.wa.iqs.filter((iq) => iq.xmlns === 'usync').length;
		const usyncsBefore = usyncs();
		// The device look-up for a contact never seen before gets no answer.
		world.wa.withholdAnswers((iq) => iq.xmlns === 'usync', 1);
		const result = await node({ resource: 'message', operation: 'sendText', chatId: chat(jid), text: 'are you there?', options: { timeout: 1500 } });
		expect(result.error?.message).toMatch(/^WhatsApp did not complete send a text message to chat 15556000050@s.whatsapp.net within 1.5 s/);
		expect(result.error?.message).toMatch(/the change may or may not have reached WhatsApp: check the chat on the phone before retrying$/);
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(world.wa.messages.slice(before).filter((m) => sentTextOf(m).text === 'are you there?')).toEqual([]);
		expect(usyncs() - usyncsBefore).toBe(1);

		const next = await sendText(jid, 'second try, by hand');
		expect(next.text.text).toBe('second try, by hand');
		expect(world.wa.messages.slice(before).filter((m) => sentTextOf(m).text === 'are you there?')).toEqual([]);
	});
});
