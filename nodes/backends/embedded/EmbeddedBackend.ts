/**
 * The embedded backend: WhatsApp inside n8n through Baileys, no gateway. Each operation runs on
 * the session's shared, warm socket (SessionRegistry) with its own timeout; chat changes take
 * `lastMessages` from the local store and bare message ids are completed to full keys there.
 */
import type { AnyMessageContent, ChatModification, WAMessage, WASocket } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { offers } from '../capabilities';
import { GatewayError } from '../errors';
import { identityOf, type IdentityBook } from '../identity';
import { canonicalJid, parseChatId, type ChatRef, type MessageRef } from '../ids';
import { labelSummary } from '../labels';
import {
	MUTE_DURATIONS,
	type BackendAnswer,
	type ChatDetails,
	type ChatLabels,
	type ChatPicture,
	type ChatSummary,
	type LabelSummary,
	type MediaFile,
	type MediaLimits,
	type MessageDetails,
	type MessageSummary,
	type MuteDuration,
	type Operation,
	type Page,
	type PinDuration,
	type SendTextOptions,
	type SentMessage,
	type SessionStatus,
	type WhatsAppBackend,
} from '../WhatsAppBackend';
import { PIN_IN_CHAT_TYPE } from './baileysConstants';
import { EMBEDDED_CAPABILITIES } from './capabilities';
import type { SessionConnection } from './connection';
import {
	BUSINESS_PLATFORMS,
	EMBEDDED_LABEL,
	fromBaileysError,
	isQueueMode,
	noLabelsKnownError,
	noLastMessageError,
	notPairedError,
	personalAccountError,
	queueModeNote,
	unknownMessageError,
} from './embeddedErrors';
import { LINK_PREVIEW_BUDGET_MS, makeLinkPreview } from './linkPreview';
import { sessionPaths, type SessionPaths } from './paths';
import { acquireSession, type SessionLease } from './SessionRegistry';
import { checkMediaSize, mediaFileName, mediaOf, NO_MEDIA } from '../mediaFile';
import { loadBaileys } from './loadBaileys';
import { downloadStoredMedia } from './mediaDownload';
import { MUTED_ALWAYS } from './ChatChange';
import { isMuted, type ChatFieldChange, type ChatStore, type StoredChat, type StoredKey, type StoredLabel, type StoredMedia, type StoredMessage } from './store';
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
		const { store } = connection;
		return store.listChats(page).map((chat) => toChatSummary(chat, store));
	}

	async listMessages(chat: ChatRef, page: Page & { downloadMedia: boolean }): Promise<MessageSummary[]> {
		const connection = await this.pairedConnection();
		const jid = connection.store.resolveChatId(chat.jid);
		return connection.store.listMessages(jid, page).map((message) => toMessageSummary(message, chat.jid, connection.store.identities));
	}

	/**
	 * A person chat as WhatsApp knows it: the JID the local store holds it under (a phone number
	 * given for a chat WhatsApp addresses by its LID becomes that LID, as in the app-state index and
	 * the message keys the phone itself uses), else its LID when one is known, else as given. Pairs
	 * come from the store (messages, mappings, history) and from Baileys' own LID mapping store.
	 */
	async resolveChat(chat: ChatRef): Promise<ChatRef> {
		if (chat.server !== 's.whatsapp.net' && chat.server !== 'lid') return chat;
		const connection = await this.pairedConnection();
		const { store } = connection;
		let identity = store.identities.identify(chat.jid);
		if (!identity.phone || !identity.lid) {
			const learnt = await this.askBaileysMapping(connection, chat);
			if (learnt) {
				store.learnIdentity(learnt.lid, learnt.pn);
				identity = store.identities.identify(chat.jid);
			}
		}
		const stored = store.getChat(chat.jid);
		const jid = stored?.id ?? identity.lid ?? chat.jid;
		return { ...parseChatId(jid), identity };
	}

	/** From the local store: what WhatsApp told this session about the chat (no request to WhatsApp). */
	async getChat(chat: ChatRef): Promise<ChatDetails> {
		const connection = await this.pairedConnection();
		const stored = connection.store.getChat(chat.jid);
		if (!stored) {
			throw new GatewayError(
				EMBEDDED_LABEL,
				'notFound',
				`The embedded session "${connection.session}" knows no chat ${chat.jid}: it is not in the local store. ` +
					'A chat is learned when a message arrives or is sent while n8n is connected, or from the history the phone shares after pairing; check the phone number or chat id',
			);
		}
		const last = stored.lastMessage;
		const lastStored = last ? connection.store.findMessage(stored.id, last.key.id) : undefined;
		const lastMessage = lastStored
			? toMessageSummary(lastStored, chat.jid, connection.store.identities)
			: last
				? // Cleared or trimmed from the store: only its key and time are known.
					{ ...toMessageSummary({ key: last.key, timestamp: last.timestamp, text: null, hasMedia: false }, chat.jid, connection.store.identities), hasMedia: null }
				: null;
		return { ...toChatSummary(stored, connection.store), pictureUrl: null, lastMessage };
	}

	/** WhatsApp's profile-picture query (full size); "item-not-found" (none) and "not-authorized" (hidden) give no URL. */
	async getChatPicture(chat: ChatRef): Promise<ChatPicture> {
		const { connection, sock } = await this.openSocket();
		const asked = sock.profilePictureUrl(chat.jid, 'image', this.timeoutMs).then(
			(url) => ({ url: url || null, reason: url ? null : 'no url' }),
			(error: unknown) => {
				const reason = noPictureReason(error);
				if (reason) return { url: null, reason };
				throw error;
			},
		);
		// A read: Baileys' own query timeout (the same Timeout) ends it, so the socket need not be replaced.
		const { url, reason } = await this.call(connection, asked, `the profile picture query for chat ${chat.jid}`);
		return { url, raw: { chatId: chat.jid, type: 'image', url, ...(reason ? { reason } : {}) } };
	}

	archiveChat = (chat: ChatRef) => this.modifyChat(chat, 'archive', (lastMessages) => ({ archive: true, lastMessages }));
	unarchiveChat = (chat: ChatRef) => this.modifyChat(chat, 'unarchive', (lastMessages) => ({ archive: false, lastMessages }));
	markChatUnread = (chat: ChatRef) => this.modifyChat(chat, 'mark unread', (lastMessages) => ({ markRead: false, lastMessages }));
	/** Read receipts for the chat's unread messages in the store, then the chat marked read on every device. */
	async markChatRead(chat: ChatRef): Promise<BackendAnswer> {
		const { connection, sock } = await this.openSocket();
		const jid = connection.store.resolveChatId(chat.jid);
		const lastMessages = connection.store.lastMessages(jid);
		if (lastMessages.length === 0) throw noLastMessageError(connection.session, chat.jid, 'mark read');
		const unread = connection.store.unreadMessages(jid);
		const what = `mark read of chat ${chat.jid}`;
		if (unread.length > 0) await this.call(connection, sock.readMessages(unread), what, sock);
		await this.call(connection, sock.chatModify({ markRead: true, lastMessages }, jid), what, sock);
		connection.store.upsertChat(jid, { unreadDelta: 0 });
		const [last] = lastMessages;
		return {
			raw: { chatId: jid, action: 'mark read', readMessageIds: unread.map((key) => key.id), lastMessageId: last.key.id, lastMessageTimestamp: last.messageTimestamp },
		};
	}

	/**
	 * Baileys writes `mute` verbatim as the mutation's muteEndTimestamp (chatModificationToAppPatch),
	 * so it must be what WhatsApp's own clients send: the end time in Unix milliseconds, -1 for
	 * always (not a duration, whatever Baileys' README says); null unmutes.
	 */
	async muteChat(chat: ChatRef, duration: MuteDuration): Promise<BackendAnswer> {
		const seconds = MUTE_DURATIONS[duration];
		const endMs = seconds === null ? MUTED_ALWAYS : Date.now() + seconds * 1000;
		const muteEndTimestamp = seconds === null ? null : Math.floor(endMs / 1000);
		const answer = await this.setChat(chat, 'mute', { mute: endMs }, { mutedUntil: muteEndTimestamp ?? MUTED_ALWAYS });
		return { raw: { ...(answer.raw as object), muteEndTimestamp }, muteEndTimestamp };
	}

	unmuteChat = (chat: ChatRef) => this.setChat(chat, 'unmute', { mute: null }, { mutedUntil: null });
	pinChat = (chat: ChatRef) => this.setChat(chat, 'pin', { pin: true }, { pinned: true });
	unpinChat = (chat: ChatRef) => this.setChat(chat, 'unpin', { pin: false }, { pinned: false });

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
			connection.store.updateMessage(key.remoteJid, key.id, { text: null, hasMedia: false, media: undefined, revoked: true }),
		);

	pinMessage = (message: MessageRef, duration: PinDuration) =>
		this.sendAbout(message, 'pin', (key) => ({ pin: key, type: PIN_IN_CHAT_TYPE.PIN_FOR_ALL, time: duration }));

	unpinMessage = (message: MessageRef) => this.sendAbout(message, 'unpin', (key) => ({ pin: key, type: PIN_IN_CHAT_TYPE.UNPIN_FOR_ALL }));

	reactToMessage = (message: MessageRef, emoji: string) =>
		this.sendAbout(message, emoji ? 'react to' : 'remove the reaction from', (key) => ({ react: { key, text: emoji } }));

	starMessage = (message: MessageRef) => this.star(message, true);
	unstarMessage = (message: MessageRef) => this.star(message, false);

	/** One message from the local store (what WhatsApp sent while connected, or in the history at pairing). */
	async getMessage(message: MessageRef): Promise<MessageDetails> {
		const connection = await this.pairedConnection();
		const stored = this.storedMessage(connection, message);
		return { ...toMessageSummary(stored, message.chat.jid, connection.store.identities), ...mediaFactsOf(stored) };
	}

	/**
	 * Downloads the blob from WhatsApp's media server and decrypts it. Media WhatsApp no longer
	 * holds (404/410) is asked from the phone again (Baileys' updateMediaMessage, the reupload
	 * request downloadMediaMessage makes) and fetched once more.
	 */
	async downloadMedia(summary: MessageSummary, limits: MediaLimits): Promise<MediaFile | null> {
		const connection = await this.pairedConnection();
		// Its chatId is the canonical JID this backend was asked for.
		const ref: MessageRef = { chat: parseChatId(summary.chatId), id: summary.id };
		const stored = this.storedMessage(connection, ref);
		if (!stored.hasMedia) return null;
		const what = mediaOf(summary.id);
		const media = stored.media;
		if (!media) {
			throw new GatewayError(
				EMBEDDED_LABEL,
				'notFound',
				`The local store of the embedded session "${connection.session}" has no download details for ${what} ` +
					'(messages stored before this version of the node, or sent without them); it cannot be downloaded',
			);
		}
		checkMediaSize(EMBEDDED_LABEL, what, media.fileSize, limits);
		const B = await loadBaileys();
		const download = (current: StoredMedia) => downloadStoredMedia(B, current, { what, timeoutMs: this.timeoutMs, limits });
		let data: Buffer;
		try {
			data = await download(media);
		} catch (error) {
			if (!(error instanceof GatewayError) || error.kind !== 'notFound') throw error;
			const renewed = await this.reuploadMedia(connection, stored, media, what);
			data = await download(renewed);
		}
		const mimeType = media.mimeType ?? 'application/octet-stream';
		return { data, mimeType, fileName: mediaFileName(media.fileName, summary.id, mimeType) };
	}

	// ------------------------------------------------------------------ labels

	/** The labels Baileys reported (`labels.edit`), kept in the store. */
	async listLabels(): Promise<LabelSummary[]> {
		const connection = await this.labelsConnection();
		return connection.store.listLabels().map(toLabelSummary);
	}

	async getChatLabels(chat: ChatRef): Promise<ChatLabels> {
		const connection = await this.labelsConnection();
		const { store } = connection;
		const stored = store.getChat(chat.jid);
		const labels = chatLabelsOf(stored, store) ?? [];
		return {
			labels,
			raw: { chatId: stored?.id ?? chat.jid, labelIds: stored?.labels ?? [] },
			...(stored ? {} : { note: `The chat is not in the local store of the embedded session "${connection.session}": no labels are known for it` }),
		};
	}

	addChatLabel = (chat: ChatRef, label: LabelSummary) => this.changeChatLabel(chat, label, true);
	removeChatLabel = (chat: ChatRef, label: LabelSummary) => this.changeChatLabel(chat, label, false);

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

	/** Baileys' own LID mapping, within the timeout; unknown (or failing) stays unknown and the chat is used as given. */
	private async askBaileysMapping(connection: SessionConnection, chat: ChatRef): Promise<{ lid: string; pn: string } | undefined> {
		try {
			return await withTimeout(connection.baileysLidMapping(chat.jid), this.timeoutMs, 'the LID look-up');
		} catch {
			return undefined;
		}
	}

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

	/**
	 * A paired connection whose account has labels: refused when its app says it is a personal
	 * WhatsApp (platform at pairing), or when WhatsApp has reported no label at all so far.
	 */
	private async labelsConnection(): Promise<SessionConnection> {
		const connection = await this.pairedConnection();
		if (connection.store.labelCount > 0) return connection;
		const platform = connection.accountPlatform;
		if (platform && !BUSINESS_PLATFORMS.includes(platform.toLowerCase())) throw personalAccountError(connection.session, platform);
		throw noLabelsKnownError(connection.session);
	}

	/** A label on or off the chat through app state (Baileys' addChatLabel / removeChatLabel); no change needed, no write. */
	private async changeChatLabel(chat: ChatRef, label: LabelSummary, add: boolean): Promise<BackendAnswer> {
		const known = await this.labelsConnection();
		const jid = known.store.resolveChatId(chat.jid);
		const present = known.store.getChat(jid)?.labels?.includes(label.id) ?? false;
		const raw = { chatId: jid, labelId: label.id, labelName: label.name, action: add ? 'add' : 'remove' };
		if (present === add) {
			return {
				raw: { ...raw, changed: false },
				note: add ? `Label "${label.name}" was already on the chat; nothing was changed` : `Label "${label.name}" was not on the chat; nothing was changed`,
			};
		}
		const { connection, sock } = await this.openSocket();
		const what = `${add ? 'adding' : 'removing'} label "${label.name}" ${add ? 'to' : 'from'} chat ${chat.jid}`;
		await this.call(connection, add ? sock.addChatLabel(jid, label.id) : sock.removeChatLabel(jid, label.id), what, sock);
		connection.store.setChatLabel(jid, label.id, add);
		return { raw: { ...raw, changed: true } };
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

	/** A chat setting WhatsApp keeps without the chat's last message (mute, pin): also for chats the store has not seen. */
	private async setChat(chat: ChatRef, action: string, modification: ChatModification, stored: ChatFieldChange): Promise<BackendAnswer> {
		const { connection, sock } = await this.openSocket();
		const jid = connection.store.resolveChatId(chat.jid);
		await this.call(connection, sock.chatModify(modification, jid), `${action} of chat ${chat.jid}`, sock);
		connection.store.upsertChat(jid, stored);
		return { raw: { chatId: jid, action } };
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

	private storedMessage(connection: SessionConnection, message: MessageRef): StoredMessage {
		const jid = connection.store.resolveChatId(message.chat.jid);
		const stored = connection.store.findMessage(jid, message.id);
		if (!stored) {
			throw new GatewayError(
				EMBEDDED_LABEL,
				'notFound',
				`Message "${message.id}" of chat ${message.chat.jid} is not in the local store of the embedded session "${connection.session}" ` +
					`(it keeps the last ${connection.store.limits.maxMessagesPerChat} messages of each chat seen while n8n was connected, or shared by the phone at pairing), ` +
					'so it cannot be read; WhatsApp offers no way to fetch one old message by its id',
			);
		}
		return stored;
	}

	/** Asks the phone to upload the media again (it answers with a new path) and keeps the new path. */
	private async reuploadMedia(connection: SessionConnection, stored: StoredMessage, media: StoredMedia, what: string): Promise<StoredMedia> {
		const { sock } = await this.openSocket();
		const content = { mediaKey: Buffer.from(media.mediaKey, 'base64'), directPath: media.directPath, url: media.url };
		const message = { key: { ...stored.key }, message: { [`${media.type}Message`]: content } } as unknown as WAMessage;
		// The phone's refusal (deleted there, or no longer on it) in its words; a timeout as every call's.
		const asked = sock.updateMediaMessage(message).catch((error: unknown) => {
			const reason = error instanceof Error ? error.message : String(error);
			throw new GatewayError(
				EMBEDDED_LABEL,
				'notFound',
				`WhatsApp's media server no longer has ${what}, and the phone could not upload it again (${reason}); media deleted on the phone cannot be downloaded`,
			);
		});
		await this.call(connection, asked, `the re-upload request for ${what} (WhatsApp's media server no longer had it)`, sock);
		const renewed: StoredMedia = { ...media, directPath: content.directPath ?? null, url: content.url ?? null };
		connection.store.updateMessage(stored.key.remoteJid, stored.key.id, { media: renewed });
		return renewed;
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

/** WhatsApp answers 404 item-not-found for a contact without a picture and 401 not-authorized when privacy hides it. */
function noPictureReason(error: unknown): string | null {
	const code = (error as { data?: unknown })?.data;
	const message = error instanceof Error ? error.message : '';
	if (code === 404 || /item-not-found/.test(message)) return 'item-not-found';
	if (code === 401 || /not-authorized/.test(message)) return 'not-authorized';
	return null;
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

function toLabelSummary(label: StoredLabel): LabelSummary {
	return labelSummary(label.id, label.name, label.color, undefined, { ...label });
}

/** The chat's labels, named from the store; null while the account has reported no label at all. */
function chatLabelsOf(chat: StoredChat | undefined, store: ChatStore): ChatSummary['labels'] {
	if (!chat?.labels && store.labelCount === 0) return null;
	return (chat?.labels ?? []).map((id) => ({ id, name: store.getLabel(id)?.name ?? null }));
}

function toChatSummary(chat: StoredChat, store: ChatStore): ChatSummary {
	const book = store.identities;
	return {
		id: chat.id,
		...book.identify(chat.id),
		name: chat.name,
		isGroup: chat.id.endsWith('@g.us'),
		archived: chat.archived,
		pinned: chat.pinned,
		muted: isMuted(chat),
		unreadCount: chat.unreadCount,
		lastMessageTimestamp: chat.lastMessage?.timestamp ?? null,
		labels: chatLabelsOf(chat, store),
		raw: {
			id: chat.id,
			name: chat.name,
			archived: chat.archived,
			pinned: chat.pinned,
			mutedUntil: chat.mutedUntil ?? null,
			unreadCount: chat.unreadCount,
			markedUnread: chat.markedUnread ?? false,
			lastMessage: chat.lastMessage,
			storedMessages: chat.messages.length,
		},
	};
}

function toMessageSummary(message: StoredMessage, chatId: string, book: IdentityBook): MessageSummary {
	// The media's download details (its key) never leave the store; its facts do.
	const { media, ...rest } = message;
	const facts = media ? { type: media.type, mimeType: media.mimeType, fileName: media.fileName, fileSize: media.fileSize } : undefined;
	const from = message.key.participant ?? (message.key.fromMe ? null : message.key.remoteJid);
	const sender = from ? book.identify(from) : identityOf();
	return {
		id: message.key.id,
		chatId,
		...book.identify(chatId),
		fromMe: message.key.fromMe,
		from,
		fromPhone: sender.phone,
		fromLid: sender.lid,
		timestamp: message.timestamp,
		text: message.text,
		hasMedia: message.hasMedia,
		raw: { ...rest, key: { ...message.key }, ...(facts ? { media: facts } : {}) },
	};
}

function mediaFactsOf(message: StoredMessage): typeof NO_MEDIA {
	const media = message.media;
	if (!media) return NO_MEDIA;
	return { mediaType: media.type, mimeType: media.mimeType, fileName: media.fileName, fileSize: media.fileSize };
}
