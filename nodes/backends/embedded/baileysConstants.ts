/**
 * The numbers of Baileys' and WhatsApp's enums this package uses, in one place. Plain values
 * (no Baileys at run time, so gateway users and the decoder's callers load nothing), each checked
 * at compile time against Baileys' own enum: `npx tsc` fails when a value here differs from it.
 */
import type { DisconnectReason, proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };

/** proto.WebMessageInfo.StubType: what a stub (a message without content) stands for. */
export const MESSAGE_STUB_TYPE = {
	/** The message was deleted for everyone. */
	REVOKE: 1,
} as const;

/** proto.Message.ProtocolMessage.Type: what a protocol (control) message does to the message it names. */
export const PROTOCOL_MESSAGE_TYPE = {
	REVOKE: 0,
	MESSAGE_EDIT: 14,
} as const;

/** proto.PinInChat.Type (sent) and proto.Message.PinInChatMessage.Type (received): same numbers. */
export const PIN_IN_CHAT_TYPE = {
	PIN_FOR_ALL: 1,
	UNPIN_FOR_ALL: 2,
} as const;

/** proto.WebMessageInfo.Status: a message's receipt (ack) state. */
export const MESSAGE_ACK_STATUS = {
	ERROR: 0,
	PENDING: 1,
	SERVER_ACK: 2,
	DELIVERY_ACK: 3,
	READ: 4,
	PLAYED: 5,
} as const;

/** Baileys' DisconnectReason: the status code of the error a closed socket reports. */
export const DISCONNECT_REASON = {
	loggedOut: 401,
	forbidden: 403,
	timedOut: 408,
	multideviceMismatch: 411,
	connectionClosed: 428,
	connectionReplaced: 440,
	badSession: 500,
	unavailableService: 503,
	restartRequired: 515,
} as const;

// ------------------------------------------------------------------ compile-time checks

/** true when two numeric (enum or literal) types hold the same number. */
export type SameNumber<A extends number, B extends number> = [`${A}`] extends [`${B}`] ? ([`${B}`] extends [`${A}`] ? true : false) : false;

/** true when every key of `Ours` names a member of the enum `Theirs` with the same number. */
export type MatchesEnum<Ours extends Record<string, number>, Theirs> = {
	[K in keyof Ours]: K extends keyof Theirs ? (Theirs[K] extends number ? SameNumber<Ours[K], Theirs[K]> : false) : false;
}[keyof Ours];

/** Does not compile unless `T` is exactly true. */
export type MustBeTrue<T extends true> = T;

export type BaileysConstantsChecked = [
	MustBeTrue<MatchesEnum<typeof MESSAGE_STUB_TYPE, typeof proto.WebMessageInfo.StubType>>,
	MustBeTrue<MatchesEnum<typeof PROTOCOL_MESSAGE_TYPE, typeof proto.Message.ProtocolMessage.Type>>,
	MustBeTrue<MatchesEnum<typeof PIN_IN_CHAT_TYPE, typeof proto.PinInChat.Type>>,
	MustBeTrue<MatchesEnum<typeof PIN_IN_CHAT_TYPE, typeof proto.Message.PinInChatMessage.Type>>,
	MustBeTrue<MatchesEnum<typeof MESSAGE_ACK_STATUS, typeof proto.WebMessageInfo.Status>>,
	MustBeTrue<MatchesEnum<typeof DISCONNECT_REASON, typeof DisconnectReason>>,
];
