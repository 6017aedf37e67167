/**
 * What the editor shows about the nodes: the trigger panels (events per backend, n8n 2.x wording),
 * the text n8n's node panel shows for the "WhatsApp Chats" app, the Chat field's labels, and the
 * documentation links and codex files n8n reads, checked against README.md and package.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NodeConnectionTypes, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';
import { WhatsAppChatsApi } from '../../credentials/WhatsAppChatsApi.credentials';
import { TRIGGER_EVENTS, type TriggerEvent } from '../../nodes/backends/ChatEvent';
import { chatLocator } from '../../nodes/WhatsAppChats/actions/common';
import { WhatsAppChats } from '../../nodes/WhatsAppChats/WhatsAppChats.node';
import { WhatsAppChatsEmbeddedTrigger } from '../../nodes/WhatsAppChatsEmbeddedTrigger/WhatsAppChatsEmbeddedTrigger.node';
import { GATEWAYS_SENDING, type GatewayLabel } from '../../nodes/WhatsAppChatsTrigger/triggerDescription';
import { WhatsAppChatsTrigger } from '../../nodes/WhatsAppChatsTrigger/WhatsAppChatsTrigger.node';

const ROOT = path.resolve(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

const action = new WhatsAppChats().description;
const gatewayTrigger = new WhatsAppChatsTrigger().description;
const embeddedTrigger = new WhatsAppChatsEmbeddedTrigger().description;
const NODES: INodeTypeDescription[] = [action, gatewayTrigger, embeddedTrigger];

const property = (description: INodeTypeDescription, name: string) => description.properties.find((p) => p.name === name) as INodeProperties;
const notices = (description: INodeTypeDescription) => description.properties.filter((p) => p.type === 'notice').map((p) => p.displayName);
const eventDescriptions = (description: INodeTypeDescription) =>
	Object.fromEntries((property(description, 'events').options as Array<{ value: TriggerEvent; description: string }>).map((o) => [o.value, o.description]));

/** The README's trigger table: which gateways send which event (✅, ❌, or "read only" for chat.unread / chat.read). */
function readmeGatewaysSending(): Record<TriggerEvent, GatewayLabel[]> {
	const lines = README.split('\n').filter((line) => /^\| `(chat|message|session)/.test(line));
	const result = {} as Record<TriggerEvent, GatewayLabel[]>;
	const columns: GatewayLabel[] = ['WAHA', 'Sessions API', 'Evolution API'];
	for (const line of lines) {
		const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
		const events = [...cells[0].matchAll(/`([a-z.]+)`/g)].map((match) => match[1] as TriggerEvent);
		for (const event of events) {
			result[event] = columns.filter((_gateway, index) => {
				const cell = cells[2 + index];
				if (cell.startsWith('✅')) return true;
				if (cell.startsWith('read only')) return event === 'chat.read';
				return false;
			});
		}
		expect(cells[5]).toBe('✅'); // embedded sends every event
	}
	return result;
}

describe('the trigger panels', () => {
	test('the Events list of the gateway trigger says per event which gateways send it, as the README table does', () => {
		expect(readmeGatewaysSending()).toEqual(GATEWAYS_SENDING);
		const descriptions = eventDescriptions(gatewayTrigger);
		expect(Object.keys(descriptions)).toEqual([...TRIGGER_EVENTS]);
		expect(descriptions['message.star']).toMatch(/Sent by Sessions API only\.$/);
		expect(descriptions['chat.archive']).toMatch(/Sent by WAHA and Sessions API only\.$/);
		expect(descriptions['chat.read']).toMatch(/Sent by Sessions API and Evolution API only\.$/);
		expect(descriptions.message).toMatch(/Sent by every gateway\.$/);
		expect(descriptions['chat.mute']).toBe('A chat was muted or unmuted. Sent by no gateway: only the embedded connection (WhatsApp Chats Embedded Trigger).');
		expect(descriptions['chat.label']).toBe(
			'A label was added to or removed from a chat (WhatsApp Business accounts). WAHA: label.chat.added / label.chat.deleted (on engines that send them); ' +
				'Evolution API: LABELS_ASSOCIATION; Sessions API: an event named chat.label. Sent by every gateway.',
		);
	});

	test('the embedded trigger lists every event without gateway notes: the embedded connection sends them all', () => {
		const descriptions = eventDescriptions(embeddedTrigger);
		expect(Object.keys(descriptions)).toEqual([...TRIGGER_EVENTS]);
		for (const text of Object.values(descriptions)) expect(text).not.toMatch(/Sent by/);
		expect(descriptions['chat.label']).toMatch(/labels\.association/);
	});

	test('notices use n8n 2.x words (Publish, listen for a test event) and name the other trigger', () => {
		const [gatewayNotice] = notices(gatewayTrigger);
		expect(gatewayNotice).toMatch(/Publish/);
		expect(gatewayNotice).toMatch(/listen for a test event/);
		expect(gatewayNotice).toMatch(/WhatsApp Chats Embedded Trigger/);
		const [embeddedNotice] = notices(embeddedTrigger);
		expect(embeddedNotice).toMatch(/Session → Get QR/);
		expect(embeddedNotice).toMatch(/WhatsApp Chats Trigger node/);
		for (const text of [...notices(gatewayTrigger), ...notices(embeddedTrigger)]) expect(text).not.toMatch(/activat/i);
	});

	test('only the gateway trigger has a webhook (so the embedded panel shows no webhook URL); both output Main', () => {
		expect(gatewayTrigger.webhooks).toEqual([expect.objectContaining({ name: 'default', httpMethod: 'POST', path: 'whatsapp-chats' })]);
		expect(embeddedTrigger.webhooks).toBeUndefined();
		for (const description of [gatewayTrigger, embeddedTrigger]) {
			expect(description.outputs).toEqual([NodeConnectionTypes.Main]);
			expect(description.inputs).toEqual([]);
			expect(description.credentials).toEqual([{ name: 'whatsAppChatsApi', required: true }]);
		}
	});
});

test('n8n’s node panel shows the gateway trigger’s description for the whole "WhatsApp Chats" app: it describes the actions too', () => {
	// n8n's editor (useActionsGenerator) merges a trigger into the app whose type name is the
	// trigger's without "Trigger", and shows the trigger's description for that app.
	const merged = NODES.filter((node) => node.group.includes('trigger') && node.name.replace('Trigger', '') === action.name);
	expect(merged.map((node) => node.name)).toEqual([gatewayTrigger.name]);
	expect(gatewayTrigger.description).toMatch(/^Manage WhatsApp chats and messages/);
	expect(gatewayTrigger.description).not.toMatch(/^Starts the workflow/);
	expect(action.description).not.toBe(embeddedTrigger.description);
});

test('the Chat field’s manual mode is "By ID" (the label n8n shows for an "id" mode), with a short placeholder', () => {
	const mode = chatLocator.modes!.find((m) => m.name === 'id')!;
	expect(mode.displayName).toBe('By ID');
	expect(mode.placeholder!.length).toBeLessThanOrEqual(24);
	expect(README).not.toContain('By Phone or ID');
	expect(README).toContain('Chat *By ID*');
});

describe('package metadata n8n reads', () => {
	/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
	const anchors = new Set(
		README.split('\n')
			.filter((line) => /^#{1,6} /.test(line))
			.map((line) =>
				line
					.replace(/^#+ /, '')
					.trim()
					.toLowerCase()
					.replace(/[^\p{L}\p{N} _-]/gu, '')
					.replace(/ /g, '-'),
			),
	);
	const home = String(PACKAGE.homepage).replace(/#readme$/, '');

	const codexFiles = () =>
		(PACKAGE.n8n.nodes as string[]).map((file) => path.join(ROOT, file.replace(/^dist\//, '').replace(/\.js$/, '.json')));

	test('package.json lists every node, has no "main" (there is no index.js)', () => {
		expect(PACKAGE.main).toBeUndefined();
		expect(PACKAGE.n8n.nodes).toEqual([
			'dist/nodes/WhatsAppChats/WhatsAppChats.node.js',
			'dist/nodes/WhatsAppChatsTrigger/WhatsAppChatsTrigger.node.js',
			'dist/nodes/WhatsAppChatsEmbeddedTrigger/WhatsAppChatsEmbeddedTrigger.node.js',
		]);
		for (const file of PACKAGE.n8n.nodes as string[]) {
			expect(fs.existsSync(path.join(ROOT, file.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
		}
	});

	test('every node has a codex file naming it', () => {
		const names = codexFiles().map((file) => JSON.parse(fs.readFileSync(file, 'utf8')).node);
		expect(names).toEqual(NODES.map((node) => `${PACKAGE.name}.${node.name}`));
	});

	test('documentation links point at sections of the README that exist', () => {
		const urls = [
			new WhatsAppChatsApi().documentationUrl,
			...codexFiles().flatMap((file) => {
				const { resources } = JSON.parse(fs.readFileSync(file, 'utf8'));
				return [...resources.primaryDocumentation, ...resources.credentialDocumentation].map((entry: { url: string }) => entry.url);
			}),
		];
		expect(urls.length).toBe(7);
		for (const url of urls) {
			const [base, anchor] = url.split('#');
			expect(base).toBe(home);
			expect([...anchors]).toContain(anchor);
		}
	});
});
