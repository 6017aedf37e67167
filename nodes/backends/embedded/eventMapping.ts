/**
 * Decoded changes (ChatChange) → trigger `ChatEvent`s. Baileys buffers events and merges them (one
 * `chats.update` entry can carry an archive and a pin, one `messages.update` entry an edit and a
 * star); the decoder keeps them apart and this gives each user-visible change exactly one event.
 * triggerFeed runs it once per batch per session and hands the same events to every trigger.
 */
import type { ChatEvent, TriggerEvent } from '../ChatEvent';
import type { ChatChange } from './ChatChange';
import type { BaileysEvents, ConnectionState } from './connection';
import { decodeBaileysEvents, type DecoderHelpers } from './decodeBaileysEvents';

export interface MappingContext {
	session: string;
	/** Own account JID (for `from` of our own actions), when paired. */
	me: string | null;
}

type Fields = Partial<ChatEvent> & { dedupe: string; data?: Record<string, unknown> };

/** Order of the events of one batch, as the trigger has always emitted them. */
const EVENT_ORDER: Partial<Record<ChatChange['kind'], number>> = {
	message: 0,
	'message.edited': 1,
	'message.revoked': 1,
	'message.starred': 1,
	'message.ack': 1,
	'message.reaction': 2,
	chat: 3,
	'chat.muted': 3,
	'chat.label': 3,
	'chat.deleted': 4,
	'session.status': 5,
};

export function toChatEvents(session: string, changes: readonly ChatChange[]): ChatEvent[] {
	const groups: ChatEvent[][] = [[], [], [], [], [], []];
	const now = Math.floor(Date.now() / 1000);
	const acks = new Set<string>();
	for (const change of changes) {
		const rank = EVENT_ORDER[change.kind];
		if (rank === undefined) continue;
		const out = groups[rank];
		const emit = (event: TriggerEvent, chatId: string | null, fields: Fields) => {
			const { dedupe, data, ...rest } = fields;
			out.push({ event, session, chatId, timestamp: now, data: data ?? {}, raw: null, dedupeKey: `${session}:${dedupe}`, ...rest });
		};
		switch (change.kind) {
			case 'message': {
				if (change.origin === 'history') break;
				const { key } = change.message;
				emit('message', key.remoteJid, {
					messageId: key.id,
					fromMe: key.fromMe,
					timestamp: change.message.timestamp,
					data: { text: change.message.text, from: change.from, hasMedia: change.message.hasMedia },
					raw: change.raw,
					dedupe: `message:${key.remoteJid}:${key.id}`,
				});
				break;
			}
			case 'message.edited': {
				const { key, timestamp } = change;
				emit('message.edited', key.remoteJid, {
					messageId: key.id,
					fromMe: key.fromMe,
					raw: change.raw,
					timestamp,
					data: { text: change.text, hasMedia: change.hasMedia },
					dedupe: `message.edited:${key.remoteJid}:${key.id}:${timestamp}`,
				});
				break;
			}
			case 'message.revoked':
				emit('message.revoked', change.key.remoteJid, {
					messageId: change.key.id,
					fromMe: change.key.fromMe,
					raw: change.raw,
					dedupe: `message.revoked:${change.key.remoteJid}:${change.key.id}`,
				});
				break;
			case 'message.starred':
				emit('message.star', change.key.remoteJid, {
					messageId: change.key.id,
					fromMe: change.key.fromMe,
					raw: change.raw,
					data: { starred: change.starred },
					dedupe: `message.star:${change.key.remoteJid}:${change.key.id}:${change.starred}:${now}`,
				});
				break;
			case 'message.ack': {
				const { key, status, from } = change;
				const seen = `${key.remoteJid}:${key.id}:${status}:${from}`;
				if (acks.has(seen)) break;
				acks.add(seen);
				emit('message.ack', key.remoteJid, {
					messageId: key.id,
					fromMe: true,
					timestamp: change.timestamp,
					data: { status, from },
					raw: change.raw,
					// The same for both Baileys events that can carry one receipt, so it fires once.
					dedupe: `message.ack:${seen}`,
				});
				break;
			}
			case 'message.reaction': {
				const { key } = change;
				emit('message.reaction', key.remoteJid, {
					messageId: key.id,
					fromMe: change.fromMe,
					timestamp: change.timestamp,
					data: { emoji: change.emoji, removed: change.emoji === '', reactionMessageId: change.reactionMessageId, from: change.from },
					raw: change.raw,
					dedupe: `message.reaction:${key.remoteJid}:${key.id}:${change.reactionMessageId ?? change.emoji}`,
				});
				break;
			}
			case 'chat': {
				if (change.origin !== 'update') break;
				const { chatId, fields, raw } = change;
				if (fields.archived !== undefined) {
					emit('chat.archive', chatId, { data: { archived: fields.archived }, raw, dedupe: `chat.archive:${chatId}:${fields.archived}:${now}` });
				}
				if (fields.unreadDelta === -1) emit('chat.unread', chatId, { raw, dedupe: `chat.unread:${chatId}:${now}` });
				if (fields.unreadDelta === 0) emit('chat.read', chatId, { raw, dedupe: `chat.read:${chatId}:${now}` });
				if (fields.pinned !== undefined) emit('chat.pin', chatId, { data: { pinned: fields.pinned }, raw, dedupe: `chat.pin:${chatId}:${fields.pinned}:${now}` });
				break;
			}
			case 'chat.muted': {
				const { chatId, muted, muteEndTimestamp } = change;
				emit('chat.mute', chatId, {
					data: { muted, muteEndTimestamp },
					raw: change.raw,
					dedupe: `chat.mute:${chatId}:${muted}:${muteEndTimestamp}:${now}`,
				});
				break;
			}
			case 'chat.label':
				emit('chat.label', change.chatId, {
					data: { labelId: change.labelId, labelName: change.labelName, added: change.added },
					raw: { chatId: change.chatId, labelId: change.labelId, type: change.added ? 'add' : 'remove' },
					dedupe: `chat.label:${change.chatId}:${change.labelId}:${change.added}:${now}`,
				});
				break;
			case 'chat.deleted':
				emit('chat.delete', change.chatId, { raw: change.raw, dedupe: `chat.delete:${change.chatId}:${now}` });
				break;
			case 'session.status':
				emit('session.status', null, {
					data: { status: change.state },
					raw: { state: change.state },
					dedupe: `session.status:${change.state}:${Date.now()}`,
				});
				break;
		}
	}
	return groups.flat();
}

/** Decode and map in one call (one trigger, one batch): what triggerFeed does once for all triggers. */
export function mapBaileysEvents(B: DecoderHelpers, context: MappingContext, events: BaileysEvents): ChatEvent[] {
	return toChatEvents(context.session, decodeBaileysEvents(B, events, { me: context.me, now: Math.floor(Date.now() / 1000) }));
}

export function sessionStatusEvent(context: Pick<MappingContext, 'session'>, state: ConnectionState): ChatEvent {
	return toChatEvents(context.session, [{ kind: 'session.status', state }])[0];
}
