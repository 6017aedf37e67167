/**
 * Downloads and decrypts the media of a stored message as WhatsApp encrypts it: the file's keys
 * come from its 32-byte media key by HKDF (Baileys' getMediaKeys), the blob is AES-256-CBC with a
 * 10-byte HMAC-SHA256 tail. Unlike Baileys' downloadMediaMessage, the blob is fetched with the
 * node's deadline and size cap, and its HMAC and hashes are checked before anything is returned.
 */
import { createDecipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { downloadFile } from '../../transport/download';
import { GatewayError } from '../errors';
import { MEDIA_CAP_NAME } from '../mediaFile';
import type { MediaLimits } from '../WhatsAppBackend';
import { EMBEDDED_LABEL } from './embeddedErrors';
import type { Baileys } from './loadBaileys';
import { whatsAppMediaUrl } from './settings';
import type { StoredMedia } from './store';

/** WhatsApp's media CDN when a message names no host of its own (Baileys' DEF_MEDIA_HOST). */
const DEFAULT_MEDIA_HOST = 'mmg.whatsapp.net';
const MAC_LENGTH = 10;
/** What encryption adds to a file: AES padding (at most a block) and the MAC. */
const ENCRYPTION_OVERHEAD = 16 + MAC_LENGTH;

/**
 * Where the blob is: `directPath` on the media host (the host of the message's own `url` when it is
 * WhatsApp's, as Baileys does), or `WHATSAPP_CHATS_MEDIA_URL` + `directPath` when that is set.
 * A sender's message cannot make n8n fetch from anywhere but WhatsApp's hosts (`*.whatsapp.net`, https).
 */
export function mediaAddress(media: StoredMedia, what: string): URL {
	const configured = whatsAppMediaUrl();
	if (configured && media.directPath) return new URL(configured.replace(/\/+$/, '') + media.directPath);
	const given = parseWhatsAppUrl(media.url);
	if (media.directPath?.startsWith('/')) return new URL(`https://${given?.host ?? DEFAULT_MEDIA_HOST}${media.directPath}`);
	if (given) return given;
	throw new GatewayError(EMBEDDED_LABEL, 'badAnswer', `WhatsApp gave no address on its media hosts for ${what}, so it cannot be downloaded`);
}

function parseWhatsAppUrl(text: string | null): URL | undefined {
	if (!text) return undefined;
	try {
		const url = new URL(text);
		return url.protocol === 'https:' && (url.hostname === 'whatsapp.net' || url.hostname.endsWith('.whatsapp.net')) ? url : undefined;
	} catch {
		return undefined;
	}
}

/** The decrypted file, its MAC and hashes checked. */
export async function downloadStoredMedia(
	B: Pick<Baileys, 'getMediaKeys'>,
	media: StoredMedia,
	options: { what: string; timeoutMs: number; limits: MediaLimits },
): Promise<Buffer> {
	const { what, limits } = options;
	const url = mediaAddress(media, what);
	const { data: blob } = await downloadFile(url, {
		backend: EMBEDDED_LABEL,
		source: "WhatsApp's media server",
		what,
		timeoutMs: options.timeoutMs,
		maxBytes: limits.maxBytes + ENCRYPTION_OVERHEAD,
		capName: MEDIA_CAP_NAME,
	});
	return await decryptMedia(B, media, blob, what);
}

export async function decryptMedia(B: Pick<Baileys, 'getMediaKeys'>, media: StoredMedia, blob: Buffer, what: string): Promise<Buffer> {
	const damaged = (why: string) =>
		new GatewayError(
			EMBEDDED_LABEL,
			'badAnswer',
			`${capitalized(what)} failed its integrity check (${why}): the file was changed or damaged on its way from WhatsApp's media server, so it is not used. Try again, or ask the sender to send it again`,
		);
	if (blob.length < 16 + MAC_LENGTH || (blob.length - MAC_LENGTH) % 16 !== 0) throw damaged(`${blob.length} bytes is not an encrypted WhatsApp file`);
	if (media.fileEncSha256 && !sameBytes(createHash('sha256').update(blob).digest(), Buffer.from(media.fileEncSha256, 'base64'))) {
		throw damaged('its SHA-256 is not the one in the message');
	}
	const { cipherKey, iv, macKey } = await B.getMediaKeys(Buffer.from(media.mediaKey, 'base64'), media.type as Parameters<Baileys['getMediaKeys']>[1]);
	if (!macKey) throw damaged('no MAC key could be derived from its media key');
	const encrypted = blob.subarray(0, blob.length - MAC_LENGTH);
	const mac = createHmac('sha256', macKey).update(iv).update(encrypted).digest().subarray(0, MAC_LENGTH);
	if (!sameBytes(mac, blob.subarray(blob.length - MAC_LENGTH))) throw damaged('its HMAC does not match');
	let plain: Buffer;
	try {
		const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
		plain = Buffer.concat([decipher.update(encrypted), decipher.final()]);
	} catch {
		throw damaged('it does not decrypt');
	}
	if (media.fileSha256 && !sameBytes(createHash('sha256').update(plain).digest(), Buffer.from(media.fileSha256, 'base64'))) {
		throw damaged('the SHA-256 of the decrypted file is not the one in the message');
	}
	return plain;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
	return a.length === b.length && timingSafeEqual(a, b);
}

function capitalized(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
