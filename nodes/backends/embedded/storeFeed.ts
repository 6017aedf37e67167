/**
 * Feeds the local store from the decoded changes of each Baileys event batch (decodeBaileysEvents):
 * history, chats, contacts, messages and their updates, labels and the chats they are on. Runs for every socket of a session, for
 * the session's lifetime. Control messages never reach the store as messages (the decoder drops
 * them; a pin arrives as `message.pinned`).
 */
import type { ChatChange } from './ChatChange';
import type { ChatStore } from './store';

export function applyChangesToStore(store: ChatStore, changes: readonly ChatChange[]): void {
	for (const change of changes) {
		switch (change.kind) {
			case 'chat':
				store.upsertChat(change.chatId, change.fields);
				break;
			case 'chat.deleted':
				store.deleteChat(change.chatId);
				break;
			case 'chat.cleared':
				store.clearMessages(change.chatId);
				break;
			case 'chat.alias':
				store.addAlias(change.alias, change.chatId);
				break;
			case 'identity':
				store.learnIdentity(change.lid, change.pn);
				break;
			case 'contact':
				// Only name chats we know; contacts alone do not make chats.
				if (store.getChat(change.chatId)) store.upsertChat(change.chatId, { name: change.name });
				break;
			case 'message':
				store.addMessage(change.message);
				break;
			case 'message.edited':
				store.updateMessage(change.key.remoteJid, change.key.id, { text: change.text, edited: true });
				break;
			case 'message.revoked':
				store.updateMessage(change.key.remoteJid, change.key.id, { text: null, hasMedia: false, media: undefined, revoked: true });
				break;
			case 'message.starred':
				store.updateMessage(change.key.remoteJid, change.key.id, { starred: change.starred });
				break;
			case 'message.pinned':
				store.updateMessage(change.chatId, change.messageId, { pinned: change.pinned });
				break;
			case 'message.deleted':
				store.removeMessage(change.key.remoteJid, change.key.id);
				break;
			case 'label':
				store.putLabel(change.label);
				break;
			case 'chat.label':
				store.setChatLabel(change.chatId, change.labelId, change.added);
				break;
			case 'message.reaction':
			case 'chat.muted': // kept through the `chat` change's mutedUntil
			case 'message.ack':
			case 'session.status':
				// Not kept in the store.
				break;
		}
	}
}
