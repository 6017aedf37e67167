/**
 * Download Media for a new user, from nothing: a fresh n8n user folder, no session folder, a new
 * embedded credential paired through Session → Get QR; a document arrives from the phone and
 * Message → Get downloads it as binary data, also after n8n restarted the session (the store's
 * sealed file keeps what the download needs).
 */
import { randomBytes } from 'node:crypto';
import { closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { mediaMessage, startFakeMediaServer, type FakeMediaServer, type FakeWhatsApp } from '../fake-whatsapp';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { pairThroughGetQr, startFreshN8n, type FreshN8n } from './pairFromNothing';
import { eventually } from './world';

jest.setTimeout(60_000);

const CONTACT = '15553330001@s.whatsapp.net';
const REPORT = Buffer.from('%PDF-1.7 quarterly report '.repeat(80));

let wa: FakeWhatsApp;
let media: FakeMediaServer;
let fresh: FreshN8n;

beforeAll(async () => {
	fresh = await startFreshN8n('wa-media-fresh-');
	wa = fresh.wa;
	media = await startFakeMediaServer();
	process.env.WHATSAPP_CHATS_MEDIA_URL = media.url;
});

afterAll(async () => {
	await fresh?.close();
	await media?.close();
	delete process.env.WHATSAPP_CHATS_MEDIA_URL;
});

test('pair from nothing, receive a document, download it as binary; again after the session restarted', async () => {
	const secret = randomBytes(32).toString('base64url');
	const credentials = { connection: 'embedded', session: 'default', authFolder: '', sessionSecret: secret };
	const node = (parameters: Record<string, unknown>) => runChatsNode({ credentials, parameters: parameters as never });

	await pairThroughGetQr(wa, node);

	const uploaded = await media.upload(REPORT, 'document');
	const injected = await wa.injectMessage({ chat: CONTACT, message: mediaMessage(uploaded, { mimetype: 'application/pdf', fileName: 'Q3 report.pdf' }) });
	const get = { resource: 'message', operation: 'get', chatId: chat(CONTACT), messageId: injected.key.id, downloadMedia: true };
	const first = await eventually(async () => {
		const result = await node(get);
		return result.error ? undefined : result;
	}, 10_000, 'the document in the store');
	expect(first.output[0].binary?.data).toMatchObject({ mimeType: 'application/pdf', fileName: 'Q3 report.pdf' });
	expect(Buffer.from(first.output[0].binary!.data.data, 'base64').equals(REPORT)).toBe(true);

	// n8n restarts the session: the store is read back from its sealed file.
	await wa.settle();
	await closeAllSessions();
	const before = media.requests.length;
	const again = await node(get);
	expect(again.error?.message).toBeUndefined();
	expect(Buffer.from(again.output[0].binary!.data.data, 'base64').equals(REPORT)).toBe(true);
	expect(media.requests.slice(before).map((request) => request.path)).toEqual([uploaded.directPath]);
});
