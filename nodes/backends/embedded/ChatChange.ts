/**
 * What one batch of Baileys events changed, decoded once (decodeBaileysEvents) and then read by
 * the store (storeFeed) and by every active trigger of the session (eventMapping, triggerFeed).
 * Plain data: JIDs normalized, message content already read, nothing left to ask Baileys.
 */
import type { AckStatus } from '../ChatEvent';
import type { ConnectionState } from './connection';
import type { StoredKey, StoredLabel, StoredMessage } from './store';

/** `mutedUntil` of a chat muted with no end ("always"). */
export const MUTED_ALWAYS = -1;

/** Chat fields as the store keeps them (only what the event said). */
export interface ChatFields {
	name?: string;
	archived?: boolean;
	pinned?: boolean;
	/** > 0 adds that many unread messages, 0 marks read, -1 marks unread (as Baileys reports them). */
	unreadDelta?: number;
	/** Absolute unread count, from history or chat lists. */
	unreadCount?: number;
	/** Unix seconds the chat is muted until, MUTED_ALWAYS (-1) for always; null when unmuted. */
	mutedUntil?: number | null;
}

/** Where a message came from: a live upsert (notify, append) or history (sync, offline backlog). */
export type MessageOrigin = 'notify' | 'append' | 'history';

/** Baileys' own objects copied as they arrived, for the trigger's `raw` (shared by all triggers). */
export type RawCopy = Record<string, unknown>;

export type ChatChange =
	/** A chat seen or changed: `origin` 'update' is an incremental chats.update (the trigger's chat events). */
	| { kind: 'chat'; chatId: string; fields: ChatFields; origin: 'history' | 'upsert' | 'update'; raw: RawCopy | null }
	| { kind: 'chat.deleted'; chatId: string; raw: RawCopy }
	/** A chat muted or unmuted (chats.update; the store reads `mutedUntil` from the `chat` change beside it). */
	| { kind: 'chat.muted'; chatId: string; muted: boolean; muteEndTimestamp: number | null; raw: RawCopy }
	/** All messages of the chat deleted (Clear Messages). */
	| { kind: 'chat.cleared'; chatId: string }
	/** Another JID (phone number ↔ LID) of the same chat. */
	| { kind: 'chat.alias'; alias: string; chatId: string }
	/** A LID and a phone-number JID of one person (a group sender's `participantAlt`, a `lid-mapping.update`). */
	| { kind: 'identity'; lid: string; pn: string }
	| { kind: 'contact'; chatId: string; name: string }
	/** A message with chat content (control messages never are one); `from` is the sender's JID. */
	| { kind: 'message'; message: StoredMessage; origin: MessageOrigin; from: string | null; raw: RawCopy | null }
	| { kind: 'message.edited'; key: StoredKey; text: string | null; hasMedia: boolean; timestamp: number; raw: RawCopy }
	| { kind: 'message.revoked'; key: StoredKey; raw: RawCopy }
	| { kind: 'message.starred'; key: StoredKey; starred: boolean; raw: RawCopy }
	/** A pin message for everyone: marks (or unmarks) the message it names. */
	| { kind: 'message.pinned'; chatId: string; messageId: string; pinned: boolean }
	| {
			kind: 'message.reaction';
			key: StoredKey;
			emoji: string;
			reactionMessageId: string | null;
			fromMe: boolean;
			from: string | null;
			timestamp: number;
			raw: RawCopy;
	  }
	| { kind: 'message.deleted'; key: StoredKey }
	/** A WhatsApp Business label made, changed or deleted (Baileys' `labels.edit`). */
	| { kind: 'label'; label: StoredLabel }
	/** A label put on (`added`) or taken off a chat (Baileys' `labels.association` of type `label_jid`). */
	| { kind: 'chat.label'; chatId: string; labelId: string; labelName: string | null; added: boolean }
	/**
	 * A recipient's receipt of an own message (messages.update status in direct chats,
	 * message-receipt.update in groups): `from` is who got, read or played it.
	 */
	| { kind: 'message.ack'; key: StoredKey; status: AckStatus; from: string; timestamp: number; raw: RawCopy }
	/** The session's own connection state (not from Baileys' event map; see sessionStatusChange). */
	| { kind: 'session.status'; state: ConnectionState };

export type ChatChangeKind = ChatChange['kind'];

export function sessionStatusChange(state: ConnectionState): ChatChange {
	return { kind: 'session.status', state };
}
