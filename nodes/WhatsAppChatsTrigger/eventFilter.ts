/** The trigger's choices (events, chats, groups, own messages) as one predicate over events. */
import { identityOf } from '../backends/identity';
import { canonicalJid, parseChatId } from '../backends/ids';
import type { ChatEvent, TriggerEvent } from '../backends/ChatEvent';

export interface EventFilterOptions {
	events: TriggerEvent[];
	/** Comma-separated phone numbers or chat ids; empty means every chat. */
	onlyChats?: string;
	ignoreGroups?: boolean;
	ignoreOwnMessages?: boolean;
}

export function makeEventFilter(options: EventFilterOptions): (event: ChatEvent) => boolean {
	const events = new Set(options.events);
	const chats = (options.onlyChats ?? '')
		.split(',')
		.map((chat) => chat.trim())
		.filter(Boolean)
		.map((chat) => parseChatId(chat, 'Only These Chats').jid);
	const onlyChats = chats.length ? new Set(chats) : null;
	// A chat given by phone number matches events naming it by LID (and the reverse), when the event knows both.
	const onlyPhones = new Set(chats.map((chat) => identityOf(chat).phone).filter(Boolean));
	const onlyLids = new Set(chats.map((chat) => identityOf(chat).lid).filter(Boolean));
	const chatListed = (event: ChatEvent, chat: string | null) =>
		(!!chat && onlyChats!.has(chat)) || (!!event.phone && onlyPhones.has(event.phone)) || (!!event.lid && onlyLids.has(event.lid));

	return (event) => {
		if (!events.has(event.event)) return false;
		const chat = canonicalJid(event.chatId);
		if (onlyChats && !chatListed(event, chat)) return false;
		if (options.ignoreGroups && chat?.endsWith('@g.us')) return false;
		// Own messages include what this very workflow sends: ignoring them prevents loops.
		// An ack is the recipient's doing (about an own message), so it is never "own".
		if (options.ignoreOwnMessages && event.fromMe === true && event.event.startsWith('message') && event.event !== 'message.ack') return false;
		return true;
	};
}
