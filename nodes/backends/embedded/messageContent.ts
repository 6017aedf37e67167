/** Reads what the store and the trigger need (text, media, key) out of Baileys' message objects. */
import type { WAMessage, WAMessageKey, proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { messageHasMedia, messageText } from '../messageContent';
import type { Baileys } from './loadBaileys';
import type { StoredKey, StoredMessage } from './store';

type ContentHelpers = Pick<Baileys, 'normalizeMessageContent' | 'isRealMessage' | 'jidNormalizedUser' | 'toNumber'>;

// Text and media follow the one rule gateway users share (../messageContent), which loads no Baileys.
export function textOf(_B: ContentHelpers, message: proto.IMessage | null | undefined): string | null {
	return messageText(message);
}

export function hasMediaOf(_B: ContentHelpers, message: proto.IMessage | null | undefined): boolean {
	return messageHasMedia(message);
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

/** A chat message worth keeping (text, media, ...), or null for protocol messages and reactions. */
export function storedMessageOf(B: ContentHelpers, message: WAMessage): StoredMessage | null {
	const key = storedKeyOf(B, message.key);
	if (!key || key.remoteJid === 'status@broadcast' || !B.isRealMessage(message)) return null;
	return {
		key,
		timestamp: Number(B.toNumber(message.messageTimestamp ?? 0)) || Math.floor(Date.now() / 1000),
		text: textOf(B, message.message),
		hasMedia: hasMediaOf(B, message.message),
		...(message.pushName ? { pushName: message.pushName } : {}),
	};
}
