/**
 * The one event shape the WhatsApp Chats Trigger emits, whatever the backend: each backend maps
 * its own webhooks or socket events into `ChatEvent`s (one per user-visible change).
 */

export const TRIGGER_EVENTS = [
	'chat.archive',
	'chat.unread',
	'chat.read',
	'chat.pin',
	'chat.mute',
	'chat.delete',
	'chat.label',
	'message',
	'message.edited',
	'message.revoked',
	'message.reaction',
	'message.star',
	'message.ack',
	'session.status',
] as const;

export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

/**
 * What a recipient did with an own message (`message.ack`), in order. The gateway's or server's own
 * acknowledgement (sent, pending) is no recipient's and starts nothing.
 */
export const ACK_STATUSES = ['delivered', 'read', 'played'] as const;
export type AckStatus = (typeof ACK_STATUSES)[number];

export interface ChatEvent {
	event: TriggerEvent;
	/** Session (WAHA name, Sessions API id, Evolution instance, embedded session name). */
	session: string;
	/** Chat in the backend's own notation; null for session-wide events. */
	chatId: string | null;
	/**
	 * The chat's phone number (E.164 digits) and LID (`…@lid`) where known, null otherwise; events
	 * with a sender also carry `data.fromPhone` / `data.fromLid` next to `data.from`. Backends set
	 * what their payloads say; the trigger completes the rest from the ids (see eventIdentity).
	 */
	phone?: string | null;
	lid?: string | null;
	messageId?: string;
	fromMe?: boolean;
	/** Unix seconds when the change happened (or was received, when the backend does not say). */
	timestamp: number;
	/**
	 * Event details, by event: `chat.archive` { archived }, `chat.pin` { pinned },
	 * `chat.mute` { muted, muteEndTimestamp (Unix seconds; null when muted always or unmuted) },
	 * `message` { text, from, hasMedia }, `message.edited` { text }, `message.revoked` {},
	 * `message.reaction` { emoji, removed, reactionMessageId?, from }, `message.star` { starred },
	 * `message.ack` { status: ACK_STATUSES, from } (an own message delivered to, read or played by `from`),
	 * `session.status` { status }, `chat.label` { labelId, labelName, added }.
	 */
	data: Record<string, unknown>;
	raw: unknown;
	/**
	 * Same value for the same change seen twice (gateway retries, overlapping event kinds):
	 * the trigger drops repeats of it within its de-duplication window.
	 */
	dedupeKey: string;
}
