/**
 * The resolution step between reading an item and running its operation: every chat in the
 * operation's input (a chat, a message's chat, a field holding either) goes through the backend's
 * `resolveChat`, so a phone number given for a chat WhatsApp knows by its LID (or the reverse)
 * is addressed as the backend needs, and outputs can name both forms. Operations stay unaware.
 */
import { InvalidInputError } from '../../backends/errors';
import { identityOf, mergeIdentities, sameIdentity } from '../../backends/identity';
import type { ChatRef, MessageRef } from '../../backends/ids';
import type { WhatsAppBackend } from '../../backends/WhatsAppBackend';

function isChatRef(value: unknown): value is ChatRef {
	const v = value as Partial<ChatRef> | null;
	return !!v && typeof v === 'object' && typeof v.user === 'string' && typeof v.server === 'string' && typeof v.jid === 'string';
}

function isMessageRef(value: unknown): value is MessageRef {
	const v = value as Partial<MessageRef> | null;
	return !!v && typeof v === 'object' && typeof v.id === 'string' && isChatRef(v.chat);
}

async function resolveChat(backend: WhatsAppBackend, chat: ChatRef): Promise<ChatRef> {
	return backend.resolveChat ? await backend.resolveChat(chat) : chat;
}

/**
 * A message whose serialized id names the chat's other form (phone number ↔ LID) is addressed in
 * the id's own chat, unless what is known of the two says they are different people.
 */
async function resolveMessage(backend: WhatsAppBackend, message: MessageRef): Promise<MessageRef> {
	const { idChat, ...rest } = message;
	if (!idChat) return { ...rest, chat: await resolveChat(backend, message.chat) };
	const [given, named] = await Promise.all([resolveChat(backend, message.chat), resolveChat(backend, idChat)]);
	const a = mergeIdentities(given.identity, identityOf(message.chat.jid));
	const b = mergeIdentities(named.identity, identityOf(idChat.jid));
	const differ = (a.phone && b.phone && a.phone !== b.phone) || (a.lid && b.lid && a.lid !== b.lid);
	if (differ) {
		throw new InvalidInputError(
			'Message ID',
			`${message.fromMe}_${idChat.jid}_${message.id}`,
			`a message of the chat ${message.chat.jid} (this id belongs to ${idChat.jid}, another person)`,
		);
	}
	return { ...rest, chat: { ...named, identity: mergeIdentities(named.identity, sameIdentity(a, b) ? a : undefined) } };
}

async function resolveValue(backend: WhatsAppBackend, value: unknown): Promise<unknown> {
	if (isChatRef(value)) return await resolveChat(backend, value);
	if (isMessageRef(value)) return await resolveMessage(backend, value);
	return value;
}

/**
 * The input with its chats resolved: the input itself, its own fields, and the fields of an
 * options object among them (two levels deep: Send Text's Reply To sits in its options).
 */
export async function resolveInputChats<Input>(backend: WhatsAppBackend, input: Input, depth = 2): Promise<Input> {
	if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
	if (isChatRef(input) || isMessageRef(input)) return (await resolveValue(backend, input)) as Input;
	if (depth === 0) return input;
	let changed = false;
	const out: Record<string, unknown> = {};
	for (const [field, value] of Object.entries(input as Record<string, unknown>)) {
		out[field] = await resolveInputChats(backend, value, depth - 1);
		if (out[field] !== value) changed = true;
	}
	return (changed ? out : input) as Input;
}
