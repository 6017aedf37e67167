/** Builders of the stanzas the fake server pushes to the client (messages, history). */
import { deflateSync } from 'zlib';
import type { proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };

import type { Baileys } from './baileys';
import { newStanzaId } from './connection';
import { node, unixSeconds, type WANode } from './nodes';

/**
 * Builders for stanzas the server pushes to the client: messages "from" contacts or from our own
 * phone, and server notifications.
 *
 * Messages travel as `<plaintext>` (an encoded proto.Message) instead of Signal ciphertext: Baileys
 * accepts that path and it keeps the fake phone free of the client's pre-keys.
 */
export interface InboundMessageSpec {
	/** Chat JID: a contact ('15550002222@s.whatsapp.net') or a group ('...@g.us'). */
	chat: string;
	/** Sender JID for group messages (defaults to a made-up participant). Ignored when fromMe. */
	from?: string;
	/** Message sent by our own account from the phone (Baileys sees key.fromMe = true). */
	fromMe?: boolean;
	id?: string;
	/** Seconds since epoch; default now. */
	timestamp?: number;
	pushName?: string;
	/** Extra stanza attributes (e.g. { edit: '1' }). */
	attrs?: Record<string, string>;
	message: proto.IMessage;
	/** Stanza `type`; derived from the message when omitted. */
	type?: string;
}

export interface BuiltInbound {
	stanza: WANode;
	key: { remoteJid: string; id: string; fromMe: boolean; participant?: string };
	messageTimestamp: number;
}

export function buildInboundMessage(B: Baileys, me: { pnUser: string }, spec: InboundMessageSpec): BuiltInbound {
	const id = spec.id ?? `3EB0${newStanzaId()}`;
	const t = spec.timestamp ?? Math.floor(Date.now() / 1000);
	const isGroup = spec.chat.endsWith('@g.us');
	const ownJid = `${me.pnUser}@s.whatsapp.net`;
	const attrs: Record<string, string | undefined> = {
		id,
		t: String(t),
		type: spec.type ?? stanzaType(spec.message),
		notify: spec.fromMe ? undefined : spec.pushName ?? 'Fake Contact',
		...spec.attrs,
	};
	let participant: string | undefined;
	if (isGroup) {
		participant = spec.fromMe ? ownJid : spec.from ?? '15559990000@s.whatsapp.net';
		attrs.from = spec.chat;
		attrs.participant = participant;
	} else if (spec.fromMe) {
		// Sent from our phone: `from` is our own account, `recipient` the chat.
		attrs.from = ownJid;
		attrs.recipient = spec.chat;
	} else {
		attrs.from = spec.chat;
	}
	const stanza = node('message', attrs, [node('plaintext', {}, B.proto.Message.encode(spec.message).finish())]);
	return {
		stanza,
		key: { remoteJid: spec.chat, id, fromMe: !!spec.fromMe, participant },
		messageTimestamp: t,
	};
}

/** Who wrote the message an edit/revoke/reaction points at. */
export type TargetAuthor = 'sender' | 'us' | string;

/**
 * Key of a referenced message as the *sender* writes it on the wire. In a 1:1 chat a contact's
 * remoteJid is our account and our phone's is the chat; fromMe is relative to the sender;
 * groups name the target's author in `participant`.
 */
export function referencedKey(
	me: { pnUser: string },
	spec: { chat: string; fromMe?: boolean },
	id: string,
	targetAuthor: TargetAuthor,
): proto.IMessageKey {
	const isGroup = spec.chat.endsWith('@g.us');
	const ownJid = `${me.pnUser}@s.whatsapp.net`;
	const senderIsUs = !!spec.fromMe;
	const fromMe = targetAuthor === 'sender' || (targetAuthor === 'us' && senderIsUs);
	const author = targetAuthor === 'us' ? ownJid : targetAuthor === 'sender' ? undefined : targetAuthor;
	return {
		remoteJid: isGroup || senderIsUs ? spec.chat : ownJid,
		fromMe,
		id,
		participant: isGroup && !fromMe ? author : undefined,
	};
}

/** Our phone sharing the app-state sync key with linked devices (a self-only protocol message). */
export function buildAppStateKeyShare(B: Baileys, me: { pnUser: string }, keyId: Buffer, keyData: proto.Message.IAppStateSyncKeyData): WANode {
	const message: proto.IMessage = {
		protocolMessage: {
			type: B.proto.Message.ProtocolMessage.Type.APP_STATE_SYNC_KEY_SHARE,
			appStateSyncKeyShare: { keys: [{ keyId: { keyId }, keyData }] },
		},
	};
	return node(
		'message',
		{ id: `3EB0${newStanzaId()}`, from: `${me.pnUser}@s.whatsapp.net`, type: 'text', category: 'peer', t: unixSeconds() },
		[node('plaintext', {}, B.proto.Message.encode(message).finish())],
	);
}

export interface HistoryChat {
	/** Chat JID. */
	id: string;
	name?: string;
	archived?: boolean;
	unreadCount?: number;
	/** Pin timestamp (seconds) or undefined. */
	pinned?: number;
	/** Mute end (Unix seconds, as history carries it) or undefined. */
	muteEndTime?: number;
	/** Newest first, like WhatsApp sends them. */
	messages?: { key: proto.IMessageKey; message?: proto.IMessage; messageTimestamp: number; pushName?: string }[];
}

export interface HistorySyncSpec {
	chats?: HistoryChat[];
	/** Default 'INITIAL_BOOTSTRAP'. */
	syncType?: 'INITIAL_BOOTSTRAP' | 'RECENT' | 'PUSH_NAME' | 'ON_DEMAND';
	progress?: number;
	/** LID ↔ phone-number pairs (HistorySync.phoneNumberToLidMappings → Baileys' `lidPnMappings`). */
	lidPnMappings?: Array<{ lid: string; pn: string }>;
}

/**
 * Our phone's history sync, sent inline (initialHistBootstrapInlinePayload, zlib-deflated
 * HistorySync) so no media download is needed. Baileys emits messaging-history.set.
 */
export function buildHistorySync(B: Baileys, me: { pnUser: string }, spec: HistorySyncSpec): WANode {
	const { proto: P } = B;
	const syncType = P.HistorySync.HistorySyncType[spec.syncType ?? 'INITIAL_BOOTSTRAP'];
	const history = P.HistorySync.encode({
		syncType,
		progress: spec.progress ?? 100,
		chunkOrder: 0,
		phoneNumberToLidMappings: (spec.lidPnMappings ?? []).map((pair) => ({ lidJid: pair.lid, pnJid: pair.pn })),
		conversations: (spec.chats ?? []).map((chat) => ({
			id: chat.id,
			name: chat.name,
			archived: chat.archived,
			unreadCount: chat.unreadCount,
			pinned: chat.pinned,
			muteEndTime: chat.muteEndTime,
			conversationTimestamp: chat.messages?.[0]?.messageTimestamp,
			messages: (chat.messages ?? []).map((m) => ({
				message: { key: m.key, message: m.message, messageTimestamp: m.messageTimestamp, pushName: m.pushName },
			})),
		})),
	}).finish();
	const message: proto.IMessage = {
		protocolMessage: {
			type: P.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
			historySyncNotification: {
				syncType,
				initialHistBootstrapInlinePayload: deflateSync(history),
				chunkOrder: 0,
				progress: spec.progress ?? 100,
			},
		},
	};
	return node(
		'message',
		{ id: `3EB0${newStanzaId()}`, from: `${me.pnUser}@s.whatsapp.net`, type: 'text', category: 'peer', t: unixSeconds() },
		[node('plaintext', {}, P.Message.encode(message).finish())],
	);
}

/** Tells the client a collection changed; it answers by syncing that collection. */
export function buildServerSyncNotification(collection: string, version: number): WANode {
	return node('notification', { from: 's.whatsapp.net', type: 'server_sync', id: newStanzaId(), t: unixSeconds() }, [
		node('collection', { name: collection, version: String(version) }),
	]);
}

function stanzaType(message: proto.IMessage): string {
	if (message.reactionMessage) return 'reaction';
	if (message.pollCreationMessage || message.pollCreationMessageV3 || message.pollUpdateMessage) return 'poll';
	if (message.imageMessage || message.videoMessage || message.audioMessage || message.documentMessage || message.stickerMessage) {
		return 'media';
	}
	return 'text';
}
