/**
 * Chat and message ids as users type them, parsed once into one canonical form.
 * Every backend formats the canonical form its own way (WAHA `@c.us`, Baileys `@s.whatsapp.net`).
 * Parsing is strict on purpose: a value that passes can never change a request's path or query.
 */
import { InvalidInputError } from './errors';
import type { Identity } from './identity';

export type ChatServer = 's.whatsapp.net' | 'g.us' | 'lid' | 'newsletter' | 'broadcast';

/** A chat in canonical form: `user@server` with WAHA's `c.us` folded into `s.whatsapp.net`. */
export interface ChatRef {
	user: string;
	server: ChatServer;
	/** Canonical JID, e.g. `919988066776@s.whatsapp.net`. */
	jid: string;
	/** Its phone number and LID, as far as the backend's resolution step (`resolveChat`) found them. */
	identity?: Identity;
}

export interface MessageRef {
	chat: ChatRef;
	/** The bare WhatsApp message id, e.g. `3EB0C767D26A1A8E`. */
	id: string;
	/** Known when the user gave a serialized id (`true_…`) or a backend looked the message up. */
	fromMe?: boolean;
	/** Sender of a group message, canonical JID. */
	participant?: string;
	/** The backend's own id of the message as the backend gave it (WAHA's serialized id), when it looked it up. */
	backendId?: string;
	/**
	 * The chat a serialized id names when that is the given chat's other form (a LID for a phone
	 * number, or the reverse, e.g. a trigger item's `messageId` used with its `phone`): the
	 * resolution step checks that both are one person and addresses the message's own chat.
	 */
	idChat?: ChatRef;
}

const SERVER_ALIASES: Record<string, ChatServer> = {
	'c.us': 's.whatsapp.net',
	's.whatsapp.net': 's.whatsapp.net',
	'g.us': 'g.us',
	lid: 'lid',
	newsletter: 'newsletter',
	broadcast: 'broadcast',
};

const NUMERIC_USER = /^\d{1,32}(-\d{1,32})?$/;
const BROADCAST_USER = /^[A-Za-z0-9]{1,64}$/;
const PHONE_SEPARATORS = /[\s\-().\u00a0]/g;
const BARE_MESSAGE_ID = /^[A-Za-z0-9][A-Za-z0-9_:-]{0,127}$/;
/** WAHA serialized id: `{fromMe}_{chat}_{id}` with an optional `_{participant}` in groups. */
const SERIALIZED_MESSAGE_ID = /^(true|false)_([^_\s]+@[^_\s]+)_([^_\s]+)(?:_([^_\s]+@[^_\s]+))?$/;

const CHAT_EXPECTED =
	'a phone number in international format (e.g. +91 99880-66776) or a chat id such as 919988066776@s.whatsapp.net, 123@c.us, 123-456@g.us or 123@lid';

export function makeChat(user: string, server: ChatServer): ChatRef {
	return { user, server, jid: `${user}@${server}` };
}

/** Accepts phone numbers in common notations and JIDs of every WhatsApp server kind. */
export function parseChatId(input: unknown, field = 'Chat'): ChatRef {
	if (typeof input === 'number') input = String(input);
	if (typeof input !== 'string' || input.trim() === '') {
		throw new InvalidInputError(field, input ?? '', CHAT_EXPECTED);
	}
	const value = input.trim();
	const at = value.indexOf('@');
	if (at === -1) return makeChat(parsePhoneDigits(value, field, CHAT_EXPECTED), 's.whatsapp.net');

	const user = value.slice(0, at);
	const server = SERVER_ALIASES[value.slice(at + 1).toLowerCase()];
	const userPattern = server === 'broadcast' ? BROADCAST_USER : NUMERIC_USER;
	if (!server || !userPattern.test(user)) throw new InvalidInputError(field, value, CHAT_EXPECTED);
	return makeChat(user, server);
}

/** `+91 99880-66776`, `0091 9988066776`, `(919) 988 066776` → `919988066776`. */
export function parsePhoneDigits(input: string, field = 'Phone Number', expected?: string): string {
	let digits = input.trim().replace(PHONE_SEPARATORS, '');
	if (digits.startsWith('+')) digits = digits.slice(1);
	else if (digits.startsWith('00')) digits = digits.slice(2);
	if (!/^\d{7,15}$/.test(digits)) {
		throw new InvalidInputError(
			field,
			input,
			expected ?? 'a phone number in international format with country code, 7 to 15 digits (e.g. +91 99880-66776)',
		);
	}
	return digits;
}

/**
 * Accepts a bare message id (`3EB0C767D26A1A8E`) or a WAHA serialized one
 * (`true_123@c.us_AAA`, `false_123-456@g.us_AAA_789@c.us`); the latter must name the same chat.
 */
export function parseMessageId(input: unknown, chat: ChatRef, field = 'Message ID'): MessageRef {
	const expected =
		'a WhatsApp message id such as 3EB0C767D26A1A8E, or a serialized id such as true_123@c.us_3EB0C767D26A1A8E';
	if (typeof input !== 'string' || input.trim() === '') throw new InvalidInputError(field, input ?? '', expected);
	const value = input.trim();

	const serialized = SERIALIZED_MESSAGE_ID.exec(value);
	if (serialized) {
		const [, fromMe, chatPart, id, participantPart] = serialized;
		const messageChat = parseChatId(chatPart, field);
		const otherForm = isPersonServer(messageChat.server) && isPersonServer(chat.server) && messageChat.server !== chat.server;
		if (messageChat.jid !== chat.jid && !otherForm) {
			throw new InvalidInputError(field, value, `a message of the chat ${chat.jid} (this id belongs to ${messageChat.jid})`);
		}
		if (!BARE_MESSAGE_ID.test(id)) throw new InvalidInputError(field, value, expected);
		return {
			chat,
			id,
			fromMe: fromMe === 'true',
			participant: participantPart ? parseChatId(participantPart, field).jid : undefined,
			...(otherForm ? { idChat: messageChat } : {}),
		};
	}
	if (!BARE_MESSAGE_ID.test(value)) throw new InvalidInputError(field, value, expected);
	return { chat, id: value };
}

function isPersonServer(server: ChatServer): boolean {
	return server === 's.whatsapp.net' || server === 'lid';
}

/** WAHA and its webhooks write person chats as `@c.us`. */
export function toCus(jid: string): string {
	return jid.replace(/@s\.whatsapp\.net$/, '@c.us');
}

/** Canonical JID from any JID notation, or null when it is not one. */
export function canonicalJid(jid: string | null | undefined): string | null {
	if (!jid) return null;
	try {
		return parseChatId(jid).jid;
	} catch {
		return null;
	}
}
