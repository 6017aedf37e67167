/**
 * The contract every backend implements: one method per operation, in WhatsApp terms.
 * Node parameters say *what* to do; a backend decides *how* (HTTP gateway or embedded socket).
 * Backends know nothing of n8n: they take parsed ids and throw the errors of `./errors`.
 */
import type { Capabilities } from './capabilities';
import type { ChatRef, MessageRef } from './ids';

/** How operations are named to people, in errors and in the README's table. */
export const OPERATION_LABELS = {
	listChats: 'Chat: Get Many',
	listMessages: 'Chat: Get Messages',
	archiveChat: 'Chat: Archive',
	unarchiveChat: 'Chat: Unarchive',
	markChatUnread: 'Chat: Mark Unread',
	deleteChat: 'Chat: Delete',
	clearMessages: 'Chat: Clear Messages',
	editMessage: 'Message: Edit',
	deleteMessage: 'Message: Delete',
	pinMessage: 'Message: Pin',
	unpinMessage: 'Message: Unpin',
	starMessage: 'Message: Star',
	unstarMessage: 'Message: Unstar',
	reactToMessage: 'Message: React',
	sendText: 'Message: Send Text',
	getQr: 'Session: Get QR',
	requestPairingCode: 'Session: Request Pairing Code',
	getSessionStatus: 'Session: Status',
	logout: 'Session: Logout',
} as const;

/** One per method of the contract below, named as OPERATION_LABELS names them (its keys, in order). */
export type Operation = keyof typeof OPERATION_LABELS;

export const OPERATIONS = Object.keys(OPERATION_LABELS) as readonly Operation[];

/** Pin durations WhatsApp offers, in seconds: 24 hours, 7 days, 30 days. */
export const PIN_DURATIONS = [86400, 604800, 2592000] as const;
export type PinDuration = (typeof PIN_DURATIONS)[number];

/** What a backend answered, kept for the node's `raw` output field. */
export interface BackendAnswer {
	raw: unknown;
	/** The message as the backend resolved it (a bare id completed to a full key), if it did. */
	resolved?: MessageRef;
	/** Pin: how long the backend really pins, when it decides that itself. */
	pinnedForSeconds?: number;
	/** What the backend did differently from what was asked, in words for the output. */
	note?: string;
}

/** WhatsApp's own limit on a text message, in characters (UTF-16 code units, as WhatsApp counts). */
export const MAX_TEXT_LENGTH = 65_536;

export interface SendTextOptions {
	/** The message this one replies to (quotes), as the user gave it (a bare id is completed by the backend). */
	replyTo?: MessageRef;
	/** Whether a link in the text gets a preview (title, description) where the backend makes one. */
	linkPreview: boolean;
}

/** What a backend answered to a send: the new message, ready for the other message operations. */
export interface SentMessage extends BackendAnswer {
	/** The new message: its chat, its bare id, `fromMe: true`. */
	message: MessageRef;
	/** Unix seconds the backend gave the message, or null when it gave none. */
	timestamp: number | null;
}

export interface ChatSummary {
	id: string;
	name: string | null;
	isGroup: boolean;
	archived: boolean | null;
	pinned: boolean | null;
	unreadCount: number | null;
	/** Unix seconds of the last message, when the backend knows it. */
	lastMessageTimestamp: number | null;
	raw: unknown;
}

export interface MessageSummary {
	id: string;
	chatId: string;
	fromMe: boolean | null;
	/** Sender in groups (participant), or the chat for direct messages. */
	from: string | null;
	timestamp: number | null;
	text: string | null;
	hasMedia: boolean | null;
	raw: unknown;
}

export interface SessionStatus {
	/** Connection state in the backend's own words, e.g. WORKING, open, SCAN_QR_CODE. */
	state: string;
	connected: boolean;
	/** Own WhatsApp id once paired. */
	me: string | null;
	/** Embedded only: whether the phone has shared the app-state keys archive/star/etc. need. */
	appStateKeysReady?: boolean;
	/** Embedded only: whether the session's files (store, auth state) can be written; the last failure when not. */
	storage?: { ok: boolean; error: string | null; at: string | null };
	raw: unknown;
}

export interface Page {
	limit: number;
	offset: number;
}

export interface WhatsAppBackend {
	/** Human name used in messages, e.g. "WAHA". */
	readonly label: string;
	/** What it offers: the operations it lacks, each with why and what to do instead. */
	readonly capabilities: Capabilities;
	/** Derived from `capabilities`; the router refuses other operations before sending anything. */
	supports(operation: Operation): boolean;
	/** Chat and message ids in this backend's own notation (e.g. WAHA `@c.us`). */
	formatChatId(chat: ChatRef): string;
	formatMessageId(message: MessageRef): string;

	listChats(page: Page): Promise<ChatSummary[]>;
	listMessages(chat: ChatRef, page: Page & { downloadMedia: boolean }): Promise<MessageSummary[]>;
	archiveChat(chat: ChatRef): Promise<BackendAnswer>;
	unarchiveChat(chat: ChatRef): Promise<BackendAnswer>;
	markChatUnread(chat: ChatRef): Promise<BackendAnswer>;
	deleteChat(chat: ChatRef): Promise<BackendAnswer>;
	clearMessages(chat: ChatRef): Promise<BackendAnswer>;

	editMessage(message: MessageRef, text: string): Promise<BackendAnswer>;
	deleteMessage(message: MessageRef): Promise<BackendAnswer>;
	pinMessage(message: MessageRef, duration: PinDuration): Promise<BackendAnswer>;
	unpinMessage(message: MessageRef): Promise<BackendAnswer>;
	starMessage(message: MessageRef): Promise<BackendAnswer>;
	unstarMessage(message: MessageRef): Promise<BackendAnswer>;
	/** An empty emoji removes the reaction. */
	reactToMessage(message: MessageRef, emoji: string): Promise<BackendAnswer>;
	/** Sends a text message: not idempotent, so never retried once it may have reached the backend. */
	sendText(chat: ChatRef, text: string, options: SendTextOptions): Promise<SentMessage>;

	getQr(): Promise<{ qr: string; raw: unknown }>;
	requestPairingCode(phoneNumber: string): Promise<{ code: string; raw: unknown }>;
	getSessionStatus(): Promise<SessionStatus>;
	logout(): Promise<BackendAnswer>;

	/**
	 * For the credential test: resolves with a short description of the connection, or throws a
	 * GatewayError whose kind tells unreachable, unauthorized and unknownSession apart.
	 */
	verifyConnection(): Promise<string>;

	/** Gives back what the backend holds for this execution (sockets, references). */
	release(): Promise<void>;
}
