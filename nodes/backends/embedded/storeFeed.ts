/**
 * Feeds the local store from Baileys' (buffered, merged) event maps: history, chats, contacts,
 * messages and their updates. Runs for every socket of a session, for the session's lifetime.
 */
import type { BaileysEventMap, Chat, ChatUpdate, Contact } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { Baileys } from './loadBaileys';
import { storedKeyOf, storedMessageOf, textOf } from './messageContent';
import type { ChatChange, ChatStore } from './store';

type EventMap = Partial<BaileysEventMap>;

/** Baileys' WAMessageStubType.REVOKE */
const STUB_REVOKE = 1;
/** proto.PinInChat.Type */
const PIN_FOR_ALL = 1;
const UNPIN_FOR_ALL = 2;

export function feedStore(B: Baileys, store: ChatStore, events: EventMap): void {
	const history = events['messaging-history.set'];
	if (history) {
		for (const chat of history.chats) if (chat.id) store.upsertChat(B.jidNormalizedUser(chat.id), chatChange(B, chat));
		for (const mapping of history.lidPnMappings ?? []) store.addAlias(B.jidNormalizedUser(mapping.pn), B.jidNormalizedUser(mapping.lid));
		for (const message of history.messages) addMessage(B, store, message);
		applyContacts(B, store, history.contacts);
	}
	for (const chat of events['chats.upsert'] ?? []) if (chat.id) store.upsertChat(B.jidNormalizedUser(chat.id), chatChange(B, chat));
	for (const update of events['chats.update'] ?? []) {
		if (update.id) store.upsertChat(B.jidNormalizedUser(update.id), chatChange(B, update, true));
	}
	for (const id of events['chats.delete'] ?? []) store.deleteChat(B.jidNormalizedUser(id));
	applyContacts(B, store, events['contacts.upsert'] ?? []);
	applyContacts(B, store, events['contacts.update'] ?? []);

	for (const message of events['messages.upsert']?.messages ?? []) addMessage(B, store, message);
	for (const { key, update } of events['messages.update'] ?? []) {
		const stored = storedKeyOf(B, key);
		if (!stored) continue;
		const edited = update.message?.editedMessage?.message;
		if (edited) store.updateMessage(stored.remoteJid, stored.id, { text: textOf(B, edited), edited: true });
		if (update.messageStubType === STUB_REVOKE) store.updateMessage(stored.remoteJid, stored.id, { text: null, hasMedia: false, revoked: true });
		if (typeof update.starred === 'boolean') store.updateMessage(stored.remoteJid, stored.id, { starred: update.starred });
	}
	const deleted = events['messages.delete'];
	if (deleted && 'keys' in deleted) {
		for (const key of deleted.keys) {
			const stored = storedKeyOf(B, key);
			if (stored) store.removeMessage(stored.remoteJid, stored.id);
		}
	} else if (deleted) {
		store.clearMessages(B.jidNormalizedUser(deleted.jid));
	}
}

function addMessage(B: Baileys, store: ChatStore, message: BaileysEventMap['messages.upsert']['messages'][number]): void {
	const alt = message.key.remoteJidAlt;
	if (alt && message.key.remoteJid) store.addAlias(B.jidNormalizedUser(alt), B.jidNormalizedUser(message.key.remoteJid));
	const stored = storedMessageOf(B, message);
	if (stored) {
		store.addMessage(stored);
		return;
	}
	// Control messages are never stored; a pin updates the message it names (edits, revokes and
	// reactions arrive from Baileys as messages.update / messages.reaction of their target).
	const pin = B.normalizeMessageContent(message.message)?.pinInChatMessage;
	const chat = message.key.remoteJid ? B.jidNormalizedUser(message.key.remoteJid) : undefined;
	if (pin?.key?.id && chat && (pin.type === PIN_FOR_ALL || pin.type === UNPIN_FOR_ALL)) {
		store.updateMessage(chat, pin.key.id, { pinned: pin.type === PIN_FOR_ALL });
	}
}

/** Chat fields as the store keeps them; `update` marks Baileys' incremental chats.update. */
function chatChange(B: Baileys, chat: Partial<Chat> | ChatUpdate, update = false): ChatChange {
	const change: ChatChange = {};
	if (typeof chat.name === 'string' && chat.name) change.name = chat.name;
	if (typeof chat.archived === 'boolean') change.archived = chat.archived;
	if (chat.pinned !== undefined) change.pinned = chat.pinned !== null && Number(B.toNumber(chat.pinned)) > 0;
	if (typeof chat.unreadCount === 'number') {
		if (update) change.unreadDelta = chat.unreadCount;
		else change.unreadCount = Math.max(chat.unreadCount, 0);
	}
	return change;
}

function applyContacts(B: Baileys, store: ChatStore, contacts: Array<Partial<Contact>>): void {
	for (const contact of contacts) {
		const name = contact.name ?? contact.verifiedName ?? contact.notify;
		if (!contact.id || !name) continue;
		// Only name chats we know; contacts alone do not make chats.
		if (store.getChat(B.jidNormalizedUser(contact.id))) store.upsertChat(B.jidNormalizedUser(contact.id), { name });
	}
}
