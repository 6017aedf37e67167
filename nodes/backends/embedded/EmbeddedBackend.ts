/**
 * The embedded backend: WhatsApp inside n8n through Baileys, no gateway. Each operation runs on
 * the session's shared, warm socket (SessionRegistry) with its own timeout; chat changes take
 * `lastMessages` from the local store and bare message ids are completed to full keys there.
 */
import type { AnyMessageContent, ChatModification, WAMessage, WASocket } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { offers } from '../capabilities';
import { GatewayError } from '../errors';
import { canonicalJid, type ChatRef, type MessageRef } from '../ids';
import type {
	BackendAnswer,
	ChatSummary,
	MessageSummary,
	Operation,
	Page,
	PinDuration,
	SendTextOptions,
	SentMessage,
	SessionStatus,
	WhatsAppBackend,
} from '../WhatsAppBackend';
import { PIN_IN_CHAT_TYPE } from './baileysConstants';
import { EMBEDDED_CAPABILITIES } from './capabilities';
import type { SessionConnection } from './connection';
import { EMBEDDED_LABEL, fromBaileysError, isQueueMode, noLastMessageError, notPairedError, queueModeNote, unknownMessageError } from './embeddedErrors';
import { LINK_PREVIEW_BUDGET_MS, makeLinkPreview } from './linkPreview';
import { sessionPaths, type SessionPaths } from './paths';
import { acquireSession, type SessionLease } from './SessionRegistry';
import type { StoredChat, StoredKey, StoredMessage } from './store';
import { withTimeout } from './withTimeout';

/** Status waits at most this long for a connection that is still coming up. */
const STATUS_WAIT_MS = 10_000;

type LastMessages = Array<{ key: StoredKey; messageTimestamp: number }>;

/** What createBackend calls (lazily, so gateway users never load this code or Baileys). */
export function createEmbeddedBackend(credentials: { session?: string; authFolder?: string; sessionSecret?: string }, timeoutMs: number): EmbeddedBackend {
	return new EmbeddedBackend(sessionPaths(credentials.session || 'default', credentials.authFolder, credentials.sessionSecret), timeoutMs);
}

export class EmbeddedBackend implements WhatsAppBackend {
	readonly label = EMBEDDED_LABEL;
	private lease: Promise<SessionLease> | undefined;

	constructor(
		private readonly paths: SessionPaths,
		private readonly timeoutMs: number,
	) {}

	readonly capabilities = EMBEDDED_CAPABILITIES;

	supports(operation: Operation): boolean {
		return offers(this.capabilities, operation);
	}

	formatChatId(chat: ChatRef): string {
		return chat.jid;
	}

	formatMessageId(message: MessageRef): string {
		return message.id;
	}

	// ------------------------------------------------------------------ chats

	async listChats(page: Page): Promise<ChatSummary[]> {
		const connection = await this.pairedConnection();
		return connection.store.listChats(page).map(toChatSummary);
	}

	async listMessages(chat: ChatRef, page: Page & { downloadMedia: boolean }): Promise<MessageSummary[]> {
		const connection = await this.pairedConnection();
		const jid = connection.store.resolveChatId(chat.jid);
		return connection.store.listMessages(jid, page).map((message) => toMessageSummary(message, chat.jid));
	}

	archiveChat = (chat: ChatRef) => this.modifyChat(chat, 'archive', (lastMessages) => ({ archive: true, lastMessages }));
	unarchiveChat = (chat: ChatRef) => this.modifyChat(chat, 'unarchive', (lastMessages) => ({ archive: false, lastMessages }));
	markChatUnread = (chat: ChatRef) => this.modifyChat(chat, 'mark unread', (lastMessages) => ({ markRead: false, lastMessages }));
	deleteChat = (chat: ChatRef) =>
		this.modifyChat(chat, 'delete', (lastMessages) => ({ delete: true, lastMessages }), (connection, jid) => connection.store.deleteChat(jid));
	clearMessages = (chat: ChatRef) =>
		this.modifyChat(chat, 'clear', (lastMessages) => ({ clear: true, lastMessages }), (connection, jid) => connection.store.clearMessages(jid));

	// ------------------------------------------------------------------ messages

	async editMessage(message: MessageRef, text: string): Promise<BackendAnswer> {
		return await this.sendAbout(message, 'edit', (key) => {
			if (!key.fromMe) {
				throw new GatewayError(
					EMBEDDED_LABEL,
					'rejected',
					`Message "${key.id}" in chat ${message.chat.jid} was not sent by this account: WhatsApp only lets you edit your own messages`,
				);
			}
			return { text, edit: key };
		}, (connection, key) => connection.store.updateMessage(key.remoteJid, key.id, { text, edited: true }));
	}

	deleteMessage = (message: MessageRef) =>
		this.sendAbout(message, 'delete', (key) => ({ delete: key }), (connection, key) =>
			connection.store.updateMessage(key.remoteJid, key.id, { text: null, hasMedia: false, revoked: true }),
		);

	pinMessage = (message: MessageRef, duration: PinDuration) =>
		this.sendAbout(message, 'pin', (key) => ({ pin: key, type: PIN_IN_CHAT_TYPE.PIN_FOR_ALL, time: duration }));

	unpinMessage = (message: MessageRef) => this.sendAbout(message, 'unpin', (key) => ({ pin: key, type: PIN_IN_CHAT_TYPE.UNPIN_FOR_ALL }));

	reactToMessage = (message: MessageRef, emoji: string) =>
		this.sendAbout(message, emoji ? 'react to' : 'remove the reaction from', (key) => ({ react: { key, text: emoji } }));

	starMessage = (message: MessageRef) => this.star(message, true);
	unstarMessage = (message: MessageRef) => this.star(message, false);

	/**
	 * `sendMessage(jid, { text, linkPreview }, { quoted })`. The preview is made beforehand within
	 * its own short budget (see linkPreview.ts), so a page that does not answer never holds up the
	 * send; `linkPreview: null` makes Baileys send none. The sent message goes into the store at once,
	 * so Edit, Pin, React or Delete by its bare id find it in the same execution.
	 */
	async sendText(chat: ChatRef, text: string, options: SendTextOptions): Promise<SentMessage> {
		const { connection, sock } = await this.openSocket();
		const jid = connection.store.resolveChatId(chat.jid);
		const quotedKey = options.replyTo ? this.keyOf(connection, options.replyTo) : undefined;
		const quoted = quotedKey ? quotedMessageOf(connection, quotedKey) : undefined;
		const link = await makeLinkPreview(text, options.linkPreview, Math.min(LINK_PREVIEW_BUDGET_MS, Math.floor(this.timeoutMs / 3)));
		const sent = await this.call(
			connection,
			sock.sendMessage(jid, { text, linkPreview: link.preview }, quoted ? { quoted } : {}),
			`send a text message to chat ${chat.jid}`,
			sock,
		);
		if (!sent?.key.id) {
			throw new GatewayError(EMBEDDED_LABEL, 'badAnswer', `The embedded session "${connection.session}" sent the text to ${chat.jid} but got no message id back; check the chat before sending again`);
		}
		const id = sent.key.id;
		const timestamp = Number(sent.messageTimestamp ?? 0) || Math.floor(Date.now() / 1000);
		connection.store.addMessage({ key: { remoteJid: jid, id, fromMe: true }, timestamp, text, hasMedia: false });
		return {
			raw: { ...sentSummary(sent), linkPreview: link.summary, ...(quotedKey ? { replyTo: { ...quotedKey } } : {}) },
			message: { chat, id, fromMe: true },
			timestamp,
			...(quotedKey && options.replyTo ? { resolved: resolvedRef(options.replyTo, quotedKey) } : {}),
		};
	}

	// ------------------------------------------------------------------ session

	async getQr(): Promise<{ qr: string; raw: unknown }> {
		const connection = await this.connection();
		const { qr, at } = await connection.pairingQr(this.timeoutMs);
		return {
			qr,
			raw: {
				session: connection.session,
				state: connection.currentState,
				receivedAt: new Date(at).toISOString(),
				hint: 'Scan in WhatsApp → Settings → Linked devices → Link a device. The QR changes about every 20 s: run Get QR again if it expired.',
			},
		};
	}

	async requestPairingCode(phoneNumber: string): Promise<{ code: string; raw: unknown }> {
		const connection = await this.connection();
		const code = await this.call(connection, connection.pairingCode(phoneNumber, this.timeoutMs), 'the pairing-code request');
		return {
			code,
			raw: {
				session: connection.session,
				phoneNumber,
				hint: 'On the phone: WhatsApp → Settings → Linked devices → Link a device → Link with phone number instead, then type the code.',
			},
		};
	}

	async getSessionStatus(): Promise<SessionStatus> {
		const connection = await this.connection();
		if (connection.isPaired) await connection.settledState(Math.min(this.timeoutMs, STATUS_WAIT_MS));
		// No route to WhatsApp: say what failed rather than report "reconnecting".
		const unreachable = connection.unreachableError;
		if (unreachable) throw unreachable;
		const status = connection.status();
		connection.acknowledgeStoreNotice();
		return status;
	}

	async logout(): Promise<BackendAnswer> {
		const connection = await this.connection();
		const me = connection.status().me;
		await this.call(connection, connection.logout(this.timeoutMs), 'the logout');
		return { raw: { session: connection.session, loggedOut: true, unlinked: me } };
	}

	/** The credential test: an error (which n8n shows) unless the session is paired and connects. */
	async verifyConnection(): Promise<string> {
		// Its own short lease: a credential test does not keep the session connected afterwards.
		const lease = await acquireSession(this.paths, 'check');
		try {
			const connection = lease.connection;
			if (!connection.isPaired) throw notPairedError(connection.session, connection.currentState === 'loggedOut');
			await connection.whenOpen(this.timeoutMs);
			const connected = `Connected to WhatsApp as ${connection.status().me ?? 'unknown'} (embedded session "${connection.session}")`;
			if (isQueueMode()) throw new GatewayError(EMBEDDED_LABEL, 'rejected', `${connected}; however,${queueModeNote()}`);
			return connected;
		} finally {
			lease.release();
		}
	}

	async release(): Promise<void> {
		const lease = this.lease;
		this.lease = undefined;
		if (lease) (await lease.catch(() => undefined))?.release();
	}

	// ------------------------------------------------------------------ helpers

	/** The shared connection; the lease is taken once per backend (one execution) and given back in release(). */
	private async connection(): Promise<SessionConnection> {
		this.lease ??= acquireSession(this.paths);
		try {
			return (await this.lease).connection;
		} catch (error) {
			this.lease = undefined;
			throw error;
		}
	}

	private async pairedConnection(): Promise<SessionConnection> {
		const connection = await this.connection();
		if (!connection.isPaired) throw notPairedError(connection.session, connection.currentState === 'loggedOut');
		await connection.checkStorage();
		return connection;
	}

	private async openSocket(): Promise<{ connection: SessionConnection; sock: WASocket }> {
		const connection = await this.connection();
		const sock = await connection.whenOpen(this.timeoutMs);
		await connection.checkStorage();
		return { connection, sock };
	}

	/**
	 * A Baileys call with the timeout, its errors in words a person understands. A call on the open
	 * socket that times out replaces that socket (see SessionConnection.replaceSocket), so the next
	 * call does not queue behind the abandoned one.
	 */
	private async call<T>(connection: SessionConnection, work: Promise<T>, what: string, sock?: WASocket): Promise<T> {
		try {
			return await withTimeout(work, this.timeoutMs, what);
		} catch (error) {
			if (sock && error instanceof GatewayError && error.kind === 'timeout') {
				connection.replaceSocket(sock, `${what} was abandoned after ${this.timeoutMs} ms`);
				throw new GatewayError(
					EMBEDDED_LABEL,
					'timeout',
					`${error.message}. The embedded session "${connection.session}" reconnects at once so the next call does not wait for this one; ` +
						'the change may or may not have reached WhatsApp: check the chat on the phone before retrying',
				);
			}
			throw fromBaileysError(error, connection.session, what);
		}
	}

	private async modifyChat(
		chat: ChatRef,
		action: string,
		modification: (lastMessages: LastMessages) => ChatModification,
		afterwards?: (connection: SessionConnection, jid: string) => void,
	): Promise<BackendAnswer> {
		const { connection, sock } = await this.openSocket();
		const jid = connection.store.resolveChatId(chat.jid);
		const lastMessages = connection.store.lastMessages(jid);
		if (lastMessages.length === 0) throw noLastMessageError(connection.session, chat.jid, action);
		await this.call(connection, sock.chatModify(modification(lastMessages), jid), `${action} of chat ${chat.jid}`, sock);
		afterwards?.(connection, jid);
		const [last] = lastMessages;
		return { raw: { chatId: jid, action, lastMessageId: last.key.id, lastMessageTimestamp: last.messageTimestamp } };
	}

	private async sendAbout(
		message: MessageRef,
		action: string,
		content: (key: StoredKey) => AnyMessageContent,
		afterwards?: (connection: SessionConnection, key: StoredKey) => void,
	): Promise<BackendAnswer> {
		const { connection, sock } = await this.openSocket();
		const key = this.keyOf(connection, message);
		const sent = await this.call(connection, sock.sendMessage(key.remoteJid, content({ ...key })), `${action} message "${message.id}" in chat ${message.chat.jid}`, sock);
		afterwards?.(connection, key);
		return { raw: sentSummary(sent), resolved: resolvedRef(message, key) };
	}

	private async star(message: MessageRef, starred: boolean): Promise<BackendAnswer> {
		const { connection, sock } = await this.openSocket();
		const key = this.keyOf(connection, message);
		const what = `${starred ? 'star' : 'unstar'} message "${message.id}" in chat ${message.chat.jid}`;
		await this.call(connection, sock.star(key.remoteJid, [{ id: key.id, fromMe: key.fromMe }], starred), what, sock);
		connection.store.updateMessage(key.remoteJid, key.id, { starred });
		return { raw: { chatId: key.remoteJid, messageId: key.id, fromMe: key.fromMe, starred }, resolved: resolvedRef(message, key) };
	}

	/** The full key of a message: from the store, or from a serialized id the user gave. */
	private keyOf(connection: SessionConnection, message: MessageRef): StoredKey {
		const jid = connection.store.resolveChatId(message.chat.jid);
		const stored = connection.store.findMessage(jid, message.id);
		if (stored) return { ...stored.key };
		if (message.fromMe === undefined) {
			throw unknownMessageError(connection.session, message.chat.jid, message.id, connection.store.limits.maxMessagesPerChat);
		}
		if (jid.endsWith('@g.us') && !message.fromMe && !message.participant) {
			throw new GatewayError(
				EMBEDDED_LABEL,
				'notFound',
				`Message "${message.id}" of group ${message.chat.jid} is not in the local store, and a group message also needs its sender: ` +
					`give the id as false_${message.chat.jid}_${message.id}_<sender>@s.whatsapp.net`,
			);
		}
		return { remoteJid: jid, id: message.id, fromMe: message.fromMe, ...(message.participant ? { participant: message.participant } : {}) };
	}
}

function resolvedRef(message: MessageRef, key: StoredKey): MessageRef {
	const participant = key.participant ? (canonicalJid(key.participant) ?? undefined) : undefined;
	return { chat: message.chat, id: key.id, fromMe: key.fromMe, ...(participant ? { participant } : {}) };
}

/**
 * The quoted message as Baileys wants it (key and content): the text the store kept, or an empty
 * text for a message known only by its full id (WhatsApp shows the quote from the recipient's copy).
 */
function quotedMessageOf(connection: SessionConnection, key: StoredKey): WAMessage {
	const stored = connection.store.findMessage(key.remoteJid, key.id);
	return { key: { ...key }, message: { conversation: stored?.text ?? '' } };
}

/** The protocol message WhatsApp accepted, without the Baileys object (whose key it may change later). */
function sentSummary(sent: WAMessage | undefined): Record<string, unknown> {
	if (!sent) return {};
	return {
		id: sent.key.id,
		key: { ...sent.key },
		timestamp: Number(sent.messageTimestamp ?? 0) || null,
		status: sent.status ?? null,
	};
}

function toChatSummary(chat: StoredChat): ChatSummary {
	return {
		id: chat.id,
		name: chat.name,
		isGroup: chat.id.endsWith('@g.us'),
		archived: chat.archived,
		pinned: chat.pinned,
		unreadCount: chat.unreadCount,
		lastMessageTimestamp: chat.lastMessage?.timestamp ?? null,
		raw: {
			id: chat.id,
			name: chat.name,
			archived: chat.archived,
			pinned: chat.pinned,
			unreadCount: chat.unreadCount,
			markedUnread: chat.markedUnread ?? false,
			lastMessage: chat.lastMessage,
			storedMessages: chat.messages.length,
		},
	};
}

function toMessageSummary(message: StoredMessage, chatId: string): MessageSummary {
	return {
		id: message.key.id,
		chatId,
		fromMe: message.key.fromMe,
		from: message.key.participant ?? (message.key.fromMe ? null : message.key.remoteJid),
		timestamp: message.timestamp,
		text: message.text,
		hasMedia: message.hasMedia,
		raw: { ...message, key: { ...message.key } },
	};
}
