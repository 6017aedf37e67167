/**
 * The Label resource over the embedded connection, through the node in n8n-core's engine against
 * the fake WhatsApp server, starting from the phone: a WhatsApp Business phone makes labels and
 * tags a chat (app state), the store keeps them (also across a restart), Get Many / Get Chat's
 * Labels / Chat → Get Many show them, Add to / Remove from Chat push the `label_jid` mutation the
 * server decodes, the embedded trigger emits `chat.label`, and a personal account is told that
 * labels need WhatsApp Business.
 */
import { closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { BUSINESS_PLATFORM, labelMutations, phoneEditsLabel, phoneLabelsChat, waitForChatLabelMutation } from '../fake-whatsapp/labels';
import { startTrigger, type TriggerUnderTest } from '../helpers/n8nTrigger';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { eventually, injectStored, startWorld, withConnection, type EmbeddedWorld } from './world';

jest.setTimeout(60_000);

const CUSTOMER = '15557000001@s.whatsapp.net';
const OTHER = '15557000002@s.whatsapp.net';
const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const byName = (value: string) => ({ __rl: true, mode: 'name', value });

describe('a WhatsApp Business account', () => {
	let world: EmbeddedWorld;
	let trigger: TriggerUnderTest;

	beforeAll(async () => {
		world = await startWorld({ server: { platform: BUSINESS_PLATFORM } });
		trigger = await startTrigger({ credentials: world.credentials, parameters: { source: 'embedded', events: ['chat.label'] } });
		await trigger.startTrigger();
		await eventually(() => withConnection(world.folder, (connection) => connection.currentState === 'open'), 10_000, 'an open connection');
	});
	afterAll(async () => {
		await trigger?.close();
		await world?.close();
	});

	async function node(parameters: Record<string, unknown>, input?: Array<{ json: Record<string, unknown> }>) {
		return await runChatsNode({ credentials: world.credentials, parameters: { resource: 'label', ...parameters } as never, input: input as never });
	}
	const labelEvents = () => trigger.executions.map(([item]) => item.json).filter((json) => json.event === 'chat.label');

	test('before the phone has sent any label, Get Many says no labels are known yet and why', async () => {
		const result = await node({ operation: 'getMany' });
		expect(result.error?.message).toBe(
			'No labels are known yet for the embedded session "test": WhatsApp sends a linked device the labels of a WhatsApp Business account with its app-state sync, ' +
				'and the phone has sent none so far (labels need WhatsApp Business; a personal account has none). ' +
				'Keep the phone online with WhatsApp Business open, or create or edit a label there, then retry',
		);
	});

	test('labels the phone makes arrive as app state: Get Many lists them with their colour', async () => {
		await phoneEditsLabel(world.wa, { id: '1', name: 'New customer', color: 1 });
		await phoneEditsLabel(world.wa, { id: '2', name: 'VIP', color: 4 });
		await eventually(() => withConnection(world.folder, (connection) => connection.store.labelCount === 2), 5000, 'two labels in the store');
		const result = await node({ operation: 'getMany' });
		expect(result.error).toBeUndefined();
		expect(result.output.map((item) => item.json)).toEqual([
			{ id: '1', name: 'New customer', color: 1, colorName: 'Color 2', colorHex: null, raw: { id: '1', name: 'New customer', color: 1, deleted: false } },
			{ id: '2', name: 'VIP', color: 4, colorName: 'Color 5', colorHex: null, raw: { id: '2', name: 'VIP', color: 4, deleted: false } },
		]);
	});

	test("the phone tags a chat: Get Chat's Labels and Chat → Get Many show it, the trigger emits chat.label", async () => {
		await injectStored(world, { chat: CUSTOMER, text: 'Hello, I want to order' });
		await injectStored(world, { chat: OTHER, text: 'Hi' });
		await phoneLabelsChat(world.wa, '1', CUSTOMER);
		await eventually(() => withConnection(world.folder, (connection) => connection.store.getChat(CUSTOMER)?.labels?.includes('1')), 5000, 'the label on the chat');

		const forChat = await node({ operation: 'getForChat', chatId: chat(CUSTOMER) });
		expect(forChat.error).toBeUndefined();
		expect(forChat.output[0].json).toMatchObject({ success: true, chatId: CUSTOMER, labels: [{ id: '1', name: 'New customer' }] });

		const chats = await runChatsNode({ credentials: world.credentials, parameters: { resource: 'chat', operation: 'getMany', returnAll: true } as never });
		const byChat = Object.fromEntries(chats.output.map((item) => [item.json.id, item.json.labels]));
		expect(byChat[CUSTOMER]).toEqual([{ id: '1', name: 'New customer' }]);
		expect(byChat[OTHER]).toEqual([]);

		await eventually(() => labelEvents().length >= 1, 5000, 'a chat.label event');
		expect(labelEvents()[0]).toMatchObject({ event: 'chat.label', session: 'test', chatId: CUSTOMER, data: { labelId: '1', labelName: 'New customer', added: true } });
	});

	test('Add to Chat by name pushes the label_jid association; the chat keeps its other label', async () => {
		const result = await node({ operation: 'addToChat', chatId: chat(`+${CUSTOMER.split('@')[0]}`), label: byName('vip') });
		expect(result.error).toBeUndefined();
		const mutation = await waitForChatLabelMutation(world.wa, { labelId: '2', chatJid: CUSTOMER, labeled: true });
		expect(mutation.collection).toBe('regular');
		expect(result.output[0].json).toMatchObject({ success: true, chatId: CUSTOMER, labelId: '2', labelName: 'VIP', added: true, changed: true });
		// Baileys reports our own change as labels.association too: the trigger names the label from the store.
		await eventually(() => labelEvents().some((json) => (json.data as { labelId?: string }).labelId === '2'), 5000, 'our own chat.label event');
		expect(labelEvents().find((json) => (json.data as { labelId?: string }).labelId === '2')).toMatchObject({ chatId: CUSTOMER, data: { labelName: 'VIP', added: true } });

		const forChat = await node({ operation: 'getForChat', chatId: chat(CUSTOMER) });
		expect(forChat.output[0].json.labels).toEqual([
			{ id: '1', name: 'New customer' },
			{ id: '2', name: 'VIP' },
		]);
	});

	test('a label already on the chat: success with a note, nothing sent', async () => {
		const before = labelMutations(world.wa).length;
		const result = await node({ operation: 'addToChat', chatId: chat(CUSTOMER), label: byId('1') });
		expect(result.output[0].json).toMatchObject({ success: true, changed: false, note: 'Label "New customer" was already on the chat; nothing was changed' });
		await world.wa.settle();
		expect(labelMutations(world.wa)).toHaveLength(before);
	});

	test('Remove from Chat pushes the association with labeled false', async () => {
		const result = await node({ operation: 'removeFromChat', chatId: chat(CUSTOMER), label: byId('1') });
		expect(result.error).toBeUndefined();
		await waitForChatLabelMutation(world.wa, { labelId: '1', chatJid: CUSTOMER, labeled: false });
		expect(result.output[0].json).toMatchObject({ labelId: '1', added: false, changed: true });
		const forChat = await node({ operation: 'getForChat', chatId: chat(CUSTOMER) });
		expect(forChat.output[0].json.labels).toEqual([{ id: '2', name: 'VIP' }]);
	});

	test('an unknown label fails before anything is sent, listing the labels there are', async () => {
		const before = labelMutations(world.wa).length;
		const result = await node({ operation: 'addToChat', chatId: chat(OTHER), label: byName('Gold') });
		expect(result.error?.message).toBe('Embedded (Baileys) knows no label with name "Gold": the labels are "New customer" (ID 1), "VIP" (ID 2); pick one from the list');
		await world.wa.settle();
		expect(labelMutations(world.wa)).toHaveLength(before);
	});

	test('a label the phone deletes is gone from the list and from its chats', async () => {
		await phoneEditsLabel(world.wa, { id: '2', name: 'VIP', color: 4, deleted: true });
		await eventually(() => withConnection(world.folder, (connection) => connection.store.labelCount === 1), 5000, 'the label deleted');
		const labels = await node({ operation: 'getMany' });
		expect(labels.output.map((item) => item.json.id)).toEqual(['1']);
		const forChat = await node({ operation: 'getForChat', chatId: chat(CUSTOMER) });
		expect(forChat.output[0].json.labels).toEqual([]);
	});

	test('labels and chat labels are kept in the store file: after a restart they are still known', async () => {
		await phoneLabelsChat(world.wa, '1', OTHER);
		await eventually(() => withConnection(world.folder, (connection) => connection.store.getChat(OTHER)?.labels?.includes('1')), 5000, 'the label on the chat');
		await trigger.close();
		await world.wa.settle();
		await closeAllSessions();
		const labels = await node({ operation: 'getMany' });
		expect(labels.error).toBeUndefined();
		expect(labels.output.map((item) => item.json.name)).toEqual(['New customer']);
		const forChat = await node({ operation: 'getForChat', chatId: chat(OTHER) });
		expect(forChat.output[0].json.labels).toEqual([{ id: '1', name: 'New customer' }]);
	});
});

describe('a personal (non-Business) account', () => {
	let world: EmbeddedWorld;
	beforeAll(async () => (world = await startWorld()));
	afterAll(async () => await world?.close());

	test.each(['getMany', 'addToChat'])('%s says that labels need WhatsApp Business, sending nothing', async (operation) => {
		const result = await runChatsNode({
			credentials: world.credentials,
			parameters: { resource: 'label', operation, chatId: chat(CUSTOMER), label: byId('1') } as never,
		});
		expect(result.error?.message).toBe(
			'Labels need WhatsApp Business: the embedded session "test" is linked to a personal WhatsApp account (its phone app reports platform "android"). ' +
				'Link the session to a WhatsApp Business account to use labels',
		);
		await world.wa.settle();
		expect(labelMutations(world.wa)).toEqual([]);
	});
});
