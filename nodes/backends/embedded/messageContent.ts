/** Reads what the store and the trigger need (text, media, key) out of Baileys' message objects. */
import type { WAMessage, WAMessageKey, proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { Baileys } from './loadBaileys';
import type { StoredKey, StoredMessage } from './store';

type ContentHelpers = Pick<Baileys, 'normalizeMessageContent' | 'isRealMessage' | 'jidNormalizedUser' | 'toNumber'>;

const MEDIA_TYPES = ['imageMessage', 'videoMessage', 'audioMessage', 'documentMessage', 'stickerMessage', 'ptvMessage'] as const;

export function textOf(B: ContentHelpers, message: proto.IMessage | null | undefined): string | null {
	const content = B.normalizeMessageContent(message);
	if (!content) return null;
	return (
		content.conversation ??
		content.extendedTextMessage?.text ??
		content.imageMessage?.caption ??
		content.videoMessage?.caption ??
		content.documentMessage?.caption ??
		null
	);
}

export function hasMediaOf(B: ContentHelpers, message: proto.IMessage | null | undefined): boolean {
	const content = B.normalizeMessageContent(message);
	return !!content && MEDIA_TYPES.some((type) => !!content[type]);
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
	if (!B.isRealMessage(message)) return false;
	const content = B.normalizeMessageContent(message.message);
	if (!content) return false;
	const fields = Object.keys(content).filter((field) => {
		const value = (content as Record<string, unknown>)[field];
		return value !== null && value !== undefined && (field === 'conversation' || field.includes('Message'));
	});
	return fields.some((field) => !CONTROL_FIELDS.has(field));
}

/** A chat message worth keeping (text, media, ...), or null for control messages (see CONTROL_FIELDS). */
export function storedMessageOf(B: ContentHelpers, message: WAMessage): StoredMessage | null {
	const key = storedKeyOf(B, message.key);
	if (!key || key.remoteJid === 'status@broadcast' || !isChatContent(B, message)) return null;
	return {
		key,
		timestamp: Number(B.toNumber(message.messageTimestamp ?? 0)) || Math.floor(Date.now() / 1000),
		text: textOf(B, message.message),
		hasMedia: hasMediaOf(B, message.message),
		...(message.pushName ? { pushName: message.pushName } : {}),
	};
}
