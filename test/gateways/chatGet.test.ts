/**
 * Chat → Get and Chat → Get Picture over the gateways, run in n8n's engine: the requests each
 * dialect receives (WAHA chats overview and picture routes, Evolution findChats and
 * fetchProfilePictureUrl), a chat the gateway does not know failing with its id and the backend,
 * the Sessions API refusing before any request, and the picture downloaded from a loopback
 * server standing in for WhatsApp's CDN: as binary with name and MIME type, never with the API
 * key, and cut off when the CDN drips or sends too much.
 */
import type http from 'node:http';
import type { IDataObject } from 'n8n-workflow';
import { GatewayTestServer, TEST_API_KEY } from '../gateway-server/GatewayTestServer';
import { EVOLUTION_INSTANCE } from '../gateway-server/evolutionRoutes';
import { HostileGateway } from '../gateway-server/HostileGateway';
import { profilePicturesOf } from '../gateway-server/profilePictures';
import { chat, evolutionCredentials, runChatsNode, sessionsApiCredentials, wahaCredentials } from '../helpers/whatsAppChatsNode';

const JID = '919988066776@s.whatsapp.net';
const CUS = '919988066776@c.us';
/** A JPEG's first bytes and some more: what a picture server sends. */
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF fake picture body')]);

let gateway: GatewayTestServer;
let cdn: HostileGateway;
beforeAll(async () => {
	gateway = await GatewayTestServer.start();
	cdn = await HostileGateway.start();
});
afterAll(async () => {
	await gateway.close();
	await cdn.close();
});
beforeEach(() => {
	gateway.reset();
	profilePicturesOf(gateway.state).clear();
	// One chat the tests read, first in the list, with the flags WEBJS keeps on its chats.
	gateway.state.chats = gateway.state.chats.filter((row) => row.id !== CUS);
	gateway.state.chats.unshift({ id: CUS, name: 'Priya', timestamp: 1_700_000_200, unreadCount: 2, archived: false, pinned: true, isMuted: true });
	cdn.use((_request, res) => jpeg(res, JPEG));
});

function jpeg(res: http.ServerResponse, body: Buffer, contentType = 'image/jpeg'): void {
	res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.length });
	res.end(body);
}

/** Waits for the socket to take more, or to be gone; leaves no listener behind. */
function drainedOrClosed(res: http.ServerResponse): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			res.off('drain', done);
			res.off('close', done);
			resolve();
		};
		res.on('drain', done);
		res.on('close', done);
	});
}

const pictureUrl = (name = 'v/t61.24694-24/12345_n.jpg') => `${cdn.url}/${name}?ccb=11-4&oh=01_Q5Aa&oe=6790ABCD`;

/** No header a CDN got may carry the API key, and none is a credential header at all. */
function expectNoCredentialsAtCdn(): void {
	expect(cdn.requests.length).toBeGreaterThan(0);
	for (const request of cdn.requests) {
		expect(JSON.stringify(request.headers)).not.toContain(TEST_API_KEY);
		expect(Object.keys(request.headers)).not.toEqual(expect.arrayContaining(['x-api-key']));
		for (const header of ['x-api-key', 'apikey', 'authorization', 'cookie']) expect(request.headers[header]).toBeUndefined();
	}
}

describe('WAHA', () => {
	const run = (parameters: Record<string, unknown>, overrides: IDataObject = {}) =>
		runChatsNode({ credentials: wahaCredentials(gateway, overrides), parameters: parameters as never });

	test('Get asks the chats overview for the one chat and outputs its fields and last message', async () => {
		profilePicturesOf(gateway.state).set(JID, pictureUrl());
		const result = await run({ resource: 'chat', operation: 'get', chatId: chat('+91 99880-66776') });
		expect(result.error).toBeUndefined();
		expect(gateway.requests).toHaveLength(1);
		expect(gateway.requests[0]).toMatchObject({ method: 'GET', path: '/api/default/chats/overview', query: { ids: CUS } });
		expect(gateway.requests[0].headers['x-api-key']).toBe(TEST_API_KEY);
		expect(result.output).toHaveLength(1);
		expect(result.output[0].json).toMatchObject({
			success: true,
			chatId: CUS,
			name: 'Priya',
			isGroup: false,
			pictureUrl: pictureUrl(),
			unreadCount: 2,
			archived: false,
			pinned: true,
			muted: true,
			lastMessageTimestamp: 1_700_000_200,
			lastMessage: { id: `false_${CUS}_3EB0AAAA0002`, chatId: CUS, phone: '919988066776', lid: null, fromMe: false, fromPhone: '919988066776', fromLid: null, timestamp: 1_700_000_200, text: 'hi there', hasMedia: false },
		});
		expect(result.output[0].json.lastMessage).not.toHaveProperty('raw');
		expect((result.output[0].json.raw as IDataObject).id).toBe(CUS);
	});

	test('Get of a chat WAHA does not know fails naming the chat and WAHA', async () => {
		const result = await run({ resource: 'chat', operation: 'get', chatId: chat('+1 555 000 7777') });
		expect(result.error?.message).toBe(
			'WAHA knows no chat 15550007777@c.us in session "default": its chats overview has no such chat. ' +
				'Check the phone number or chat id; a chat exists once a message was sent or received in it',
		);
		expect(gateway.requests).toHaveLength(1);
	});

	test('Get finds the chat in the answer when a WAHA release ignores the ids filter', async () => {
		gateway.respond('GET /api/default/chats/overview', {
			body: [
				{ id: '15550000001@c.us', name: 'Someone else', picture: null, lastMessage: null, _chat: {} },
				{ id: CUS, name: 'Priya', picture: null, lastMessage: null, _chat: { unreadCount: 0 } },
			],
		});
		const result = await run({ resource: 'chat', operation: 'get', chatId: chat(JID) });
		expect(result.output[0].json).toMatchObject({ chatId: CUS, name: 'Priya', unreadCount: 0, muted: null, pictureUrl: null, lastMessage: null });
	});

	test('Get Picture gives the URL from the picture route, without downloading', async () => {
		profilePicturesOf(gateway.state).set(JID, pictureUrl());
		const result = await run({ resource: 'chat', operation: 'getPicture', chatId: chat(CUS) });
		expect(gateway.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/default/chats/919988066776%40c.us/picture']);
		expect(result.output[0].json).toMatchObject({ success: true, chatId: CUS, hasPicture: true, pictureUrl: pictureUrl(), raw: { url: pictureUrl() } });
		expect(result.output[0].binary).toBeUndefined();
		expect(cdn.requests).toHaveLength(0);
	});

	test('Get Picture without a picture says so in the output, and downloads nothing', async () => {
		const result = await run({ resource: 'chat', operation: 'getPicture', chatId: chat(CUS), downloadPicture: true, binaryPropertyName: 'data' });
		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toMatchObject({
			success: true,
			hasPicture: false,
			pictureUrl: null,
			note: 'The contact has no profile picture, or their privacy settings hide it from this account; nothing was downloaded',
		});
		expect(result.output[0].binary).toBeUndefined();
		expect(cdn.requests).toHaveLength(0);
	});

	test('Download Picture puts the picture in binary, named for the chat, with the MIME type, and no API key goes to the CDN', async () => {
		profilePicturesOf(gateway.state).set(JID, pictureUrl());
		const result = await run({ resource: 'chat', operation: 'getPicture', chatId: chat(CUS), downloadPicture: true, binaryPropertyName: 'picture' });
		expect(result.error).toBeUndefined();
		const binary = result.output[0].binary?.picture;
		expect(binary).toMatchObject({ mimeType: 'image/jpeg', fileName: '919988066776.jpg' });
		expect(Buffer.from(binary!.data, 'base64').equals(JPEG)).toBe(true);
		expect(result.output[0].json).toMatchObject({ hasPicture: true, fileName: '919988066776.jpg', mimeType: 'image/jpeg', fileSize: JPEG.length });
		expect(cdn.requests).toHaveLength(1);
		expect(cdn.requests[0]).toMatchObject({ method: 'GET', path: '/v/t61.24694-24/12345_n.jpg', query: { oh: '01_Q5Aa' } });
		expectNoCredentialsAtCdn();
		expect(JSON.stringify(result.output)).not.toContain(TEST_API_KEY);
	});

	test('the MIME type comes from the bytes when the CDN calls the picture octet-stream', async () => {
		const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('rest of a png')]);
		cdn.use((_request, res) => jpeg(res, png, 'application/octet-stream'));
		profilePicturesOf(gateway.state).set(JID, pictureUrl('p.bin'));
		const result = await run({ resource: 'chat', operation: 'getPicture', chatId: chat(CUS), downloadPicture: true });
		expect(result.output[0].binary?.data).toMatchObject({ mimeType: 'image/png', fileName: '919988066776.png' });
	});

	test('a CDN that sends more than the size cap is cut off there: the item fails with the cap named', async () => {
		// 5 MiB, chunked (no Content-Length), against a 1 MiB cap.
		cdn.use(async (_request, res) => {
			res.writeHead(200, { 'Content-Type': 'image/jpeg' });
			const block = Buffer.alloc(64 * 1024, 0xab);
			for (let sent = 0; sent < 5 * 1024 * 1024 && !res.destroyed; sent += block.length) {
				if (!res.write(block)) await drainedOrClosed(res);
			}
			res.end();
		});
		profilePicturesOf(gateway.state).set(JID, pictureUrl());
		const result = await run({ resource: 'chat', operation: 'getPicture', chatId: chat(CUS), downloadPicture: true, options: { maxResponseMiB: 1 } });
		expect(result.error?.message).toBe(
			`The profile picture of ${CUS} is more than 1 MiB (cut off there), more than "Max Response Size (MiB)" allows (1 MiB); raise that option in the node options to download it`,
		);
		expectNoCredentialsAtCdn();
	});

	test('a CDN that declares a huge body is refused before the body is read', async () => {
		cdn.use((_request, res) => {
			res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': String(900 * 1024 * 1024) });
			res.write(JPEG);
		});
		profilePicturesOf(gateway.state).set(JID, pictureUrl());
		const result = await run({ resource: 'chat', operation: 'getPicture', chatId: chat(CUS), downloadPicture: true });
		expect(result.error?.message).toBe(
			'The profile picture of 919988066776@c.us is 900 MiB, more than "Max Response Size (MiB)" allows (16 MiB); raise that option in the node options to download it',
		);
	});

	test('a CDN that drips the picture byte by byte is given up at the Timeout', async () => {
		cdn.use(async (_request, res) => {
			res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': 10_000 });
			for (let i = 0; i < 10_000 && !res.destroyed; i++) {
				res.write(Buffer.from([0xff]));
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
		});
		profilePicturesOf(gateway.state).set(JID, pictureUrl());
		const started = Date.now();
		const result = await run({ resource: 'chat', operation: 'getPicture', chatId: chat(CUS), downloadPicture: true, options: { timeout: 800, maxRetries: 0 } });
		expect(result.error?.message).toMatch(/^WhatsApp's picture server did not send the profile picture of 919988066776@c\.us from http:\/\/127\.0\.0\.1:\d+\/v\/t61\.24694-24\/12345_n\.jpg within \d+ ms$/);
		// Generous bound: it did not wait for the whole drip (500 s).
		expect(Date.now() - started).toBeLessThan(10_000);
		expectNoCredentialsAtCdn();
	});

	test('an expired picture link fails with a hint to fetch a fresh one', async () => {
		cdn.use((_request, res) => {
			res.writeHead(403, { 'Content-Type': 'text/plain' });
			res.end('URL signature expired');
		});
		profilePicturesOf(gateway.state).set(JID, pictureUrl());
		const result = await run({ resource: 'chat', operation: 'getPicture', chatId: chat(CUS), downloadPicture: true });
		expect(result.error?.message).toMatch(/^WhatsApp's picture server refused the download of the profile picture of 919988066776@c\.us from http:\/\/127\.0\.0\.1:\d+\/v\/t61\.24694-24\/12345_n\.jpg \(HTTP 403\)$/);
		expect(result.error?.description).toContain('Picture links expire: run Get Picture again for a fresh one.');
	});

	test('a redirect of the CDN is followed, still without credentials', async () => {
		cdn.use((request, res) => {
			if (request.path === '/moved.jpg') {
				res.writeHead(302, { Location: '/real.jpg' });
				res.end();
			} else jpeg(res, JPEG);
		});
		profilePicturesOf(gateway.state).set(JID, `${cdn.url}/moved.jpg`);
		const result = await run({ resource: 'chat', operation: 'getPicture', chatId: chat(CUS), downloadPicture: true });
		expect(result.error).toBeUndefined();
		expect(cdn.requests.map((r) => r.path)).toEqual(['/moved.jpg', '/real.jpg']);
		expect(result.output[0].binary?.data?.mimeType).toBe('image/jpeg');
		expectNoCredentialsAtCdn();
	});

	test.each([
		['a login in it', () => cdn.urlWithLogin('user', 's3cret-pass') + '/p.jpg', 'carries a login (user:password@127.0.0.1:'],
		['a scheme other than http(s)', () => 'file:///etc/passwd', 'is not an http(s) URL (file:)'],
	])('a picture URL with %s is not downloaded', async (_case, url, words) => {
		profilePicturesOf(gateway.state).set(JID, url());
		const result = await run({ resource: 'chat', operation: 'getPicture', chatId: chat(CUS), downloadPicture: true });
		expect(result.error?.message).toContain(words);
		expect(result.error?.message).not.toContain('s3cret-pass');
		expect(cdn.requests).toHaveLength(0);
	});

	test('a bad output field name is refused before anything is sent', async () => {
		const result = await run({ resource: 'chat', operation: 'getPicture', chatId: chat(CUS), downloadPicture: true, binaryPropertyName: 'my field/x' });
		expect(result.error?.message).toBe(
			'Invalid Put Output File in Field "my field/x": expected a field name of letters, digits, "_", "-" or "." such as "data"',
		);
		expect(gateway.requests).toHaveLength(0);
	});
});

describe('Evolution API', () => {
	const run = (parameters: Record<string, unknown>) => runChatsNode({ credentials: evolutionCredentials(gateway), parameters: parameters as never });

	test('Get asks findChats for the one chat and outputs its fields, picture URL and last message', async () => {
		profilePicturesOf(gateway.state).set(JID, pictureUrl());
		const result = await run({ resource: 'chat', operation: 'get', chatId: chat('+91 99880-66776') });
		expect(result.error).toBeUndefined();
		expect(gateway.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /chat/findChats/${EVOLUTION_INSTANCE}`]);
		expect(gateway.requests[0].body).toEqual({ where: { remoteJid: JID } });
		expect(gateway.requests[0].headers.apikey).toBe(TEST_API_KEY);
		expect(result.output[0].json).toMatchObject({
			success: true,
			chatId: JID,
			name: 'Priya',
			pictureUrl: pictureUrl(),
			unreadCount: 2,
			archived: null,
			pinned: null,
			muted: null,
			lastMessage: { id: '3EB0AAAA0002', chatId: JID, phone: '919988066776', lid: null, fromMe: false, fromPhone: '919988066776', fromLid: null, timestamp: 1_700_000_200, text: 'hi there' },
		});
	});

	test('Get of a chat Evolution does not know fails naming the chat and Evolution API', async () => {
		const result = await run({ resource: 'chat', operation: 'get', chatId: chat('+1 555 000 7777') });
		expect(result.error?.message).toBe(
			`Evolution API knows no chat 15550007777@s.whatsapp.net in instance "${EVOLUTION_INSTANCE}": findChats found none. ` +
				'Check the phone number or chat id; a chat is stored once a message was sent or received in it while the instance ran',
		);
		// The second: whether Evolution keeps the chat under its LID (2.4); it knows no LID for this number.
		expect(gateway.requests.map((request) => request.body)).toEqual([{ where: { remoteJid: '15550007777@s.whatsapp.net' } }, {}]);
	});

	test('Get Picture asks fetchProfilePictureUrl and downloads the picture without the API key', async () => {
		profilePicturesOf(gateway.state).set(JID, pictureUrl());
		const result = await run({ resource: 'chat', operation: 'getPicture', chatId: chat(JID), downloadPicture: true });
		expect(result.error).toBeUndefined();
		expect(gateway.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /chat/fetchProfilePictureUrl/${EVOLUTION_INSTANCE}`]);
		expect(gateway.requests[0].body).toEqual({ number: JID });
		expect(result.output[0].json).toMatchObject({ chatId: JID, hasPicture: true, pictureUrl: pictureUrl(), raw: { wuid: JID } });
		expect(result.output[0].binary?.data).toMatchObject({ mimeType: 'image/jpeg', fileName: '919988066776.jpg' });
		expectNoCredentialsAtCdn();
	});

	test('Get Picture of a contact without a picture (or hiding it) is a null URL with a note', async () => {
		const result = await run({ resource: 'chat', operation: 'getPicture', chatId: chat(JID) });
		expect(result.output[0].json).toMatchObject({
			hasPicture: false,
			pictureUrl: null,
			note: 'The contact has no profile picture, or their privacy settings hide it from this account',
		});
	});
});

describe('Sessions API', () => {
	test.each([
		['get', "Chat: Get is not supported by Sessions API: the Sessions API gateway documents no endpoint that reads a chat; use WAHA, Evolution API or the embedded connection to read one"],
		[
			'getPicture',
			"Chat: Get Picture is not supported by Sessions API: the Sessions API gateway documents no profile-picture endpoint; use WAHA, Evolution API or the embedded connection to fetch a chat's picture",
		],
	])('%s is refused with a hint and sends nothing', async (operation, message) => {
		const result = await runChatsNode({ credentials: sessionsApiCredentials(gateway), parameters: { resource: 'chat', operation, chatId: chat(JID) } as never });
		expect(result.error?.message).toBe(message);
		expect(gateway.requests).toHaveLength(0);
	});
});
