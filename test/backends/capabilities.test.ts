/**
 * Capabilities are declared once per backend: the README's "Operations per backend" table is
 * rendered from the four capability maps and must equal the README, every lacked operation has
 * a hint, and the hint reaches the user through the node (before any request is sent).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { offers, type Capabilities } from '../../nodes/backends/capabilities';
import { EMBEDDED_CAPABILITIES } from '../../nodes/backends/embedded/capabilities';
import { EVOLUTION_CAPABILITIES } from '../../nodes/backends/evolution/capabilities';
import { SessionsApiBackend } from '../../nodes/backends/sessionsApi/SessionsApiBackend';
import { SESSIONS_API_CAPABILITIES } from '../../nodes/backends/sessionsApi/capabilities';
import { WAHA_CAPABILITIES } from '../../nodes/backends/waha/capabilities';
import { UnsupportedOperationError } from '../../nodes/backends/errors';
import { OPERATIONS, type Operation } from '../../nodes/backends/WhatsAppBackend';
import { GatewayHttpClient } from '../../nodes/transport/GatewayHttpClient';
import { GatewayTestServer } from '../gateway-server/GatewayTestServer';
import { runChatsNode, wahaCredentials } from '../helpers/whatsAppChatsNode';

/** The README's columns, in its order. */
const COLUMNS: Array<[title: string, capabilities: Capabilities]> = [
	['WAHA', WAHA_CAPABILITIES],
	['Sessions API', SESSIONS_API_CAPABILITIES],
	['Evolution API', EVOLUTION_CAPABILITIES],
	['Embedded', EMBEDDED_CAPABILITIES],
];

/** The README's rows: how operations are named there, some pairs in one row. */
const ROWS: Array<[resource: string, label: string, operations: Operation[]]> = [
	['Chat', 'Get Many', ['listChats']],
	['Chat', 'Get (one chat)', ['getChat']],
	['Chat', 'Get Picture (URL or file)', ['getChatPicture']],
	['Chat', 'Get Messages', ['listMessages']],
	['Chat', 'Archive / Unarchive', ['archiveChat', 'unarchiveChat']],
	['Chat', 'Mark Unread', ['markChatUnread']],
	['Chat', 'Mark Read', ['markChatRead']],
	['Chat', 'Mute (8 h / 1 week / always) / Unmute', ['muteChat', 'unmuteChat']],
	['Chat', 'Pin / Unpin (the chat)', ['pinChat', 'unpinChat']],
	['Chat', 'Delete', ['deleteChat']],
	['Chat', 'Clear Messages', ['clearMessages']],
	['Label', 'Get Many', ['listLabels']],
	['Label', "Get Chat's Labels", ['getChatLabels']],
	['Label', 'Add to Chat / Remove from Chat', ['addChatLabel', 'removeChatLabel']],
	['Message', 'Get (Download Media as binary)', ['getMessage']],
	['Message', 'Edit', ['editMessage']],
	['Message', 'Delete (for everyone)', ['deleteMessage']],
	['Message', 'Pin (24 h / 7 d / 30 d) / Unpin', ['pinMessage', 'unpinMessage']],
	['Message', 'Star / Unstar', ['starMessage', 'unstarMessage']],
	['Message', 'React (empty emoji removes)', ['reactToMessage']],
	['Message', 'Send Text (reply, link preview)', ['sendText']],
	['Session', 'Get QR (text + PNG)', ['getQr']],
	['Session', 'Request Pairing Code', ['requestPairingCode']],
	['Session', 'Status', ['getSessionStatus']],
	['Session', 'Logout', ['logout']],
];

function cell(capabilities: Capabilities, operations: Operation[]): string {
	const offered = operations.map((operation) => offers(capabilities, operation));
	// Operations sharing a row must agree, or the row would hide a difference.
	expect(new Set(offered).size).toBe(1);
	const notes = [...new Set(operations.map((operation) => capabilities.notes?.[operation]).filter(Boolean))];
	return [offered[0] ? '✅' : '❌', ...notes].join(' ');
}

function renderTable(): string[] {
	return [
		`| resource | operation | ${COLUMNS.map(([title]) => title).join(' | ')} |`,
		`|---|---|${COLUMNS.map(() => '---|').join('')}`,
		...ROWS.map(([resource, label, operations]) => `| ${resource} | ${label} | ${COLUMNS.map(([, capabilities]) => cell(capabilities, operations)).join(' | ')} |`),
	];
}

function readmeTable(): string[] {
	const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8').split('\n');
	const start = readme.findIndex((line, index) => line.startsWith('| resource | operation |') && readme.slice(0, index).some((l) => l === '## Operations per backend'));
	const end = readme.findIndex((line, index) => index > start && !line.startsWith('|'));
	return readme.slice(start, end);
}

test('the README table of operations per backend is what the capability maps say', () => {
	expect(ROWS.flatMap(([, , operations]) => operations).sort()).toEqual([...OPERATIONS].sort());
	expect(readmeTable()).toEqual(renderTable());
});

test('every operation a backend lacks says why and what to do instead', () => {
	for (const [, capabilities] of COLUMNS) {
		for (const [operation, hint] of Object.entries(capabilities.lacks)) {
			expect(OPERATIONS).toContain(operation);
			expect(hint).toMatch(/\w.{20,}/);
		}
	}
});

test('a backend method for a lacked operation fails with the map’s refusal, without a request', async () => {
	const http = new GatewayHttpClient('Sessions API', { baseUrl: 'http://127.0.0.1:9', apiKeyHeader: 'X-API-Key', timeoutMs: 1000, maxRetries: 0 });
	const backend = new SessionsApiBackend(http, 'e67a00be-ed45-4356-9488-049cabb9895d');
	expect(backend.supports('listChats')).toBe(false);
	expect(backend.supports('archiveChat')).toBe(true);
	const refusal = await backend.listChats({ limit: 1, offset: 0 }).catch((error: unknown) => error);
	expect(refusal).toBeInstanceOf(UnsupportedOperationError);
	expect((refusal as Error).message).toBe(`Chat: Get Many is not supported by Sessions API: ${SESSIONS_API_CAPABILITIES.lacks.listChats}`);
});

describe('through the node', () => {
	let gateway: GatewayTestServer;
	beforeAll(async () => (gateway = await GatewayTestServer.start()));
	afterAll(async () => await gateway.close());

	test('WAHA Logout fails at once with the hint, and nothing is sent', async () => {
		gateway.reset();
		const result = await runChatsNode({ credentials: wahaCredentials(gateway), parameters: { resource: 'session', operation: 'logout' } as never });
		expect(result.error?.message).toBe('Session: Logout is not supported by WAHA: log the session out from the WAHA dashboard or its sessions API');
		expect(gateway.requests).toHaveLength(0);
	});
});
