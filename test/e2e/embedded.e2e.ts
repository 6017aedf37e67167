/**
 * Stage 2 and the embedded half of stage 4: the embedded connection (Baileys inside n8n) in real
 * n8n processes, against the fake WhatsApp server in this jest process.
 *
 * n8n's processes get WHATSAPP_CHATS_WA_URL (the product's own setting: Baileys connects to the
 * fake server) and a preload (test/e2e/preload/waTestRoot.mjs) that makes their Baileys trust the
 * fake server's test certificate root. The session folder holds a device paired with the fake
 * phone, written with the product's auth-state module; its chat store is filled by one short
 * session in this process first (chat changes need each chat's last message).
 *
 *  1. `n8n execute` of one workflow with every Chat / Message operation and Session Status,
 *     asserting node outputs and what reached the WhatsApp server (app-state mutations, messages);
 *  2. the three examples with their trigger swapped for the WhatsApp Chats Embedded Trigger, published,
 *     `n8n start`: messages arriving at the account start executions whose nodes act on WhatsApp;
 *  3. `n8n execute` of Session → Logout: WhatsApp is told to remove the device.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IDataObject, INode } from 'n8n-workflow';
import { executeWorkflow, importCredentials, importWorkflows, prepareUserFolder, publishWorkflow, type E2eCredential, type E2eExecutionResult } from '../../scripts/n8n/e2e';
import { startN8nServer, type ExecutionDetails, type RestSession, type RunningN8n } from '../../scripts/n8n/server';
import { sessionPaths } from '../../nodes/backends/embedded/paths';
import { acquireSession, closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { loadBaileys, startFakeWhatsApp, type FakeWhatsApp, type InjectedMessage } from '../fake-whatsapp';
import { TEST_SECRET, writePairedAuth } from '../embedded/world';
import { e2eWorkflow, EMBEDDED_TRIGGER_TYPE, example, freshUserFolder, logTiming, requireN8n, TRIGGER_TYPE, waitFor, withCredential } from './helpers/e2e';

const SESSION = 'e2e';
const ME = '15550001111@s.whatsapp.net';
const contact = (n: number) => `1555100000${n}@s.whatsapp.net`;
/** Ids the workflow file uses (test/e2e/workflows/embedded-operations.json). */
const THEIRS = '3EB0E2E0THEIRS0001';
const MINE = '3EB0E2E0MINE000001';
const PRELOAD = path.join(__dirname, 'preload', 'waTestRoot.mjs');

const EXAMPLES = {
	archive: { id: 'e2eEmbArchive001', file: 'auto-archive-after-reply.json' },
	react: { id: 'e2eEmbReact00001', file: 'react-to-keyword.json' },
	star: { id: 'e2eEmbStarOrder1', file: 'star-order-messages.json' },
} as const;

let wa: FakeWhatsApp;
let userFolder: string;
let authFolder: string;
let n8nEnv: Record<string, string>;
const seeded: Record<string, InjectedMessage> = {};
const timings: Record<string, number> = {};

beforeAll(async () => {
	requireN8n();
	let t = Date.now();
	wa = await startFakeWhatsApp();
	// the test root startFakeWhatsApp installed into this process's Baileys, for n8n's Baileys too
	const { WA_CERT_DETAILS } = await loadBaileys();
	const root = WA_CERT_DETAILS as unknown as { PUBLIC_KEY: Uint8Array; SERIAL: number };
	n8nEnv = {
		WHATSAPP_CHATS_WA_URL: wa.url,
		WHATSAPP_CHATS_E2E_CERT_ROOT: `${root.SERIAL}:${Buffer.from(root.PUBLIC_KEY).toString('hex')}`,
		NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${pathToFileURL(PRELOAD).href}`].filter(Boolean).join(' '),
		// an `n8n execute` closes the session when its workflow is done, so the process can end
		WHATSAPP_CHATS_LINGER_MS: '0',
	};

	userFolder = prepareUserFolder({ userFolder: freshUserFolder('embedded') });
	authFolder = path.join(userFolder, 'whatsapp-session');
	await writePairedSession();
	await seedStore();
	timings['pair + seed store'] = Date.now() - t;

	t = Date.now();
	const credential: E2eCredential = {
		id: 'e2eEmbeddedConn1',
		name: 'E2E embedded connection',
		type: 'whatsAppChatsApi',
		data: { connection: 'embedded', session: SESSION, authFolder, sessionSecret: TEST_SECRET },
	};
	await importCredentials([credential], { userFolder });
	timings['import:credentials'] = Date.now() - t;
	t = Date.now();
	const examples = Object.values(EXAMPLES).map(({ id, file }) => embeddedSource(withCredential(example(file), credential, id)));
	await importWorkflows([e2eWorkflow('embedded-operations.json'), e2eWorkflow('embedded-logout.json'), ...examples], { userFolder });
	timings['import:workflow (5)'] = Date.now() - t;
});

afterAll(async () => {
	logTiming('embedded', timings);
	await wa?.close();
});

/** A device paired with the fake phone, stored the way the product stores it. */
async function writePairedSession(): Promise<void> {
	await writePairedAuth(wa, authFolder, {}, SESSION);
}

/**
 * One session in this process receives the messages the operations work on (WhatsApp needs a
 * chat's last message for chat changes; bare message ids are completed from the store), then
 * closes: the store is on disk and the session lock is free for n8n.
 */
async function seedStore(): Promise<void> {
	process.env.WHATSAPP_CHATS_WA_URL = wa.url;
	const lease = await acquireSession(sessionPaths(SESSION, authFolder, TEST_SECRET));
	try {
		await lease.connection.whenOpen(30_000);
		const now = Math.floor(Date.now() / 1000);
		seeded.theirs = await wa.injectMessage({ chat: contact(1), id: THEIRS, text: 'Hello from a contact', pushName: 'Alice', timestamp: now - 10 });
		seeded.mine = await wa.injectMessage({ chat: contact(1), id: MINE, fromMe: true, text: 'Hello from me (sent on the phone)', timestamp: now - 5 });
		for (const n of [2, 3, 4, 5]) seeded[`chat${n}`] = await wa.injectMessage({ chat: contact(n), text: `message in chat ${n}`, timestamp: now - 20 + n });
		const store = lease.connection.store;
		await waitFor('the seeded messages in the store', () =>
			Object.values(seeded).every((message) => store.findMessage(message.key.remoteJid, message.key.id)),
		);
		await wa.settle();
	} finally {
		lease.release();
		await closeAllSessions();
		delete process.env.WHATSAPP_CHATS_WA_URL;
	}
}

/** The examples ship with the (gateway) WhatsApp Chats Trigger; embedded users swap in the Embedded Trigger. */
function embeddedSource<T extends { nodes: INode[] }>(workflow: T): T {
	return {
		...workflow,
		nodes: workflow.nodes.map((node) => {
			if (node.type !== TRIGGER_TYPE) return node;
			const { webhookId: _webhookId, ...rest } = node;
			return { ...rest, type: EMBEDDED_TRIGGER_TYPE };
		}),
	};
}

const mutationsFor = (indexName: string, jid: string) => wa.mutations.filter((m) => m.index[0] === indexName && m.index[1] === jid);
const lastMessageKeyOf = (value: IDataObject) =>
	(Object.values(value).find((action) => (action as IDataObject)?.messageRange) as { messageRange: { messages: Array<{ key: IDataObject }> } })
		.messageRange.messages[0].key;

describe('every Chat and Message operation over the embedded connection, in one `n8n execute`', () => {
	let result: E2eExecutionResult;
	let sentBefore: number;

	beforeAll(async () => {
		sentBefore = wa.messages.length;
		const t = Date.now();
		const workflowId = 'e2eEmbeddedOps01';
		result = await executeWorkflow(workflowId, { userFolder, env: n8nEnv });
		timings['execute operations'] = Date.now() - t;
		await wa.settle();
	});

	const single = (node: string) => {
		const items = result.json(node);
		expect(items).toHaveLength(1);
		return items[0];
	};

	test('the execution succeeds, every node ran', () => {
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		const nodes = e2eWorkflow('embedded-operations.json').nodes.map((node) => node.name);
		expect(Object.keys(result.runData).sort()).toEqual([...nodes].sort());
	});

	test('Session Status: connected as the paired account, app-state keys there', () => {
		expect(single('Session Status')).toMatchObject({ success: true, backend: 'Embedded (Baileys)', state: 'open', connected: true, me: ME, appStateKeysReady: true });
	});

	test('Get Many Chats and Get Messages come from the store filled before', () => {
		const chats = result.json('Get Many Chats').map((chat) => chat.id);
		expect(chats).toEqual(expect.arrayContaining([contact(1), contact(2), contact(3), contact(5)]));
		expect(result.json('Get Messages')).toMatchObject([
			{ id: MINE, chatId: contact(1), fromMe: true, text: 'Hello from me (sent on the phone)' },
			{ id: THEIRS, chatId: contact(1), fromMe: false, from: contact(1), text: 'Hello from a contact' },
		]);
	});

	test.each([
		['Archive Chat', 'archive', 2, { archived: true }, (value: IDataObject) => expect(value.archiveChatAction).toMatchObject({ archived: true })],
		['Mark Chat Unread', 'markChatAsRead', 3, { unread: true }, (value: IDataObject) => expect(value.markChatAsReadAction).toMatchObject({ read: false })],
		['Delete Chat', 'deleteChat', 4, { deleted: true }, (value: IDataObject) => expect(value.deleteChatAction).toBeDefined()],
		['Clear Messages', 'clearChat', 5, { cleared: true }, (value: IDataObject) => expect(value.clearChatAction).toBeDefined()],
	])('%s: the app-state mutation with the chat’s last message reached WhatsApp', (node, indexName, n, fields, checkValue) => {
		const jid = contact(n);
		expect(single(node)).toMatchObject({ success: true, chatId: jid, ...fields });
		const [mutation] = mutationsFor(indexName, jid);
		expect(mutation).toMatchObject({ operation: 'set' });
		checkValue(mutation.value as IDataObject);
		expect(lastMessageKeyOf(mutation.value as IDataObject)).toMatchObject({ id: seeded[`chat${n}`].key.id, remoteJid: jid });
	});

	test('Unarchive Chat: archived false, after the archive', () => {
		expect(single('Unarchive Chat')).toMatchObject({ success: true, chatId: contact(2), archived: false });
		expect(mutationsFor('archive', contact(2)).map((m) => (m.value as IDataObject).archiveChatAction)).toMatchObject([{ archived: true }, { archived: false }]);
	});

	test('Star / Unstar Message: star mutations for the message', () => {
		expect(single('Star Message')).toMatchObject({ success: true, chatId: contact(1), messageId: THEIRS, starred: true });
		expect(single('Unstar Message')).toMatchObject({ messageId: THEIRS, starred: false });
		const stars = wa.mutations.filter((m) => m.index[0] === 'star' && m.index[2] === THEIRS);
		expect(stars.map((m) => [m.index, (m.value as IDataObject).starAction])).toMatchObject([
			[['star', contact(1), THEIRS, '0', '0'], { starred: true }],
			[['star', contact(1), THEIRS, '0', '0'], { starred: false }],
		]);
	});

	test('Edit, Pin, Unpin, React, Remove Reaction, Delete Message: the protocol messages reached WhatsApp in order', async () => {
		const B = await loadBaileys();
		const sent = wa.messages.slice(sentBefore);
		expect(sent.map((m) => m.decryptErrors)).toEqual(sent.map(() => []));
		const [edit, pin, unpin, react, unreact, revoke] = sent;
		expect(sent).toHaveLength(6);

		expect(edit).toMatchObject({ to: contact(1), edit: '1' });
		expect(edit.message?.protocolMessage).toMatchObject({ type: B.proto.Message.ProtocolMessage.Type.MESSAGE_EDIT, key: { id: MINE, fromMe: true } });
		const edited = edit.message?.protocolMessage?.editedMessage;
		expect(edited?.conversation ?? edited?.extendedTextMessage?.text).toBe('edited in n8n');
		expect(single('Edit Message')).toMatchObject({ success: true, messageId: MINE, edited: true, text: 'edited in n8n' });

		expect(pin).toMatchObject({ edit: '2' });
		expect(pin.message?.pinInChatMessage).toMatchObject({ type: 1, key: { id: THEIRS, fromMe: false, remoteJid: contact(1) } });
		expect(pin.message?.messageContextInfo?.messageAddOnDurationInSecs).toBe(86400);
		expect(single('Pin Message')).toMatchObject({ messageId: THEIRS, pinned: true, durationSeconds: 86400 });
		expect(unpin.message?.pinInChatMessage).toMatchObject({ type: 2, key: { id: THEIRS } });
		expect(single('Unpin Message')).toMatchObject({ pinned: false });

		expect(react.message?.reactionMessage).toMatchObject({ text: '👍', key: { id: THEIRS, remoteJid: contact(1) } });
		expect(single('React')).toMatchObject({ messageId: THEIRS, reaction: '👍', removed: false });
		expect(unreact.message?.reactionMessage).toMatchObject({ text: '', key: { id: THEIRS } });
		expect(single('Remove Reaction')).toMatchObject({ reaction: '', removed: true });

		expect(revoke).toMatchObject({ edit: '7' });
		expect(revoke.message?.protocolMessage).toMatchObject({ type: B.proto.Message.ProtocolMessage.Type.REVOKE, key: { id: MINE, fromMe: true } });
		expect(single('Delete Message')).toMatchObject({ messageId: MINE, deleted: true });
	});

	test('Get QR on a paired session: refused with what to do (continue on fail)', () => {
		expect(result.json('Get QR (already paired)')).toEqual([
			{ error: `The embedded session "${SESSION}" is already paired with 15550001111; run Session → Logout first to link another phone, or use another session name` },
		]);
	});
});

describe('the examples with the embedded trigger, published, in `n8n start`', () => {
	let n8n: RunningN8n | undefined;
	let rest: RestSession;

	beforeAll(async () => {
		let t = Date.now();
		for (const { id } of Object.values(EXAMPLES)) await publishWorkflow(id, { userFolder, env: n8nEnv });
		timings['publish:workflow (3)'] = Date.now() - t;
		t = Date.now();
		const connectionsBefore = wa.connections;
		n8n = await startN8nServer({ userFolder, env: n8nEnv });
		rest = await n8n.ownerSession();
		// activation: the three triggers share one connection to WhatsApp
		await waitFor('the embedded session to log in', () => wa.openConnections === 1 && wa.connections > connectionsBefore);
		await wa.settle();
		timings['n8n start + session open'] = Date.now() - t;
	});

	afterAll(async () => await n8n?.stop());

	async function finishedExecutions(key: keyof typeof EXAMPLES, count: number): Promise<ExecutionDetails[]> {
		const list = await waitFor(`${count} finished executions of ${key}`, async () => {
			const executions = await rest.executions(EXAMPLES[key].id);
			return executions.length >= count && executions.every((execution) => execution.status !== 'running' && execution.status !== 'new') && executions;
		});
		return await Promise.all(list.map((execution) => rest.execution(execution.id)));
	}

	const outputOf = (execution: ExecutionDetails, node: string) =>
		(execution.data.resultData.runData[node]?.[0]?.data?.main?.[0] ?? []).map((item) => item.json);
	const startedBy = (executions: ExecutionDetails[], messageId: string) => {
		const found = executions.filter((execution) => outputOf(execution, 'WhatsApp Chats Trigger').some((event) => event.messageId === messageId));
		expect(found).toHaveLength(1);
		return found[0];
	};

	test('a contact’s message with "thanks" and an order number: 🙏 reaction and a star; my reply archives the chat', async () => {
		const jid = contact(7);
		const sentBefore = wa.messages.length;
		const question = await wa.injectMessage({ chat: jid, text: 'Thanks! Where is my order #12345?', pushName: 'Bob' });
		const reaction = await wa.waitFor('message', (m) => m.type === 'reaction' && m.message?.reactionMessage?.key?.id === question.key.id, 60_000);
		expect(reaction.message?.reactionMessage).toMatchObject({ text: '🙏', key: { id: question.key.id, remoteJid: jid, fromMe: false } });
		const star = await wa.waitFor('mutation', (m) => m.index[0] === 'star' && m.index[2] === question.key.id, 60_000);
		expect(star.value.starAction?.starred).toBe(true);

		const reply = await wa.injectMessage({ chat: jid, fromMe: true, text: 'It ships today.' });
		const archive = await wa.waitFor('mutation', (m) => m.index[0] === 'archive' && m.index[1] === jid, 60_000);
		expect(archive.value.archiveChatAction?.archived).toBe(true);
		expect(lastMessageKeyOf(archive.value as IDataObject)).toMatchObject({ id: reply.key.id, fromMe: true });

		const reacted = await finishedExecutions('react', 1);
		const starred = await finishedExecutions('star', 2);
		const archived = await finishedExecutions('archive', 2);
		for (const execution of [...reacted, ...starred, ...archived]) expect(execution).toMatchObject({ status: 'success', mode: 'trigger' });

		// react: the reply is an own message, which the trigger ignores by default
		expect(reacted).toHaveLength(1);
		expect(outputOf(startedBy(reacted, question.key.id), 'WhatsApp Chats Trigger')).toEqual([
			expect.objectContaining({ event: 'message', session: SESSION, chatId: jid, messageId: question.key.id, fromMe: false, data: expect.objectContaining({ text: 'Thanks! Where is my order #12345?' }) }),
		]);
		expect(outputOf(startedBy(reacted, question.key.id), 'React 🙏')).toEqual([expect.objectContaining({ success: true, chatId: jid, messageId: question.key.id, reaction: '🙏' })]);

		expect(outputOf(startedBy(starred, question.key.id), 'Star Message')).toEqual([expect.objectContaining({ success: true, messageId: question.key.id, starred: true })]);
		expect(startedBy(starred, reply.key.id).data.resultData.runData['Star Message']).toBeUndefined();

		expect(startedBy(archived, question.key.id).data.resultData.runData['Archive Chat']).toBeUndefined();
		expect(outputOf(startedBy(archived, reply.key.id), 'Archive Chat')).toEqual([expect.objectContaining({ success: true, chatId: jid, archived: true })]);

		// exactly one reaction and nothing else was sent by the workflows
		expect(wa.messages.slice(sentBefore).map((m) => m.type)).toEqual(['reaction']);
	});
});

describe('Session → Logout in `n8n execute`', () => {
	test('WhatsApp is told to remove the device; the session is no longer paired', async () => {
		const t = Date.now();
		const result = await executeWorkflow('e2eEmbeddedOut01', { userFolder, env: n8nEnv });
		timings['execute logout'] = Date.now() - t;
		expect(result.status).toBe('success');
		expect(result.json('Logout')).toEqual([expect.objectContaining({ success: true, loggedOut: true, raw: expect.objectContaining({ session: SESSION, unlinked: ME }) })]);
		const iq = await wa.waitFor('iq', (i) => i.xmlns === 'md' && i.child === 'remove-companion-device');
		expect((iq.node.content as Array<{ attrs: Record<string, string> }>)[0].attrs).toMatchObject({ reason: 'user_initiated' });
		expect(result.json('Status After Logout')).toEqual([expect.objectContaining({ connected: false, me: null })]);
		expect(fs.existsSync(path.join(authFolder, 'creds.json'))).toBe(false);
	});
});
