/** Reads what the store and the trigger need (text, media, key) out of Baileys' message objects. */
import type { WAMessage, WAMessageKey, proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { messageHasMedia, messageText } from '../messageContent';
import type { Baileys } from './loadBaileys';
import type { StoredKey, StoredMessage } from './store';

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
	};
}
