/**
 * Baileys event maps → trigger `ChatEvent`s. Baileys buffers events and merges them (one
 * `chats.update` entry can carry an archive and a pin, one `messages.update` entry an edit and a
 * star); this splits them again so each user-visible change gives exactly one event.
 */
import type { ChatEvent, TriggerEvent } from '../events';
import type { BaileysEvents, ConnectionState } from './connection';
import type { Baileys } from './loadBaileys';
import { hasMediaOf, storedMessageOf, textOf } from './messageContent';

/** Baileys' WAMessageStubType.REVOKE */
const STUB_REVOKE = 1;

type Helpers = Pick<Baileys, 'normalizeMessageContent' | 'isRealMessage' | 'jidNormalizedUser' | 'toNumber'>;

export interface MappingContext {
	session: string;
	/** Own account JID (for `from` of our own actions), when paired. */
	me: string | null;
}

export function mapBaileysEvents(B: Helpers, context: MappingContext, events: BaileysEvents): ChatEvent[] {
	const out: ChatEvent[] = [];
	const now = Math.floor(Date.now() / 1000);
	const emit = (event: TriggerEvent, chatId: string | null, fields: Partial<ChatEvent> & { dedupe: string; data?: Record<string, unknown> }) => {
		const { dedupe, data, ...rest } = fields;
		out.push({ event, session: context.session, chatId, timestamp: now, data: data ?? {}, raw: null, dedupeKey: `${context.session}:${dedupe}`, ...rest });
	};
	const chatOf = (jid: string | null | undefined) => (jid ? B.jidNormalizedUser(jid) : null);

	const upsert = events['messages.upsert'];
	for (const message of upsert && (upsert.type === 'notify' || upsert.type === 'append') ? upsert.messages : []) {
		const stored = storedMessageOf(B, message);
		if (!stored) continue;
		emit('message', stored.key.remoteJid, {
			messageId: stored.key.id,
			fromMe: stored.key.fromMe,
			timestamp: stored.timestamp,
			data: { text: stored.text, from: stored.key.participant ?? (stored.key.fromMe ? context.me : stored.key.remoteJid), hasMedia: stored.hasMedia },
			raw: { key: { ...message.key }, pushName: message.pushName ?? null, type: upsert?.type },
			dedupe: `message:${stored.key.remoteJid}:${stored.key.id}`,
		});
	}

	for (const { key, update } of events['messages.update'] ?? []) {
		const chatId = chatOf(key.remoteJid);
		if (!chatId || !key.id) continue;
		const base = { messageId: key.id, fromMe: !!key.fromMe, raw: { key: { ...key }, update: { ...update } } };
		const edited = update.message?.editedMessage?.message;
		if (edited) {
			const at = update.messageTimestamp ? Number(B.toNumber(update.messageTimestamp)) : now;
			emit('message.edited', chatId, { ...base, timestamp: at, data: { text: textOf(B, edited), hasMedia: hasMediaOf(B, edited) }, dedupe: `message.edited:${chatId}:${key.id}:${at}` });
		}
		if (update.messageStubType === STUB_REVOKE) {
			emit('message.revoked', chatId, { ...base, dedupe: `message.revoked:${chatId}:${key.id}` });
		}
		if (typeof update.starred === 'boolean') {
			emit('message.star', chatId, { ...base, data: { starred: update.starred }, dedupe: `message.star:${chatId}:${key.id}:${update.starred}:${now}` });
		}
	}

	for (const { key, reaction } of events['messages.reaction'] ?? []) {
		const chatId = chatOf(key.remoteJid);
		if (!chatId || !key.id) continue;
		const emoji = reaction.text ?? '';
		const reactor = reaction.key;
		const at = reaction.senderTimestampMs ? Math.floor(Number(B.toNumber(reaction.senderTimestampMs)) / 1000) : now;
		emit('message.reaction', chatId, {
			messageId: key.id,
			fromMe: !!reactor?.fromMe,
			timestamp: at,
			data: {
				emoji,
				removed: emoji === '',
				reactionMessageId: reactor?.id ?? null,
				from: reactor?.participant || (reactor?.fromMe ? context.me : chatId),
			},
			raw: { key: { ...key }, reaction: { ...reaction, key: reactor ? { ...reactor } : reactor } },
			dedupe: `message.reaction:${chatId}:${key.id}:${reactor?.id ?? emoji}`,
		});
	}

	for (const update of events['chats.update'] ?? []) {
		const chatId = chatOf(update.id);
		if (!chatId) continue;
		const raw = { ...update, conditional: undefined };
		if (typeof update.archived === 'boolean') {
			emit('chat.archive', chatId, { data: { archived: update.archived }, raw, dedupe: `chat.archive:${chatId}:${update.archived}:${now}` });
		}
		if (update.unreadCount === -1) emit('chat.unread', chatId, { raw, dedupe: `chat.unread:${chatId}:${now}` });
		if (update.unreadCount === 0) emit('chat.read', chatId, { raw, dedupe: `chat.read:${chatId}:${now}` });
		if (update.pinned !== undefined) {
			const pinned = update.pinned !== null && Number(B.toNumber(update.pinned)) > 0;
			emit('chat.pin', chatId, { data: { pinned }, raw, dedupe: `chat.pin:${chatId}:${pinned}:${now}` });
		}
	}

	for (const id of events['chats.delete'] ?? []) {
		const chatId = chatOf(id);
		if (chatId) emit('chat.delete', chatId, { raw: { id }, dedupe: `chat.delete:${chatId}:${now}` });
	}
	return out;
}

export function sessionStatusEvent(context: MappingContext, state: ConnectionState): ChatEvent {
	const now = Math.floor(Date.now() / 1000);
	return {
		event: 'session.status',
		session: context.session,
		chatId: null,
		timestamp: now,
		data: { status: state },
		raw: { state },
		dedupeKey: `${context.session}:session.status:${state}:${Date.now()}`,
	};
}
