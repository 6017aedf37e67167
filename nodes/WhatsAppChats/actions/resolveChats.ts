/**
 * The resolution step between reading an item and running its operation: every chat in the
 * operation's input (a chat, a message's chat, a field holding either) goes through the backend's
 * `resolveChat`, so a phone number given for a chat WhatsApp knows by its LID (or the reverse)
 * is addressed as the backend needs, and outputs can name both forms. Operations stay unaware.
 */
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

async function resolveValue(backend: WhatsAppBackend, value: unknown): Promise<unknown> {
	if (isChatRef(value)) return await backend.resolveChat!(value);
	if (isMessageRef(value)) return { ...value, chat: await backend.resolveChat!(value.chat) };
	return value;
}

/** The input with its chats resolved: the input itself, or its own fields (one level deep). */
export async function resolveInputChats<Input>(backend: WhatsAppBackend, input: Input): Promise<Input> {
	if (!backend.resolveChat || !input || typeof input !== 'object' || Array.isArray(input)) return input;
	if (isChatRef(input) || isMessageRef(input)) return (await resolveValue(backend, input)) as Input;
	let changed = false;
	const out: Record<string, unknown> = {};
	for (const [field, value] of Object.entries(input as Record<string, unknown>)) {
		out[field] = await resolveValue(backend, value);
		if (out[field] !== value) changed = true;
	}
	return (changed ? out : input) as Input;
}
