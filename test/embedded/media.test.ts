/**
 * Message → Get and Download Media over the embedded connection, in n8n's engine: the fake phone
 * delivers image and document messages pointing at blobs that the fake media server serves
 * encrypted as WhatsApp does; the node downloads and decrypts them into binary data (bytes, MIME
 * type, file name), refuses a tampered blob, honours the size cap, and Get Messages puts each
 * message's media on its item.
 */
import { startFakeMediaServer, mediaMessage, type FakeMediaServer } from '../fake-whatsapp';
import { chat, runChatsNode } from '../helpers/whatsAppChatsNode';
import { eventually, injectStored, startWorld, withConnection, type EmbeddedWorld } from './world';

jest.setTimeout(60_000);

const CONTACT = '15552220001@s.whatsapp.net';
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('holiday photo pixels '.repeat(300))]);
const INVOICE = Buffer.from('%PDF-1.7 invoice #2024-117 total 99.00 '.repeat(50));

let world: EmbeddedWorld;
let media: FakeMediaServer;

beforeAll(async () => {
	world = await startWorld();
	media = await startFakeMediaServer();
	process.env.WHATSAPP_CHATS_MEDIA_URL = media.url;
	// The fake phone answers media-retry requests for the files the media server holds.
	world.wa.answerMediaRetries((receipt) => media.answerMediaRetry(receipt));
	// The first execution connects; the session then stays warm for the rest of the file.
	const status = await node({ resource: 'session', operation: 'status' });
	expect(status.output[0].json).toMatchObject({ state: 'open', connected: true });
});

afterAll(async () => {
	delete process.env.WHATSAPP_CHATS_MEDIA_URL;
	await world?.close();
	await media?.close();
});

async function node(parameters: Record<string, unknown>) {
	return await runChatsNode({ credentials: world.credentials, parameters: parameters as never });
}

const getMessage = (id: string, extra: Record<string, unknown> = {}) => ({ resource: 'message', operation: 'get', chatId: chat(CONTACT), messageId: id, ...extra });

function bytesOf(item: { binary?: Record<string, { data: string }> }, property = 'data'): Buffer {
	expect(item.binary?.[property]).toBeDefined();
	return Buffer.from(item.binary![property].data, 'base64');
}

async function deliverDocument(chatJid = CONTACT) {
	const uploaded = await media.upload(INVOICE, 'document');
	const injected = await injectStored(world, {
		chat: chatJid,
		message: mediaMessage(uploaded, { mimetype: 'application/pdf', fileName: 'invoice-117.pdf', caption: 'your invoice' }),
	});
	return { uploaded, injected };
}

test('Get with Download Media: the document is fetched from the media host, decrypted, and output as binary', async () => {
	const { uploaded, injected } = await deliverDocument();
	const result = await node(getMessage(injected.key.id, { downloadMedia: true, binaryPropertyName: 'invoice' }));
	expect(result.error?.message).toBeUndefined();
	const [item] = result.output;
	expect(item.json).toMatchObject({
		id: injected.key.id,
		chatId: CONTACT,
		fromMe: false,
		text: 'your invoice',
		hasMedia: true,
		mediaType: 'document',
		mimeType: 'application/pdf',
		fileName: 'invoice-117.pdf',
		fileSize: INVOICE.length,
	});
	expect(bytesOf(item as never, 'invoice').equals(INVOICE)).toBe(true);
	expect(item.binary!.invoice).toMatchObject({ mimeType: 'application/pdf', fileName: 'invoice-117.pdf' });
	// The blob request reached the fake media host, at the message's path.
	expect(media.requests.map((request) => request.path)).toContain(uploaded.directPath);
	// The media key never leaves the store.
	const keyText = Buffer.from(uploaded.mediaKey).toString('base64');
	expect(JSON.stringify(item.json)).not.toContain(keyText);
});

test('an image without a file name gets one from its id and MIME type', async () => {
	const uploaded = await media.upload(PHOTO, 'image');
	const injected = await injectStored(world, { chat: CONTACT, message: mediaMessage(uploaded, { mimetype: 'image/jpeg', caption: 'the beach' }) });
	const result = await node(getMessage(injected.key.id, { downloadMedia: true }));
	expect(result.error?.message).toBeUndefined();
	expect(bytesOf(result.output[0] as never).equals(PHOTO)).toBe(true);
	expect(result.output[0].binary!.data).toMatchObject({ mimeType: 'image/jpeg', fileName: `${injected.key.id}.jpg` });
	expect(result.output[0].json).toMatchObject({ mediaType: 'image', mimeType: 'image/jpeg', fileName: null, text: 'the beach' });
});

test('a tampered blob fails with a clear error and no binary', async () => {
	const { uploaded, injected } = await deliverDocument();
	media.tamper(uploaded.directPath);
	const result = await node(getMessage(injected.key.id, { downloadMedia: true }));
	expect(result.error?.message).toBe(
		`The media of message "${injected.key.id}" failed its integrity check (its SHA-256 is not the one in the message): ` +
			"the file was changed or damaged on its way from WhatsApp's media server, so it is not used. Try again, or ask the sender to send it again",
	);
});

test('a blob tampered where the message gives no hash fails on its HMAC', async () => {
	const uploaded = await media.upload(INVOICE, 'document');
	const message = mediaMessage(uploaded, { mimetype: 'application/pdf', fileName: 'x.pdf' });
	delete (message.documentMessage as { fileEncSha256?: unknown }).fileEncSha256;
	const injected = await injectStored(world, { chat: CONTACT, message });
	media.tamper(uploaded.directPath, 40);
	const result = await node(getMessage(injected.key.id, { downloadMedia: true }));
	expect(result.error?.message).toMatch(/^The media of message "\w+" failed its integrity check \(its HMAC does not match\)/);
});

test('a file over "Max Media Size (MiB)" fails naming its size and the option, without asking the media host', async () => {
	const uploaded = await media.upload(INVOICE, 'document');
	const injected = await injectStored(world, {
		chat: CONTACT,
		message: mediaMessage(uploaded, { mimetype: 'video/mp4', fileLength: 5 * 1024 * 1024 }),
	});
	const before = media.requests.length;
	const result = await node(getMessage(injected.key.id, { downloadMedia: true, options: { maxMediaSizeMiB: 2 } }));
	expect(result.error?.message).toBe(
		`The media of message "${injected.key.id}" is 5 MiB, more than "Max Media Size (MiB)" allows (2 MiB); raise that option in the node options to download it`,
	);
	expect(media.requests.length).toBe(before);
});

test('a text message with Download Media: hasMedia false, no binary, no error', async () => {
	const injected = await injectStored(world, { chat: CONTACT, text: 'just words' });
	const result = await node(getMessage(injected.key.id, { downloadMedia: true }));
	expect(result.error?.message).toBeUndefined();
	expect(result.output[0].json).toMatchObject({ id: injected.key.id, text: 'just words', hasMedia: false, mediaType: null });
	expect(result.output[0].binary).toBeUndefined();
});

test('a media message deleted for everyone keeps no download details: no media, no binary', async () => {
	const { injected } = await deliverDocument();
	await world.wa.injectRevoke({ chat: CONTACT, id: injected.key.id });
	await withConnection(world.folder, (connection) =>
		eventually(() => connection.store.findMessage(CONTACT, injected.key.id)?.revoked, 5000, 'the revoke in the store'),
	);
	const result = await node(getMessage(injected.key.id, { downloadMedia: true }));
	expect(result.error?.message).toBeUndefined();
	expect(result.output[0].json).toMatchObject({ hasMedia: false, mediaType: null, fileName: null });
	expect(result.output[0].binary).toBeUndefined();
	await withConnection(world.folder, (connection) => expect(connection.store.findMessage(CONTACT, injected.key.id)?.media).toBeUndefined());
});

test('a message the store does not hold: the error names the id and the embedded connection', async () => {
	const result = await node(getMessage('3EB0NOTHERE01'));
	expect(result.error?.message).toMatch(/^Message "3EB0NOTHERE01" of chat 15552220001@s\.whatsapp\.net is not in the local store of the embedded session "test"/);
});

test('expired media is asked from the phone again (media retry) and downloaded from its new path', async () => {
	const { uploaded, injected } = await deliverDocument();
	media.expire(uploaded.directPath, { phoneKeepsIt: true });
	const result = await node(getMessage(injected.key.id, { downloadMedia: true }));
	expect(result.error?.message).toBeUndefined();
	expect(bytesOf(result.output[0] as never).equals(INVOICE)).toBe(true);
	expect(media.reuploads).toContain(injected.key.id);
	const paths = media.requests.map((request) => request.path);
	const renewed = await withConnection(world.folder, (connection) => connection.store.findMessage(CONTACT, injected.key.id)?.media?.directPath);
	expect(renewed).toMatch(/_reupload\.enc$/);
	expect(paths.slice(-2)).toEqual([uploaded.directPath, renewed]);
});

test('expired media the phone no longer has: a clear error', async () => {
	const { uploaded, injected } = await deliverDocument();
	media.expire(uploaded.directPath);
	const result = await node(getMessage(injected.key.id, { downloadMedia: true }));
	expect(result.error?.message).toBe(
		`WhatsApp's media server no longer has the media of message "${injected.key.id}", and the phone could not upload it again ` +
			'(Media re-upload failed by device (NOT_FOUND)); media deleted on the phone cannot be downloaded',
	);
});

test('Get Messages with Download Media: each message\'s media on its own item, an expired one says which message', async () => {
	const chatJid = '15552220002@s.whatsapp.net';
	const now = Math.floor(Date.now() / 1000);
	const photo = await media.upload(PHOTO, 'image');
	const first = await injectStored(world, { chat: chatJid, timestamp: now, message: mediaMessage(photo, { mimetype: 'image/jpeg' }) });
	const text = await injectStored(world, { chat: chatJid, timestamp: now + 1, text: 'see above' });
	const doc = await media.upload(INVOICE, 'document');
	const second = await injectStored(world, { chat: chatJid, timestamp: now + 2, message: mediaMessage(doc, { mimetype: 'application/pdf', fileName: 'b.pdf' }) });
	media.expire(photo.directPath);
	const result = await node({ resource: 'chat', operation: 'getMessages', chatId: chat(chatJid), limit: 10, downloadMedia: true });
	expect(result.error?.message).toBeUndefined();
	expect(result.output.map((item) => item.json.id)).toEqual([second.key.id, text.key.id, first.key.id]);
	expect(bytesOf(result.output[0] as never).equals(INVOICE)).toBe(true);
	expect(result.output[0].binary!.data).toMatchObject({ fileName: 'b.pdf', mimeType: 'application/pdf' });
	expect(result.output[1].binary).toBeUndefined();
	expect(result.output[2].binary).toBeUndefined();
	expect(result.output[2].json.mediaError).toBe(
		`WhatsApp's media server no longer has the media of message "${first.key.id}", and the phone could not upload it again ` +
			'(Media re-upload failed by device (NOT_FOUND)); media deleted on the phone cannot be downloaded',
	);
	// The store's raw copy shows the media's facts, never its key.
	expect(result.output[0].json.raw).toMatchObject({ media: { type: 'document', mimeType: 'application/pdf', fileName: 'b.pdf' } });
	expect(JSON.stringify(result.output.map((item) => item.json))).not.toContain(Buffer.from(doc.mediaKey).toString('base64'));
	await withConnection(world.folder, (connection) => expect(connection.store.findMessage(chatJid, second.key.id)?.media?.directPath).toBe(doc.directPath));
});
