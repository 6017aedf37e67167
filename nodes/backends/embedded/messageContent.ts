/** Reads what the store and the trigger need (text, media, key) out of Baileys' message objects. */
import type { WAMessage, WAMessageKey, proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { messageHasMedia, messageText } from '../messageContent';
import type { Baileys } from './loadBaileys';
import { mediaFieldOf, byteCount } from '../mediaFile';
import type { StoredKey, StoredMedia, StoredMessage } from './store';

type ContentHelpers = Pick<Baileys, 'normalizeMessageContent' | 'isRealMessage' | 'jidNormalizedUser' | 'toNumber'>;

// Text and media follow the one rule gateway users share (../messageContent), which loads no Baileys.
/** Text of content already normalized (normalizeMessageContent: ephemeral, view-once, ... unwrapped). */
export function textOfContent(content: proto.IMessage | null | undefined): string | null {
	return messageText(content);
}

/** Whether content already normalized carries media. */
export function hasMediaOfContent(content: proto.IMessage | null | undefined): boolean {
	return messageHasMedia(content);
}

/** A copy (Baileys later mutates keys of messages it handed out) with the chat JID normalized. */
export function storedKeyOf(B: ContentHelpers, key: WAMessageKey): StoredKey | null {
	if (!key.remoteJid || !key.id) return null;
	return {
		remoteJid: B.jidNormalizedUser(key.remoteJid),
		id: key.id,
		fromMe: !!key.fromMe,
		...(key.participant ? { participant: key.participant } : {}),
	};
}

/**
 * Message fields that control other messages or the session (edits, revokes, pins, reactions,
 * key distribution, poll votes, ...). A message made only of these is not chat content: it updates
 * what it refers to and is never stored, listed, emitted as a "message" or used as a chat's last
 * message. Baileys' isRealMessage lets some of them through (pinInChatMessage, keepInChatMessage).
 */
const CONTROL_FIELDS = new Set([
	'protocolMessage',
	'reactionMessage',
	'encReactionMessage',
	'pinInChatMessage',
	'keepInChatMessage',
	'pollUpdateMessage',
	'senderKeyDistributionMessage',
	'fastRatchetKeySenderKeyDistributionMessage',
	'encEventResponseMessage',
	'secretEncryptedMessage',
	'scheduledCallEditMessage',
	'stickerSyncRmrMessage',
	'placeholderMessage',
	'limitSharingMessage',
]);

/** Whether a message carries chat content (text, media, contact, location, poll, ...), not only control fields. */
export function isChatContent(B: ContentHelpers, message: WAMessage): boolean {
	return isChatContentOf(B.normalizeMessageContent(message.message));
}

/**
 * The same rule on content already normalized. It includes Baileys' isRealMessage (some content,
 * no protocol, reaction or poll-update field), which would normalize the message once more.
 */
export function isChatContentOf(content: proto.IMessage | null | undefined): boolean {
	if (!content || content.protocolMessage || content.reactionMessage || content.pollUpdateMessage) return false;
	const fields = Object.keys(content).filter((field) => {
		const value = (content as Record<string, unknown>)[field];
		return value !== null && value !== undefined && (field === 'conversation' || field.includes('Message'));
	});
	return fields.some((field) => !CONTROL_FIELDS.has(field));
}

/**
 * A chat message worth keeping (text, media, ...), or null for control messages (see CONTROL_FIELDS).
 * `content` is the message's normalized content, when the caller already has it.
 */
export function storedMessageOf(
	B: ContentHelpers,
	message: WAMessage,
	content: proto.IMessage | null | undefined = B.normalizeMessageContent(message.message),
): StoredMessage | null {
	const key = storedKeyOf(B, message.key);
	if (!key || key.remoteJid === 'status@broadcast' || !isChatContentOf(content)) return null;
	return {
		key,
		timestamp: Number(B.toNumber(message.messageTimestamp ?? 0)) || Math.floor(Date.now() / 1000),
		text: textOfContent(content),
		hasMedia: hasMediaOfContent(content),
		...(message.pushName ? { pushName: message.pushName } : {}),
		...withMedia(content),
	};
}

/** Longest path or URL kept for a download (WhatsApp's are a few hundred characters). */
const MAX_MEDIA_ADDRESS = 2048;

function withMedia(content: proto.IMessage | null | undefined): { media?: StoredMedia } {
	const media = storedMediaOf(content);
	return media ? { media } : {};
}

/**
 * The download details of a media message (keys, path, hashes), bounded like the rest of the
 * store: unusual sizes (a media key that is not 32 bytes, addresses past 2 KiB) are not kept.
 */
export function storedMediaOf(content: proto.IMessage | null | undefined): StoredMedia | undefined {
	const found = mediaFieldOf(content);
	if (!found) return undefined;
	const [field, media] = found;
	const bytes = (value: unknown, length: number) => {
		if (!(value instanceof Uint8Array) && typeof value !== 'string') return null;
		const buffer = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.from(value);
		return buffer.length === length ? buffer.toString('base64') : null;
	};
	const text = (value: unknown, max: number) => (typeof value === 'string' && value && value.length <= max ? value : null);
	const mediaKey = bytes(media.mediaKey, 32);
	const directPath = text(media.directPath, MAX_MEDIA_ADDRESS);
	const url = text(media.url, MAX_MEDIA_ADDRESS);
	if (!mediaKey || (!directPath && !url)) return undefined;
	return {
		type: field.replace(/Message$/, ''),
		mimeType: text(media.mimetype, 255),
		fileName: text(media.fileName, 255),
		fileSize: byteCount(typeof media.fileLength === 'object' && media.fileLength ? Number(media.fileLength) : media.fileLength),
		mediaKey,
		directPath,
		url,
		fileSha256: bytes(media.fileSha256, 32),
		fileEncSha256: bytes(media.fileEncSha256, 32),
	};
}
