/**
 * The contract every backend implements: one method per operation, in WhatsApp terms.
 * Node parameters say *what* to do; a backend decides *how* (HTTP gateway or embedded socket).
 * Backends know nothing of n8n: they take parsed ids and throw the errors of `./errors`.
 */
import type { Capabilities } from './capabilities';
import type { Identity } from './identity';
import type { ChatRef, MessageRef } from './ids';

/** How operations are named to people, in errors and in the README's table. */
export const OPERATION_LABELS = {
	listChats: 'Chat: Get Many',
	getChat: 'Chat: Get',
	getChatPicture: 'Chat: Get Picture',
	listMessages: 'Chat: Get Messages',
	getMessage: 'Message: Get',
	archiveChat: 'Chat: Archive',
	unarchiveChat: 'Chat: Unarchive',
	markChatUnread: 'Chat: Mark Unread',
	markChatRead: 'Chat: Mark Read',
	muteChat: 'Chat: Mute',
	unmuteChat: 'Chat: Unmute',
	pinChat: 'Chat: Pin',
	unpinChat: 'Chat: Unpin',
	deleteChat: 'Chat: Delete',
	clearMessages: 'Chat: Clear Messages',
	editMessage: 'Message: Edit',
	deleteMessage: 'Message: Delete',
	pinMessage: 'Message: Pin',
	unpinMessage: 'Message: Unpin',
	starMessage: 'Message: Star',
	unstarMessage: 'Message: Unstar',
	reactToMessage: 'Message: React',
	listLabels: 'Label: Get Many',
	getChatLabels: "Label: Get Chat's Labels",
	addChatLabel: 'Label: Add to Chat',
	removeChatLabel: 'Label: Remove from Chat',
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

/** How long Chat → Mute silences a chat: WhatsApp's own choices (8 hours, 1 week, always). */
export const MUTE_DURATIONS = { '8h': 8 * 3600, '1w': 7 * 86400, always: null } as const;
export type MuteDuration = keyof typeof MUTE_DURATIONS;

/** What a backend answered, kept for the node's `raw` output field. */
export interface BackendAnswer {
	raw: unknown;
	/** The message as the backend resolved it (a bare id completed to a full key), if it did. */
	resolved?: MessageRef;
	/** Pin: how long the backend really pins, when it decides that itself. */
	pinnedForSeconds?: number;
	/** What the backend did differently from what was asked, in words for the output. */
	note?: string;
	/** Mute: Unix seconds the mute ends; null when muted always (or unmuted). */
	muteEndTimestamp?: number | null;
	/** The chat's phone number and LID as the backend learnt them while acting (completes the output's). */
	identity?: Identity;
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
	/** The chat's phone number (E.164 digits) and LID (`…@lid`), when known; null for groups and unknowns. */
	phone?: string | null;
	lid?: string | null;
	name: string | null;
	isGroup: boolean;
	archived: boolean | null;
	pinned: boolean | null;
	/** Notifications silenced (for a while or always), when the backend knows it. */
	muted: boolean | null;
	unreadCount: number | null;
	/** Unix seconds of the last message, when the backend knows it. */
	lastMessageTimestamp: number | null;
	/** The chat's labels (WhatsApp Business), where the backend says them; null where it does not. */
	labels: ChatLabel[] | null;
	raw: unknown;
}

/** A label on a chat: its id, and its name where known. */
export interface ChatLabel {
	id: string;
	name: string | null;
}

/** A WhatsApp Business label: `color` is WhatsApp's colour index (0–19), `colorName` its name ("Color 1"…"Color 20"). */
export interface LabelSummary {
	id: string;
	name: string;
	color: number | null;
	colorName: string | null;
	/** The backend's hex colour, where it gives one. */
	colorHex: string | null;
	raw: unknown;
}

/** A chat's labels, as read from the backend. */
export interface ChatLabels {
	labels: ChatLabel[];
	raw: unknown;
	/** Why the list may be incomplete, in words for the output. */
	note?: string;
	/** The chat's phone number and LID, as its row says. */
	identity?: Identity;
}

export interface MessageSummary {
	id: string;
	chatId: string;
	fromMe: boolean | null;
	/** The chat's phone number and LID, when known. */
	phone?: string | null;
	lid?: string | null;
	/** Sender in groups (participant), or the chat for direct messages. */
	from: string | null;
	/** The sender's phone number and LID, when known. */
	fromPhone?: string | null;
	fromLid?: string | null;
	timestamp: number | null;
	text: string | null;
	hasMedia: boolean | null;
	raw: unknown;
}

/** One chat in full (Chat: Get): the summary plus what the backend knows cheaply. */
export interface ChatDetails extends ChatSummary {
	/** Null where the backend does not say. */
	muted: boolean | null;
	/** The profile picture's URL when the chat answer carries it; Chat: Get Picture asks for it. */
	pictureUrl: string | null;
	lastMessage: MessageSummary | null;
}

/** A chat's profile picture: its URL, or null when the contact has none or privacy hides it. */
export interface ChatPicture {
	url: string | null;
	raw: unknown;
}

/** What a message's media is, where the backend knows it (all null for a message without media). */
export interface MediaFacts {
	/** `image`, `video`, `audio`, `document`, `sticker`, `ptv`. */
	mediaType: string | null;
	mimeType: string | null;
	fileName: string | null;
	/** Bytes. */
	fileSize: number | null;
}

/** One message (Message: Get): the list shape plus its media facts. */
export interface MessageDetails extends MessageSummary, MediaFacts {}

/** A downloaded media file, as it becomes n8n binary data. */
export interface MediaFile {
	data: Buffer;
	mimeType: string;
	fileName: string;
}

export interface MediaLimits {
	/** Largest media file accepted, in bytes ("Max Media Size (MiB)"). */
	maxBytes: number;
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
	/**
	 * The resolution step for an input chat (run once per item before its operation): the chat as
	 * this backend must address it (e.g. the LID a phone number is known by), with what is known of
	 * its phone number and LID in `identity`. Fails, before any request of the operation, when the
	 * backend needs a form of the id that cannot be found. Backends without it use the chat as given.
	 */
	resolveChat?(chat: ChatRef): Promise<ChatRef>;

	listChats(page: Page): Promise<ChatSummary[]>;
	listMessages(chat: ChatRef, page: Page & { downloadMedia: boolean }): Promise<MessageSummary[]>;
	/** Fails with a `notFound` GatewayError naming the chat when the backend does not know it. */
	getChat(chat: ChatRef): Promise<ChatDetails>;
	getChatPicture(chat: ChatRef): Promise<ChatPicture>;
	archiveChat(chat: ChatRef): Promise<BackendAnswer>;
	unarchiveChat(chat: ChatRef): Promise<BackendAnswer>;
	markChatUnread(chat: ChatRef): Promise<BackendAnswer>;
	/** Marks the chat's unread messages read (read receipts where the backend sends them). */
	markChatRead(chat: ChatRef): Promise<BackendAnswer>;
	muteChat(chat: ChatRef, duration: MuteDuration): Promise<BackendAnswer>;
	unmuteChat(chat: ChatRef): Promise<BackendAnswer>;
	/** Pins the chat itself at the top of the chat list (not a message: see pinMessage). */
	pinChat(chat: ChatRef): Promise<BackendAnswer>;
	unpinChat(chat: ChatRef): Promise<BackendAnswer>;
	deleteChat(chat: ChatRef): Promise<BackendAnswer>;
	clearMessages(chat: ChatRef): Promise<BackendAnswer>;
	/** One message; `downloadMedia` asks gateways that need it to prepare the media (WAHA's media URL). */
	getMessage(message: MessageRef, options: { downloadMedia: boolean }): Promise<MessageDetails>;
	/**
	 * The media of a message this backend returned (getMessage, or listMessages with downloadMedia),
	 * or null when it has none. Fails naming the message, the size and the option past the cap.
	 */
	downloadMedia(message: MessageSummary, limits: MediaLimits): Promise<MediaFile | null>;

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

	/** WhatsApp Business labels of the account. */
	listLabels(): Promise<LabelSummary[]>;
	getChatLabels(chat: ChatRef): Promise<ChatLabels>;
	/** `label` is known to exist (the caller resolved it); a label already on the chat is a success with a note. */
	addChatLabel(chat: ChatRef, label: LabelSummary): Promise<BackendAnswer>;
	/** A label not on the chat is a success with a note. */
	removeChatLabel(chat: ChatRef, label: LabelSummary): Promise<BackendAnswer>;

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
