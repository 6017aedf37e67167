/**
 * The embedded media details without a connection: what the store keeps of a media message
 * (bounded, binary fields as base64) and where a blob may be fetched from (WhatsApp's own hosts
 * over https, or the configured WHATSAPP_CHATS_MEDIA_URL), so a sender's message cannot point n8n
 * at another address.
 */
import { mediaAddress } from '../../nodes/backends/embedded/mediaDownload';
import { storedMediaOf } from '../../nodes/backends/embedded/messageContent';
import type { StoredMedia } from '../../nodes/backends/embedded/store';

const KEY = Buffer.alloc(32, 9);

function media(change: Partial<StoredMedia>): StoredMedia {
	return {
		type: 'image',
		mimeType: 'image/jpeg',
		fileName: null,
		fileSize: 10,
		mediaKey: KEY.toString('base64'),
		directPath: '/v/t62/1.enc',
		url: 'https://mmg.whatsapp.net/v/t62/1.enc?ccb=1',
		fileSha256: null,
		fileEncSha256: null,
		...change,
	};
}

describe('storedMediaOf', () => {
	test('keeps what a download needs, binary fields as base64', () => {
		const stored = storedMediaOf({
			documentMessage: { mediaKey: KEY, directPath: '/v/x.enc', url: 'https://mmg.whatsapp.net/v/x.enc', mimetype: 'application/pdf', fileName: 'a.pdf', fileLength: 1234 as never, fileSha256: Buffer.alloc(32, 1) },
		});
		expect(stored).toEqual({
			type: 'document',
			mimeType: 'application/pdf',
			fileName: 'a.pdf',
			fileSize: 1234,
			mediaKey: KEY.toString('base64'),
			directPath: '/v/x.enc',
			url: 'https://mmg.whatsapp.net/v/x.enc',
			fileSha256: Buffer.alloc(32, 1).toString('base64'),
			fileEncSha256: null,
		});
	});

	test('keeps nothing for unusual sizes: a media key that is not 32 bytes, an address past 2 KiB, no address', () => {
		expect(storedMediaOf({ imageMessage: { mediaKey: Buffer.alloc(64), directPath: '/v/x.enc' } })).toBeUndefined();
		expect(storedMediaOf({ imageMessage: { mediaKey: KEY, directPath: `/${'a'.repeat(3000)}` } })).toBeUndefined();
		expect(storedMediaOf({ imageMessage: { mediaKey: KEY } })).toBeUndefined();
		expect(storedMediaOf({ conversation: 'text' })).toBeUndefined();
	});

	test('opens wrappers (view once, captioned documents) as the text rule does', () => {
		const stored = storedMediaOf({ viewOnceMessageV2: { message: { imageMessage: { mediaKey: KEY, directPath: '/v/y.enc', mimetype: 'image/jpeg' } } } });
		expect(stored).toMatchObject({ type: 'image', directPath: '/v/y.enc' });
	});
});

describe('mediaAddress', () => {
	const saved = process.env.WHATSAPP_CHATS_MEDIA_URL;
	afterEach(() => {
		if (saved === undefined) delete process.env.WHATSAPP_CHATS_MEDIA_URL;
		else process.env.WHATSAPP_CHATS_MEDIA_URL = saved;
	});
	beforeEach(() => delete process.env.WHATSAPP_CHATS_MEDIA_URL);

	test('the path on the host of the message\'s WhatsApp URL, over https (as Baileys builds it)', () => {
		expect(mediaAddress(media({ url: 'https://media-fra3-1.cdn.whatsapp.net/v/t62/1.enc?x=1' }), 'it').toString()).toBe('https://media-fra3-1.cdn.whatsapp.net/v/t62/1.enc');
		expect(mediaAddress(media({ url: null }), 'it').toString()).toBe('https://mmg.whatsapp.net/v/t62/1.enc');
	});

	test('a URL on another host is never fetched: its path goes to WhatsApp\'s default host, and without a path it is refused', () => {
		expect(mediaAddress(media({ url: 'http://169.254.169.254/latest/meta-data' }), 'it').toString()).toBe('https://mmg.whatsapp.net/v/t62/1.enc');
		expect(() => mediaAddress(media({ directPath: null, url: 'https://evil.example/whatsapp.net/x' }), 'the media of message "A"')).toThrow(
			'WhatsApp gave no address on its media hosts for the media of message "A", so it cannot be downloaded',
		);
		expect(() => mediaAddress(media({ directPath: null, url: 'http://mmg.whatsapp.net/x' }), 'it')).toThrow(/no address on its media hosts/);
	});

	test('WHATSAPP_CHATS_MEDIA_URL replaces the host (tests, proxies)', () => {
		process.env.WHATSAPP_CHATS_MEDIA_URL = 'http://127.0.0.1:9999/';
		expect(mediaAddress(media({}), 'it').toString()).toBe('http://127.0.0.1:9999/v/t62/1.enc');
	});
});
