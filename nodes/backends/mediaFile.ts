/**
 * Media facts and file names shared by every backend, read without Baileys: the media field of a
 * WhatsApp message body (`imageMessage`, `documentMessage`, …), a file name when the backend gives
 * none, and the size check of "Max Media Size (MiB)".
 */
import { formatBytes, tooLarge } from '../transport/download';
import { MEDIA_MESSAGE_TYPES, unwrapMessage } from './messageContent';
import type { MediaFacts, MediaLimits } from './WhatsAppBackend';

/** How the size cap is named in errors (the node option). */
export const MEDIA_CAP_NAME = '"Max Media Size (MiB)"';

export const NO_MEDIA: MediaFacts = { mediaType: null, mimeType: null, fileName: null, fileSize: null };

/** The media field of a message body and its name, e.g. `['imageMessage', {...}]`, or undefined. */
export function mediaFieldOf(message: unknown): [string, Record<string, unknown>] | undefined {
	const content = unwrapMessage(message);
	if (!content) return undefined;
	const field = MEDIA_MESSAGE_TYPES.find((type) => content[type] && typeof content[type] === 'object');
	return field ? [field, content[field] as Record<string, unknown>] : undefined;
}

/** Facts of a message body (`proto.IMessage` as Baileys or Evolution hold it). */
export function mediaFactsOfContent(message: unknown): MediaFacts {
	const found = mediaFieldOf(message);
	if (!found) return NO_MEDIA;
	const [field, media] = found;
	return {
		mediaType: field.replace(/Message$/, ''),
		mimeType: typeof media.mimetype === 'string' && media.mimetype ? media.mimetype : null,
		fileName: typeof media.fileName === 'string' && media.fileName ? media.fileName : null,
		fileSize: byteCount(media.fileLength),
	};
}

/** A byte count as protobuf JSON gives it: a number, a decimal string or a `{ low, high }` Long. */
export function byteCount(value: unknown): number | null {
	if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
	if (typeof value === 'string' && /^\d{1,16}$/.test(value)) return Number(value);
	if (value && typeof value === 'object' && typeof (value as { low?: unknown }).low === 'number') {
		const { low, high } = value as { low: number; high?: number };
		const total = (high ?? 0) * 2 ** 32 + (low >>> 0);
		return Number.isFinite(total) && total >= 0 ? total : null;
	}
	return null;
}

const EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'video/mp4': 'mp4',
	'video/3gpp': '3gp',
	'audio/ogg': 'ogg',
	'audio/mpeg': 'mp3',
	'audio/mp4': 'm4a',
	'audio/aac': 'aac',
	'application/pdf': 'pdf',
	'text/plain': 'txt',
};

/** The file name to use: the backend's (path parts dropped), else `<message id>.<extension of the MIME type>`. */
export function mediaFileName(given: string | null | undefined, messageId: string, mimeType: string): string {
	const own = given?.split(/[\\/]/).pop()?.trim();
	if (own) return own.slice(0, 255);
	const base = mimeType.split(';')[0].trim().toLowerCase();
	const extension = EXTENSIONS[base] ?? (/^[a-z]+\/([a-z0-9]{1,8})$/.exec(base)?.[1] ?? 'bin');
	const safeId = messageId.replace(/[^A-Za-z0-9_-]/g, '_').slice(-64) || 'media';
	return `${safeId}.${extension}`;
}

/** Fails when a size already known (from the message) is over the cap, before anything is downloaded. */
export function checkMediaSize(backend: string, what: string, size: number | null, limits: MediaLimits): void {
	if (size !== null && size > limits.maxBytes) {
		throw tooLarge({ backend, what, maxBytes: limits.maxBytes, capName: MEDIA_CAP_NAME }, `is ${formatBytes(size)}`);
	}
}

/** `the media of message "3EB0…"`: how a message's media is named in errors. */
export function mediaOf(messageId: string): string {
	return `the media of message "${messageId}"`;
}
