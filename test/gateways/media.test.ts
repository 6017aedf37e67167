/**
 * Message → Get and Download Media over the gateways, in n8n's engine against the loopback
 * gateways: the requests on the wire per dialect, the media as n8n binary data (bytes, MIME type,
 * file name), the API key sent only to the gateway's own origin, the media size cap (declared,
 * streamed and base64 bodies) and the deadline on a body that drips, and Get Messages' media per item.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { MediaHost } from '../gateway-server/MediaHost';
import { EVOLUTION_INSTANCE, evolutionMediaOf, evolutionRecord, evolutionStateOf } from '../gateway-server/evolutionRoutes';
import { wahaFilesOf } from '../gateway-server/wahaRoutes';
import { chat, runChatsNode, sessionsApiCredentials, wahaCredentials } from '../helpers/whatsAppChatsNode';

jest.setTimeout(30_000);

const CHAT = '919988066776@c.us';
const CHAT_PATH = '919988066776%40c.us';
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('a small jpeg body '.repeat(40))]);
const PDF = Buffer.from('%PDF-1.4 invoice 1234 '.repeat(30));

let gateway: GatewayTestServer;
let mediaHost: MediaHost;
beforeAll(async () => {
	gateway = await GatewayTestServer.start();
	mediaHost = await MediaHost.start();
});
afterAll(async () => {
	await gateway.close();
	await mediaHost.close();
});
beforeEach(() => {
	gateway.reset();
	mediaHost.reset();
	gateway.state.messages.clear();
	wahaFilesOf(gateway.state).clear();
});

async function run(credentials: IDataObject, parameters: Record<string, unknown>) {
	return await runChatsNode({ credentials, parameters: parameters as never });
}

function bytesOf(item: INodeExecutionData, property = 'data'): Buffer {
	const binary = item.binary?.[property];
	expect(binary).toBeDefined();
	return Buffer.from(binary!.data, 'base64');
}

/** A WAHA media message whose `media.url` is `url`. */
function wahaMedia(id: string, url: string, mimetype: string, filename: string | null, extra: Record<string, unknown> = {}) {
	return { id: `false_${CHAT}_${id}`, timestamp: 1_700_000_300, from: CHAT, fromMe: false, body: 'see attached', hasMedia: true, media: { url, mimetype, filename }, ...extra };
}

const getMessage = (messageId: string, extra: Record<string, unknown> = {}) => ({
	resource: 'message',
	operation: 'get',
	chatId: chat('+91 99880-66776'),
	messageId,
	...extra,
});

describe('WAHA: Message Get', () => {
	test('a bare id is completed from the chat, then GET …/messages/{id} answers the summary with media facts', async () => {
		gateway.state.messages.set(CHAT, [
			wahaMedia('3EB0PDF00001', `${gateway.url}/api/files/default/invoice.pdf`, 'application/pdf', 'invoice.pdf', {
				_data: { message: { documentMessage: { mimetype: 'application/pdf', fileName: 'invoice.pdf', fileLength: '660' } } },
			}),
		]);
		const result = await run(wahaCredentials(gateway), getMessage('3EB0PDF00001'));
		expect(result.error).toBeUndefined();
		expect(gateway.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			`GET /api/default/chats/${CHAT_PATH}/messages`,
			`GET /api/default/chats/${CHAT_PATH}/messages/false_${CHAT_PATH}_3EB0PDF00001`,
		]);
		expect(gateway.requests[1].query).toEqual({ downloadMedia: 'false' });
		expect(result.output).toHaveLength(1);
		expect(result.output[0].json).toMatchObject({
			id: `false_${CHAT}_3EB0PDF00001`,
			chatId: CHAT,
			fromMe: false,
			text: 'see attached',
			hasMedia: true,
			mediaType: 'document',
			mimeType: 'application/pdf',
			fileName: 'invoice.pdf',
			fileSize: 660,
		});
		expect(result.output[0].binary).toBeUndefined();
	});

	test('Download Media fetches WAHA\'s own file URL with the API key and outputs binary data', async () => {
		wahaFilesOf(gateway.state).set('photo.jpeg', { data: JPEG, mimetype: 'image/jpeg' });
		gateway.state.messages.set(CHAT, [wahaMedia('3EB0JPG00001', `${gateway.url}/api/files/default/photo.jpeg`, 'image/jpeg', null)]);
		const result = await run(wahaCredentials(gateway), getMessage(`false_${CHAT}_3EB0JPG00001`, { downloadMedia: true, binaryPropertyName: 'photo' }));
		expect(result.error).toBeUndefined();
		expect(gateway.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			`GET /api/default/chats/${CHAT_PATH}/messages/false_${CHAT_PATH}_3EB0JPG00001`,
			'GET /api/files/default/photo.jpeg',
		]);
		expect(gateway.requests[0].query).toEqual({ downloadMedia: 'true' });
		expect(gateway.requests[1].headers['x-api-key']).toBe(TEST_API_KEY);
		const [item] = result.output;
		expect(bytesOf(item, 'photo').equals(JPEG)).toBe(true);
		expect(item.binary!.photo).toMatchObject({ mimeType: 'image/jpeg', fileName: '3EB0JPG00001.jpg' });
		expect(JSON.stringify(item.json)).not.toContain(JPEG.toString('base64').slice(0, 40));
		expect(item.json).toMatchObject({ hasMedia: true, mediaType: 'image', mimeType: 'image/jpeg' });
	});

	test('a media URL on another host is fetched without the API key', async () => {
		const url = mediaHost.serve('/bucket/invoice.pdf', { kind: 'file', data: PDF, mimetype: 'application/pdf' });
		gateway.state.messages.set(CHAT, [wahaMedia('3EB0PDF00002', url, 'application/pdf', 'invoice-2024.pdf')]);
		const result = await run(wahaCredentials(gateway), getMessage(`false_${CHAT}_3EB0PDF00002`, { downloadMedia: true }));
		expect(result.error).toBeUndefined();
		expect(mediaHost.requests).toHaveLength(1);
		const headers = mediaHost.requests[0].headers;
		expect(headers['x-api-key']).toBeUndefined();
		expect(headers.authorization).toBeUndefined();
		expect(JSON.stringify(headers)).not.toContain(TEST_API_KEY);
		expect(bytesOf(result.output[0]).equals(PDF)).toBe(true);
		expect(result.output[0].binary!.data).toMatchObject({ mimeType: 'application/pdf', fileName: 'invoice-2024.pdf' });
	});

	test('another host that wants a key: the error says the key goes only to the Base URL', async () => {
		const url = mediaHost.serve('/private/a.jpg', { kind: 'file', data: Buffer.from('no'), mimetype: 'text/plain', status: 401 });
		gateway.state.messages.set(CHAT, [wahaMedia('3EB0JPG00002', url, 'image/jpeg', null)]);
		const result = await run(wahaCredentials(gateway), getMessage(`false_${CHAT}_3EB0JPG00002`, { downloadMedia: true }));
		expect(result.error?.message).toMatch(/the media host 127\.0\.0\.1:\d+ refused the download of the media of message "false_919988066776@c.us_3EB0JPG00002"/i);
		expect(result.error?.message).toContain(`only to the Base URL's own address (${gateway.url})`);
		expect(result.error?.message).not.toContain(TEST_API_KEY);
		expect(mediaHost.requests[0].headers['x-api-key']).toBeUndefined();
	});

	test('a message without media and Download Media: its item, hasMedia false, no binary, no error', async () => {
		const result = await run(wahaCredentials(gateway), getMessage(`true_${CHAT}_3EB0AAAA0001`, { downloadMedia: true }));
		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toMatchObject({ id: `true_${CHAT}_3EB0AAAA0001`, hasMedia: false, mediaType: null, fileName: null });
		expect(result.output[0].binary).toBeUndefined();
		expect(gateway.requests).toHaveLength(1);
	});

	test('an unknown message: the error names the id and WAHA', async () => {
		const result = await run(wahaCredentials(gateway), getMessage(`true_${CHAT}_3EB0NOPE0001`));
		expect(result.error?.message).toBe(`WAHA has no message "true_${CHAT}_3EB0NOPE0001" in chat ${CHAT}`);
	});
});

describe('the media size cap and deadline', () => {
	test('a declared size over "Max Media Size (MiB)" fails naming size and option, before the body', async () => {
		const url = mediaHost.serve('/huge.mp4', { kind: 'declaredHuge', declaredBytes: 3 * 1024 * 1024 });
		gateway.state.messages.set(CHAT, [wahaMedia('3EB0BIG00001', url, 'video/mp4', null)]);
		const result = await run(wahaCredentials(gateway), getMessage(`false_${CHAT}_3EB0BIG00001`, { downloadMedia: true, options: { maxMediaSizeMiB: 2 } }));
		expect(result.error?.message).toBe(
			`The media of message "false_${CHAT}_3EB0BIG00001" is 3 MiB, more than "Max Media Size (MiB)" allows (2 MiB); raise that option in the node options to download it`,
		);
		expect(result.error?.description).toContain('Max Media Size (MiB)');
	});

	test('an endless body is cut off at the cap: the host sees the client hang up, not much past the cap', async () => {
		const url = mediaHost.serve('/endless.mp4', { kind: 'endless' });
		gateway.state.messages.set(CHAT, [wahaMedia('3EB0BIG00002', url, 'video/mp4', null)]);
		const result = await run(wahaCredentials(gateway), getMessage(`false_${CHAT}_3EB0BIG00002`, { downloadMedia: true, options: { maxMediaSizeMiB: 1 } }));
		expect(result.error?.message).toContain('is more than 1 MiB (cut off there), more than "Max Media Size (MiB)" allows (1 MiB)');
		const [request] = mediaHost.requests;
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(request.clientHungUp).toBe(true);
		// What the host managed to write before it noticed (socket buffers), far from endless.
		expect(request.bytesSent).toBeLessThan(16 * 1024 * 1024);
	});

	test('a body that drips fails at the Timeout and the connection is closed', async () => {
		const url = mediaHost.serve('/drip.jpg', { kind: 'drip', everyMs: 50 });
		gateway.state.messages.set(CHAT, [wahaMedia('3EB0DRP00001', url, 'image/jpeg', null)]);
		const started = Date.now();
		const result = await run(wahaCredentials(gateway), getMessage(`false_${CHAT}_3EB0DRP00001`, { downloadMedia: true, options: { timeout: 800, maxRetries: 0 } }));
		expect(result.error?.message).toMatch(/did not send the media of message "false_919988066776@c\.us_3EB0DRP00001" from http:\/\/127\.0\.0\.1:\d+\/drip\.jpg within \d+ ms/);
		expect(Date.now() - started).toBeLessThan(10_000);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(mediaHost.requests[0].clientHungUp).toBe(true);
	});

	test('Max Media Size (MiB) is checked before anything is sent', async () => {
		const result = await run(wahaCredentials(gateway), getMessage(`false_${CHAT}_X1`, { downloadMedia: true, options: { maxMediaSizeMiB: 0 } }));
		expect(result.error?.message).toBe('Invalid Max Media Size (MiB) 0: expected a whole number from 1 to 1024');
		expect(gateway.requests).toHaveLength(0);
	});
});

describe('WAHA: Get Messages with Download Media', () => {
	test('each message\'s media on its own item; a failed one says which message, the others keep theirs', async () => {
		wahaFilesOf(gateway.state).set('one.jpeg', { data: JPEG, mimetype: 'image/jpeg' });
		const pdfUrl = mediaHost.serve('/two.pdf', { kind: 'file', data: PDF, mimetype: 'application/pdf' });
		gateway.state.messages.set(CHAT, [
			wahaMedia('3EB0LST00001', `${gateway.url}/api/files/default/one.jpeg`, 'image/jpeg', 'one.jpeg'),
			{ id: `true_${CHAT}_3EB0LST00002`, timestamp: 1_700_000_400, from: CHAT, fromMe: true, body: 'text only', hasMedia: false },
			wahaMedia('3EB0LST00003', pdfUrl, 'application/pdf', 'two.pdf'),
			wahaMedia('3EB0LST00004', `${gateway.url}/api/files/default/gone.jpeg`, 'image/jpeg', null),
		]);
		const result = await run(wahaCredentials(gateway), {
			resource: 'chat',
			operation: 'getMessages',
			chatId: chat('+91 99880-66776'),
			limit: 10,
			downloadMedia: true,
		});
		expect(result.error).toBeUndefined();
		expect(gateway.requests[0].query).toMatchObject({ downloadMedia: 'true' });
		expect(result.output).toHaveLength(4);
		expect(bytesOf(result.output[0]).equals(JPEG)).toBe(true);
		expect(result.output[0].binary!.data).toMatchObject({ fileName: 'one.jpeg', mimeType: 'image/jpeg' });
		expect(result.output[1].binary).toBeUndefined();
		expect(result.output[1].json.mediaError).toBeUndefined();
		expect(bytesOf(result.output[2]).equals(PDF)).toBe(true);
		expect(result.output[3].binary).toBeUndefined();
		expect(result.output[3].json.mediaError).toMatch(/^WAHA no longer has the media of message "false_919988066776@c\.us_3EB0LST00004" from http:\/\/127\.0\.0\.1:\d+\/api\/files\/default\/gone\.jpeg \(HTTP 404\)$/);
		expect(result.output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }, { item: 0 }]);
	});
});

describe('Evolution API: Message Get', () => {
	const JID = '919988066776@s.whatsapp.net';
	const credentials = () => ({ connection: 'evolution', baseUrl: gateway.url, session: EVOLUTION_INSTANCE, apiKey: TEST_API_KEY });
	const added: string[] = [];
	function store(id: string, message: Record<string, unknown>, bytes?: Buffer) {
		evolutionStateOf(gateway.state).messages.push(evolutionRecord({ remoteJid: JID, fromMe: false, id }, 1_700_000_500, message));
		if (bytes) evolutionMediaOf(gateway.state).set(id, bytes);
		added.push(id);
	}
	afterEach(() => {
		const evolution = evolutionStateOf(gateway.state);
		evolution.messages = evolution.messages.filter((record) => !added.includes(record.key.id));
		added.length = 0;
	});

	test('a bare id is asked for by id; Download Media posts the key to getBase64FromMediaMessage and decodes it', async () => {
		store('3EB0EVO00001', { documentMessage: { mimetype: 'application/pdf', fileName: 'quote.pdf', fileLength: String(PDF.length), caption: 'the quote' } }, PDF);
		const result = await run(credentials(), getMessage('3EB0EVO00001', { downloadMedia: true }));
		expect(result.error).toBeUndefined();
		expect(gateway.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			`POST /chat/findMessages/${EVOLUTION_INSTANCE}`,
			`POST /chat/getBase64FromMediaMessage/${EVOLUTION_INSTANCE}`,
		]);
		expect(gateway.requests[0].body).toMatchObject({ where: { key: { id: '3EB0EVO00001' } } });
		expect(gateway.requests[1].body).toEqual({ message: { key: { remoteJid: JID, fromMe: false, id: '3EB0EVO00001' } }, convertToMp4: false });
		expect(gateway.requests[1].headers.apikey).toBe(TEST_API_KEY);
		const [item] = result.output;
		expect(item.json).toMatchObject({ id: '3EB0EVO00001', chatId: JID, text: 'the quote', hasMedia: true, mediaType: 'document', mimeType: 'application/pdf', fileName: 'quote.pdf', fileSize: PDF.length });
		expect(bytesOf(item).equals(PDF)).toBe(true);
		expect(item.binary!.data).toMatchObject({ mimeType: 'application/pdf', fileName: 'quote.pdf' });
	});

	test('a size known from the message over the cap fails without asking Evolution for the media', async () => {
		store('3EB0EVO00002', { videoMessage: { mimetype: 'video/mp4', fileLength: String(40 * 1024 * 1024) } });
		const result = await run(credentials(), getMessage('3EB0EVO00002', { downloadMedia: true }));
		expect(result.error?.message).toBe('The media of message "3EB0EVO00002" is 40 MiB, more than "Max Media Size (MiB)" allows (16 MiB); raise that option in the node options to download it');
		expect(gateway.requestsTo('POST', '/chat/getBase64FromMediaMessage')).toHaveLength(0);
	});

	test('base64 that decodes past the cap fails naming the size and the option', async () => {
		store('3EB0EVO00003', { imageMessage: { mimetype: 'image/jpeg' } }, Buffer.alloc(1024 * 1024 + 5000, 1));
		const result = await run(credentials(), getMessage('3EB0EVO00003', { downloadMedia: true, options: { maxMediaSizeMiB: 1 } }));
		expect(result.error?.message).toBe('The media of message "3EB0EVO00003" is 1 MiB (1053576 bytes), more than "Max Media Size (MiB)" allows (1 MiB); raise that option in the node options to download it');
	});

	test('an answer bigger than the cap allows for base64 is cut off and fails the same way', async () => {
		store('3EB0EVO00004', { imageMessage: { mimetype: 'image/jpeg' } }, Buffer.alloc(3 * 1024 * 1024, 2));
		const result = await run(credentials(), getMessage('3EB0EVO00004', { downloadMedia: true, options: { maxMediaSizeMiB: 1 } }));
		expect(result.error?.message).toBe('The media of message "3EB0EVO00004" is bigger, more than "Max Media Size (MiB)" allows (1 MiB); raise that option in the node options to download it');
	});

	test('an unknown message: the error names the id and Evolution API', async () => {
		const result = await run(credentials(), getMessage('3EB0NOPE0009'));
		expect(result.error?.message).toMatch(/^Evolution API has no stored message "3EB0NOPE0009" in chat 919988066776@s\.whatsapp\.net/);
	});

	test('Get Messages with Download Media puts each message\'s media on its item', async () => {
		const chatJid = '15550004444@s.whatsapp.net';
		evolutionStateOf(gateway.state).messages.push(
			evolutionRecord({ remoteJid: chatJid, fromMe: false, id: 'LISTIMG1' }, 1_700_000_900, { imageMessage: { mimetype: 'image/jpeg', caption: 'pic' } }),
			evolutionRecord({ remoteJid: chatJid, fromMe: true, id: 'LISTTXT1' }, 1_700_000_800, { conversation: 'words' }),
		);
		added.push('LISTIMG1', 'LISTTXT1');
		evolutionMediaOf(gateway.state).set('LISTIMG1', JPEG);
		const result = await run(credentials(), { resource: 'chat', operation: 'getMessages', chatId: chat(chatJid), limit: 10, downloadMedia: true, binaryPropertyName: 'file' });
		expect(result.error).toBeUndefined();
		expect(result.output.map((item) => item.json.id)).toEqual(['LISTIMG1', 'LISTTXT1']);
		expect(bytesOf(result.output[0], 'file').equals(JPEG)).toBe(true);
		expect(result.output[0].binary!.file).toMatchObject({ mimeType: 'image/jpeg', fileName: 'LISTIMG1.jpeg' });
		expect(result.output[1].binary).toBeUndefined();
		expect(gateway.requestsTo('POST', '/chat/getBase64FromMediaMessage').map((r) => (r.body as any).message.key.id)).toEqual(['LISTIMG1']);
	});
});

test('Sessions API: Message Get is refused with a hint, before any request', async () => {
	const result = await run(sessionsApiCredentials(gateway), getMessage('3EB0AAAA0001', { downloadMedia: true }));
	expect(result.error?.message).toMatch(/^Message: Get is not supported by Sessions API: the Sessions API gateway documents no endpoint that reads a message/);
	expect(gateway.requests).toHaveLength(0);
});
