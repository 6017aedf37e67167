/**
 * Send Text for a new user, from nothing: a fresh n8n user folder, no session folder, a new
 * embedded credential paired through Session → Get QR; then the first send, a reply to it, and
 * the recipient's read receipt reaching the Embedded Trigger as `message.ack`.
 */
import { randomBytes } from 'node:crypto';
import { lidUserFor, sendReceipt, sentTextOf, type FakeWhatsApp } from '../fake-whatsapp';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { pairThroughGetQr, startFreshN8n, type FreshN8n } from './pairFromNothing';
import { eventually } from './world';

jest.setTimeout(40_000);

const CUSTOMER = '15557001234@s.whatsapp.net';

let wa: FakeWhatsApp;
let fresh: FreshN8n;
let trigger: TriggerUnderTest | undefined;

beforeAll(async () => {
	fresh = await startFreshN8n('wa-fresh-send-');
	wa = fresh.wa;
});

afterAll(async () => {
	await trigger?.close();
	await fresh?.close();
});

test('pair from nothing, send a text, reply to it, and see the recipient read it', async () => {
	const credentials = { connection: 'embedded', session: 'default', authFolder: '', sessionSecret: randomBytes(32).toString('base64url') };
	const node = (parameters: Record<string, unknown>) => runChatsNode({ credentials, parameters: parameters as never });

	await pairThroughGetQr(wa, node);

	trigger = await startTrigger({ credentials, parameters: { source: 'embedded', events: ['message.ack'] } });
	await trigger.startTrigger();

	const first = await node({ resource: 'message', operation: 'sendText', chatId: chat('+1 555 700 1234'), text: 'Welcome! Your account is ready.' });
	expect(first.error).toBeUndefined();
	const id = first.output[0].json.messageId as string;
	expect(first.output[0].json).toMatchObject({ success: true, chatId: CUSTOMER, messageId: id });
	expect(sentTextOf(await wa.waitFor('message', (m) => m.id === id))).toEqual({ text: 'Welcome! Your account is ready.', quoted: null, preview: null });

	const reply = await node({ resource: 'message', operation: 'sendText', chatId: chat(CUSTOMER), text: 'Questions? Just answer here.', options: { replyTo: id } });
	expect(reply.error).toBeUndefined();
	const replyId = reply.output[0].json.messageId as string;
	expect(sentTextOf(await wa.waitFor('message', (m) => m.id === replyId)).quoted).toEqual({
		stanzaId: id,
		participant: '15550001111@s.whatsapp.net',
		remoteJid: null,
		quotedText: 'Welcome! Your account is ready.',
	});

	await sendReceipt(wa, { chat: CUSTOMER, ids: [id, replyId], kind: 'read' });
	await eventually(() => trigger!.executions.length === 2, 5000, 'two acks');
	expect(trigger.executions.map(([item]) => [item.json.messageId, item.json.data])).toEqual([
		[id, { status: 'read', from: CUSTOMER, fromPhone: CUSTOMER.split('@')[0], fromLid: `${lidUserFor(CUSTOMER.split('@')[0])}@lid` }],
		[replyId, { status: 'read', from: CUSTOMER, fromPhone: CUSTOMER.split('@')[0], fromLid: `${lidUserFor(CUSTOMER.split('@')[0])}@lid` }],
	]);
});
