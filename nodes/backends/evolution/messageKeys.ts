/**
 * Evolution acts on full message keys (`remoteJid`, `fromMe`, `id`, and `participant` in groups),
 * while people usually have a bare id. A bare id is completed from Evolution's own message store
 * (`findMessages`); so is the last message that archive and mark-unread need. What is read is
 * remembered for the execution.
 */
import { GatewayError } from '../errors';
import { canonicalJid, type ChatRef, type MessageRef } from '../ids';
import { LookupMemo } from '../lookupMemo';
import { unixSeconds } from '../wireValues';
import { EVOLUTION_LABEL as LABEL } from './EvolutionDialect';
import type { EvolutionKey, EvolutionRecord } from './mapping';

/** Asks Evolution's message store; `where` is its `findMessages` filter. */
export type FindMessages = (where: Record<string, unknown>, page: number, pageSize: number) => Promise<EvolutionRecord[]>;

export interface ResolvedKey {
	/** The key exactly as Evolution stored it (its remoteJid may be an `@lid` twin of the chat). */
	key: EvolutionKey;
	/** The message as the node reports it: the user's chat, completed with fromMe and participant. */
	message: MessageRef;
	/** Its content as Evolution stored it (`proto.IMessage`), when it was looked up. */
	content?: unknown;
}

/** How many of a chat's newest stored messages are read when several bare ids of it are looked up. */
const RECENT_DEPTH = 100;

/**
 * The look-ups of one backend, so of one execution: a bare id alone is asked for by its id (exact,
 * and it finds old messages); when several bare ids of one chat are looked up (items started
 * together, or one after another), the chat's newest messages are read once and shared, and only
 * ids not among them are asked for one by one. The chat's last message is read once too.
 */
export class MessageKeys {
	private readonly recent = new LookupMemo<EvolutionRecord[]>();
	private readonly last = new LookupMemo<EvolutionRecord | undefined>();
	/** Bare-id look-ups asked per chat in this execution. */
	private readonly asked = new Map<string, number>();

	/** `otherFormOf`: the chat's other form (phone JID ↔ LID) when known, for records Evolution keeps under it without `remoteJidAlt`. */
	constructor(
		private readonly find: FindMessages,
		private readonly otherFormOf: (jid: string) => Promise<string | null> = async () => null,
	) {}

	/** The record of `records` that belongs to the chat, by its id or alt id, else by the chat's other form. */
	private async ofChat(records: EvolutionRecord[], chat: ChatRef, accept: (record: EvolutionRecord) => boolean = () => true): Promise<EvolutionRecord | undefined> {
		const mine = records.filter(accept);
		const direct = mine.find((candidate) => belongsTo(candidate, chat));
		if (direct || mine.length === 0) return direct;
		const other = await this.otherFormOf(chat.jid);
		return other ? mine.find((candidate) => canonicalJid(candidate.key?.remoteJid) === other) : undefined;
	}

	/** A serialized id (`true_…`) already says everything; a bare id is looked up. */
	async resolve(message: MessageRef): Promise<ResolvedKey> {
		if (message.fromMe !== undefined) {
			return {
				key: withParticipant({ remoteJid: message.chat.jid, fromMe: message.fromMe, id: message.id }, message.participant),
				message,
			};
		}
		const chat = message.chat.jid;
		this.asked.set(chat, (this.asked.get(chat) ?? 0) + 1);
		// One turn, so that items started together say they need the same chat before anything is read.
		await new Promise((resolve) => setImmediate(resolve));
		if ((this.asked.get(chat) ?? 0) > 1) {
			const recent = await this.recent.get(chat, () => this.find({ key: { remoteJid: chat } }, 1, RECENT_DEPTH));
			const record = recent.find((candidate) => candidate.key?.id === message.id && belongsTo(candidate, message.chat));
			if (record) return resolvedFrom(record, message);
		}
		// By id alone: Evolution may have stored the chat under its `@lid` twin, so the chat is checked here.
		const records = (await this.find({ key: { id: message.id } }, 1, 10)).filter((record) => record.key?.id === message.id);
		const record = await this.ofChat(records, message.chat);
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
		return resolvedFrom(record, message);
	}

	/**
	 * The stored record of one message (Message: Get), asked for by its id and checked to belong to
	 * the chat; a serialized id must also agree on who sent it.
	 */
	async record(message: MessageRef): Promise<EvolutionRecord> {
		const records = (await this.find({ key: { id: message.id } }, 1, 10)).filter((record) => record.key?.id === message.id);
		const record = await this.ofChat(records, message.chat, (candidate) => message.fromMe === undefined || candidate.key?.fromMe === message.fromMe);
		if (!record) {
			const elsewhere = records.map((candidate) => candidate.key?.remoteJid).find((jid) => jid && canonicalJid(jid) !== message.chat.jid);
			throw new GatewayError(
				LABEL,
				'notFound',
				elsewhere
					? `Message "${message.id}" belongs to chat ${elsewhere}, not to ${message.chat.jid}; pick the chat it was sent in`
					: `Evolution API has no stored message "${message.id}" in chat ${message.chat.jid}. ` +
							'Evolution only knows messages it saved (DATABASE_SAVE_DATA_NEW_MESSAGE)',
			);
		}
		return record;
	}

	/** The chat's newest stored message, as `archiveChat` and `markChatUnread` want it (read once per execution). */
	async lastMessageOf(chat: ChatRef, action: string): Promise<{ key: EvolutionKey; messageTimestamp?: number }> {
		const record = await this.last.get(chat.jid, async () => (await this.find({ key: { remoteJid: chat.jid } }, 1, 1))[0]);
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
		const seconds = unixSeconds(record.messageTimestamp);
		return {
			key: withParticipant({ remoteJid: key.remoteJid, fromMe: key.fromMe === true, id: key.id }, key.participant),
			...(seconds !== null ? { messageTimestamp: seconds } : {}),
		};
	}

	/**
	 * The keys of the chat's unread received messages among its newest stored ones, newest first.
	 * A message read on any device has a `READ` (or `PLAYED`) status: in its `MessageUpdate` rows
	 * (what `findMessages` returns since 2.2) or its own `status` (older releases).
	 */
	async unreadOf(chat: ChatRef): Promise<EvolutionKey[]> {
		const recent = await this.recent.get(chat.jid, () => this.find({ key: { remoteJid: chat.jid } }, 1, RECENT_DEPTH));
		const ours = recent.filter((record) => belongsTo(record, chat) && typeof record.key?.id === 'string');
		if (ours.length === 0) {
			throw new GatewayError(
				LABEL,
				'notFound',
				`Evolution API has no stored message in chat ${chat.jid}, so it cannot tell which messages are unread. ` +
					'Check that Evolution saves messages (DATABASE_SAVE_DATA_NEW_MESSAGE)',
			);
		}
		return ours
			.filter((record) => record.key?.fromMe !== true && !wasRead(record))
			.map((record) => {
				const key = record.key as EvolutionKey;
				return withParticipant({ remoteJid: key.remoteJid, fromMe: false, id: key.id }, key.participant);
			});
	}
}

/** Evolution's message statuses of a message already read. */
const READ_STATUSES = new Set(['READ', 'PLAYED']);

function wasRead(record: EvolutionRecord): boolean {
	const updates = Array.isArray(record.MessageUpdate) ? (record.MessageUpdate as Array<{ status?: unknown }>) : [];
	return [record.status, ...updates.map((update) => update?.status)].some((status) => READ_STATUSES.has(String(status ?? '').toUpperCase()));
}

/** The key exactly as Evolution stored it, and the message completed with fromMe and participant. */
function resolvedFrom(record: EvolutionRecord, message: MessageRef): ResolvedKey {
	const key = record.key as EvolutionKey;
	return {
		key: withParticipant({ remoteJid: key.remoteJid, fromMe: key.fromMe === true, id: key.id }, key.participant),
		message: { ...message, fromMe: key.fromMe === true, participant: key.participant ? (canonicalJid(key.participant) ?? undefined) : undefined },
		...(record.message && typeof record.message === 'object' ? { content: record.message } : {}),
	};
}

function belongsTo(record: EvolutionRecord, chat: ChatRef): boolean {
	const key = record.key ?? {};
	return canonicalJid(key.remoteJid) === chat.jid || canonicalJid(key.remoteJidAlt) === chat.jid;
}

function withParticipant(key: EvolutionKey, participant: string | undefined): EvolutionKey {
	return participant ? { ...key, participant } : key;
}
