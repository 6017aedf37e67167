/**
 * Evolution acts on full message keys (`remoteJid`, `fromMe`, `id`, and `participant` in groups),
 * while people usually have a bare id. A bare id is completed from Evolution's own message store
 * (`findMessages`); so is the last message that archive and mark-unread need.
 */
import { GatewayError } from '../errors';
import { canonicalJid, type ChatRef, type MessageRef } from '../ids';
import type { EvolutionKey, EvolutionRecord } from './mapping';

const LABEL = 'Evolution API';

/** Asks Evolution's message store; `where` is its `findMessages` filter. */
export type FindMessages = (where: Record<string, unknown>, page: number, pageSize: number) => Promise<EvolutionRecord[]>;

export interface ResolvedKey {
	/** The key exactly as Evolution stored it (its remoteJid may be an `@lid` twin of the chat). */
	key: EvolutionKey;
	/** The message as the node reports it: the user's chat, completed with fromMe and participant. */
	message: MessageRef;
}

/** A serialized id (`true_…`) already says everything; a bare id is looked up by its id. */
export async function resolveMessageKey(message: MessageRef, find: FindMessages): Promise<ResolvedKey> {
	if (message.fromMe !== undefined) {
		return {
			key: withParticipant({ remoteJid: message.chat.jid, fromMe: message.fromMe, id: message.id }, message.participant),
			message,
		};
	}
	// By id alone: Evolution may have stored the chat under its `@lid` twin, so the chat is checked here.
	const records = (await find({ key: { id: message.id } }, 1, 10)).filter((record) => record.key?.id === message.id);
	const record = records.find((candidate) => belongsTo(candidate, message.chat));
	if (!record) {
		const elsewhere = records.map((candidate) => candidate.key?.remoteJid).find(Boolean);
		throw new GatewayError(
			LABEL,
			'notFound',
			elsewhere
				? `Message "${message.id}" belongs to chat ${elsewhere}, not to ${message.chat.jid}; pick the chat it was sent in`
				: `Evolution API has no stored message "${message.id}" in chat ${message.chat.jid}, so its full key is unknown. ` +
						'Evolution only knows messages it saved (DATABASE_SAVE_DATA_NEW_MESSAGE); give the full id instead, e.g. ' +
						`true_${message.chat.jid}_${message.id} for your own message or false_${message.chat.jid}_${message.id} for a received one`,
		);
	}
	const key = record.key as EvolutionKey;
	return {
		key: withParticipant({ remoteJid: key.remoteJid, fromMe: key.fromMe === true, id: key.id }, key.participant),
		message: { ...message, fromMe: key.fromMe === true, participant: key.participant ? (canonicalJid(key.participant) ?? undefined) : undefined },
	};
}

/** The chat's newest stored message, as `archiveChat` and `markChatUnread` want it. */
export async function lastMessageOf(
	chat: ChatRef,
	find: FindMessages,
	action: string,
): Promise<{ key: EvolutionKey; messageTimestamp?: number }> {
	const [record] = await find({ key: { remoteJid: chat.jid } }, 1, 1);
	// Never trust a record of another chat: archiving it would act on the wrong conversation.
	if (!record || !belongsTo(record, chat) || typeof record.key?.id !== 'string') {
		throw new GatewayError(
			LABEL,
			'notFound',
			`Evolution API has no stored message in chat ${chat.jid}; to ${action} a chat WhatsApp needs its last message. ` +
				'Send or receive a message in the chat first, or check that Evolution saves messages (DATABASE_SAVE_DATA_NEW_MESSAGE)',
		);
	}
	const key = record.key as EvolutionKey;
	const seconds = Number(record.messageTimestamp);
	return {
		key: withParticipant({ remoteJid: key.remoteJid, fromMe: key.fromMe === true, id: key.id }, key.participant),
		...(Number.isFinite(seconds) && seconds > 0 ? { messageTimestamp: seconds } : {}),
	};
}

function belongsTo(record: EvolutionRecord, chat: ChatRef): boolean {
	const key = record.key ?? {};
	return canonicalJid(key.remoteJid) === chat.jid || canonicalJid(key.remoteJidAlt) === chat.jid;
}

function withParticipant(key: EvolutionKey, participant: string | undefined): EvolutionKey {
	return participant ? { ...key, participant } : key;
}
