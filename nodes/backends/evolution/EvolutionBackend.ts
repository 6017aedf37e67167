/**
 * Evolution API v2 (Baileys-based): routes `/{group}/{action}/{instance}`, header `apikey`, chats
 * as JIDs (`@s.whatsapp.net`, `@g.us`, `@lid`), bare message ids in output. Its actions take full
 * message keys, which `messageKeys` completes from Evolution's own store. It has no pin, star,
 * delete-chat or clear endpoints.
 */
import type { GatewayHttpClient, HttpRequest } from '../../transport/GatewayHttpClient';
import { offers, refuseLacking, type Refused } from '../capabilities';
import { GatewayError } from '../errors';
import { canonicalJid, type ChatRef, type MessageRef } from '../ids';
import { nameChatLabels } from '../labels';
import { IdentityBook, lidOfJid, mergeIdentities, phoneOfJid, type Identity } from '../identity';
import { LookupMemo } from '../lookupMemo';
import {
	type BackendAnswer,
	type ChatDetails,
	type ChatLabels,
	type ChatPicture,
	type ChatSummary,
	type LabelSummary,
	type MediaFile,
	type MediaLimits,
	type MessageDetails,
	type MessageSummary,
	type Operation,
	type Page,
	type SendTextOptions,
	type SentMessage,
	type SessionStatus,
	type WhatsAppBackend,
} from '../WhatsAppBackend';
import { unixSeconds } from '../wireValues';
import { EVOLUTION_CAPABILITIES } from './capabilities';
import { EVOLUTION_LABEL, evolutionFailureIn, evolutionList, explainEvolutionError, isEvolutionArchiveFailure } from './EvolutionDialect';
import { checkMediaSize, MEDIA_CAP_NAME, mediaFileName, mediaOf } from '../mediaFile';
import { formatBytes, tooLarge } from '../../transport/download';
import { hasMedia, toChatDetails, toChatSummary, toLabelSummary, toMediaFacts, toMessageSummary, type EvolutionKey, type EvolutionRecord } from './mapping';
import { MessageKeys } from './messageKeys';
import { pageWindow } from './paging';

export class EvolutionBackend implements WhatsAppBackend {
	readonly label = EVOLUTION_LABEL;
	readonly capabilities = EVOLUTION_CAPABILITIES;

	constructor(
		private readonly http: GatewayHttpClient,
		private readonly instance: string,
	) {}

	supports(operation: Operation): boolean {
		return offers(this.capabilities, operation);
	}

	formatChatId(chat: ChatRef): string {
		return chat.jid;
	}

	formatMessageId(message: MessageRef): string {
		return message.id;
	}

	async listChats(page: Page): Promise<ChatSummary[]> {
		const data = await this.send({
			method: 'POST',
			path: this.route('chat', 'findChats'),
			body: { where: {}, take: page.limit, skip: page.offset },
			expect: 'json',
		});
		const rows = evolutionList(data, 'chats');
		// Evolution 2.2.x ignores take/skip and answers every chat: then the page is cut here.
		const chats = (rows.length > page.limit ? rows.slice(page.offset, page.offset + page.limit) : rows).map(toChatSummary);
		await nameChatLabels(chats, () => this.labelNames.get('all', () => this.listLabels()));
		return chats;
	}

	async listMessages(chat: ChatRef, page: Page & { downloadMedia: boolean }): Promise<MessageSummary[]> {
		// Evolution lists no media content: Download Media fetches each media by its key (downloadMedia).
		const window = pageWindow(page.offset, page.limit);
		const records = await this.findMessages({ key: { remoteJid: chat.jid } }, window.page, window.pageSize);
		const learnt = await this.learntIdentity(chat);
		return records.slice(window.skip, window.skip + page.limit).map((record) => completed(toMessageSummary(record, chat.jid), learnt));
	}

	/** The chat's row of `findChats` (`where.remoteJid`); matched here too, should a release ignore the filter. */
	async getChat(chat: ChatRef): Promise<ChatDetails> {
		const { data, row } = await this.chatRow(chat);
		if (!row) {
			throw new GatewayError(
				this.label,
				'notFound',
				`Evolution API knows no chat ${chat.jid} in instance "${this.instance}": findChats found none. ` +
					'Check the phone number or chat id; a chat is stored once a message was sent or received in it while the instance ran',
				{ raw: data },
			);
		}
		return toChatDetails(row, chat.jid);
	}

	/** `{ wuid, profilePictureUrl }`; the URL is null when the contact has no picture or hides it. */
	async getChatPicture(chat: ChatRef): Promise<ChatPicture> {
		const data = await this.send({ method: 'POST', path: this.route('chat', 'fetchProfilePictureUrl'), body: { number: chat.jid }, expect: 'json' });
		const url = (data as { profilePictureUrl?: unknown } | undefined)?.profilePictureUrl;
		return { url: typeof url === 'string' && url ? url : null, raw: data };
	}

	/** The stored record, found by its id in Evolution's message store (findMessages). */
	async getMessage(message: MessageRef): Promise<MessageDetails> {
		const record = await this.keys.record(message);
		return { ...completed(toMessageSummary(record, message.chat.jid), await this.learntIdentity(message.chat)), ...toMediaFacts(record) };
	}

	/** `POST /chat/getBase64FromMediaMessage/{instance}` `{ message: { key } }`: Evolution downloads and decrypts, the node decodes. */
	async downloadMedia(message: MessageSummary, limits: MediaLimits): Promise<MediaFile | null> {
		const record = (message.raw ?? {}) as EvolutionRecord;
		if (!hasMedia(record)) return null;
		const what = mediaOf(message.id);
		const facts = toMediaFacts(record);
		checkMediaSize(this.label, what, facts.fileSize, limits);
		const stored = record.key ?? {};
		const key: EvolutionKey = {
			remoteJid: String(stored.remoteJid ?? message.chatId),
			fromMe: stored.fromMe === true,
			id: String(stored.id ?? message.id),
			...(stored.participant ? { participant: stored.participant } : {}),
		};
		// Base64 is 4/3 of the file; the JSON around it is small.
		const answerCap = Math.ceil((limits.maxBytes * 4) / 3) + 64 * 1024;
		let data: unknown;
		try {
			data = await this.send({
				method: 'POST',
				path: this.route('chat', 'getBase64FromMediaMessage'),
				body: { message: { key }, convertToMp4: false },
				expect: 'json',
				maxResponseBytes: answerCap,
			});
		} catch (error) {
			if (error instanceof GatewayError && error.kind === 'tooLarge') {
				throw tooLarge({ backend: this.label, what, maxBytes: limits.maxBytes, capName: MEDIA_CAP_NAME }, 'is bigger');
			}
			throw error;
		}
		const answer = (data ?? {}) as { base64?: unknown; mimetype?: unknown; fileName?: unknown };
		if (typeof answer.base64 !== 'string' || !answer.base64 || !/^[A-Za-z0-9+/=\s]+$/.test(answer.base64)) {
			throw new GatewayError(this.label, 'badAnswer', `Evolution API answered ${what} without its content (no base64)`, { raw: { ...answer, base64: undefined } });
		}
		const bytes = Buffer.from(answer.base64, 'base64');
		if (bytes.length > limits.maxBytes) throw tooLarge({ backend: this.label, what, maxBytes: limits.maxBytes, capName: MEDIA_CAP_NAME }, `is ${formatBytes(bytes.length)}`);
		const mimeType = typeof answer.mimetype === 'string' && answer.mimetype ? answer.mimetype : (facts.mimeType ?? 'application/octet-stream');
		const fileName = typeof answer.fileName === 'string' && answer.fileName ? answer.fileName : facts.fileName;
		return { data: bytes, mimeType, fileName: mediaFileName(fileName, message.id, mimeType) };
	}

	archiveChat = (chat: ChatRef) => this.archive(chat, true);
	unarchiveChat = (chat: ChatRef) => this.archive(chat, false);

	async markChatUnread(chat: ChatRef): Promise<BackendAnswer> {
		const lastMessage = await this.keys.lastMessageOf(chat, 'mark unread');
		return await this.withLearnt(chat, await this.answer({ method: 'POST', path: this.route('chat', 'markChatUnread'), body: { lastMessage, chat: chat.jid } }));
	}

	/** Read receipts for the chat's unread received messages (found in Evolution's store); none unread: nothing sent. */
	async markChatRead(chat: ChatRef): Promise<BackendAnswer> {
		const readMessages = await this.keys.unreadOf(chat);
		if (readMessages.length === 0) {
			return { raw: { chatId: chat.jid, readMessages: [], note: 'Evolution API has no unread message stored for this chat: nothing was sent' } };
		}
		const answer = await this.answer({ method: 'POST', path: this.route('chat', 'markMessageAsRead'), body: { readMessages } });
		return await this.withLearnt(chat, { raw: { chatId: chat.jid, readMessages, answer: answer.raw } });
	}

	async editMessage(message: MessageRef, text: string): Promise<BackendAnswer> {
		const { key, message: resolved } = await this.keys.resolve(message);
		if (!key.fromMe) {
			throw new GatewayError(this.label, 'rejected', `Message "${message.id}" in chat ${message.chat.jid} was not sent by you; WhatsApp lets only the sender edit a message`);
		}
		const body = { number: key.remoteJid, key, text };
		return await this.withLearnt(message.chat, { ...(await this.answer({ method: 'POST', path: this.route('chat', 'updateMessage'), body })), resolved });
	}

	async deleteMessage(message: MessageRef): Promise<BackendAnswer> {
		const { key, message: resolved } = await this.keys.resolve(message);
		const request: HttpRequest = { method: 'DELETE', path: this.route('chat', 'deleteMessageForEveryone'), body: key };
		return await this.withLearnt(message.chat, { ...(await this.answer(request)), resolved });
	}

	async reactToMessage(message: MessageRef, emoji: string): Promise<BackendAnswer> {
		const { key, message: resolved } = await this.keys.resolve(message);
		const body = { key, reaction: emoji };
		return await this.withLearnt(message.chat, { ...(await this.answer({ method: 'POST', path: this.route('message', 'sendReaction'), body })), resolved });
	}

	async listLabels(): Promise<LabelSummary[]> {
		const data = await this.send({ method: 'GET', path: this.route('label', 'findLabels'), expect: 'json' });
		return evolutionList(data, 'labels').map(toLabelSummary);
	}

	/**
	 * Evolution has no "labels of a chat" route: its chat row (findChats) keeps the label ids of
	 * the associations WhatsApp reported while Evolution was connected, named here from findLabels.
	 */
	async getChatLabels(chat: ChatRef): Promise<ChatLabels> {
		const { data, row } = await this.chatRow(chat);
		if (!row) {
			throw new GatewayError(this.label, 'notFound', `Evolution API has no chat ${chat.jid} in its store, so it cannot say its labels; check the number, or send or receive a message in the chat first`, { raw: data });
		}
		const summary = toChatSummary(row);
		const identity = { phone: summary.phone ?? null, lid: summary.lid ?? null };
		if (summary.labels === null) {
			return {
				labels: [],
				raw: row,
				identity,
				note: 'Evolution API keeps no labels on this chat row: it records labels only from the associations WhatsApp reports while it is connected (and only with DATABASE_SAVE_DATA_CHATS=true)',
			};
		}
		await nameChatLabels([summary], () => this.labelNames.get('all', () => this.listLabels()));
		return { labels: summary.labels, raw: row, identity };
	}

	addChatLabel = (chat: ChatRef, label: LabelSummary) => this.handleLabel(chat, label, 'add');
	removeChatLabel = (chat: ChatRef, label: LabelSummary) => this.handleLabel(chat, label, 'remove');

	/**
	 * `POST /message/sendText`; a reply quotes the message by its full key, with its content when
	 * Evolution's store gave it (otherwise Evolution loads it by the key). Sent at most once.
	 */
	async sendText(chat: ChatRef, text: string, options: SendTextOptions): Promise<SentMessage> {
		const quoted = options.replyTo ? await this.keys.resolve(options.replyTo) : undefined;
		const body = {
			number: chat.jid,
			text,
			linkPreview: options.linkPreview,
			...(quoted ? { quoted: { key: quoted.key, ...(quoted.content ? { message: quoted.content } : {}) } } : {}),
		};
		const data = await this.send({ method: 'POST', path: this.route('message', 'sendText'), body, expect: 'json', idempotent: false });
		const record = (data && typeof data === 'object' ? data : {}) as { key?: { id?: unknown }; messageTimestamp?: unknown };
		const failure = evolutionFailureIn(data, `Evolution API could not send the message to ${chat.jid}`);
		if (failure) throw failure;
		if (typeof record.key?.id !== 'string' || !record.key.id) {
			throw new GatewayError(
				this.label,
				'badAnswer',
				`Evolution API answered POST /message/sendText without the new message's key, so the message was probably sent but cannot be referred to; check chat ${chat.jid} before sending again`,
				{ raw: data },
			);
		}
		return {
			raw: data,
			message: { chat: { ...chat, identity: mergeIdentities(chat.identity, await this.learntIdentity(chat)) }, id: record.key.id, fromMe: true },
			timestamp: unixSeconds(record.messageTimestamp),
			...(quoted ? { resolved: quoted.message } : {}),
		};
	}

	/** `connect` answers `{ code, base64, pairingCode }` while pairing, or the state once paired. */
	async getQr(): Promise<{ qr: string; raw: unknown }> {
		const data = await this.connect();
		const qr = (data as { code?: unknown }).code;
		if (typeof qr !== 'string' || !qr) throw this.noPairing(data, 'QR code');
		return { qr, raw: data };
	}

	/** Evolution asks WhatsApp for a code only when `connect` starts a new connection with `number`. */
	async requestPairingCode(phoneNumber: string): Promise<{ code: string; raw: unknown }> {
		const data = await this.connect(phoneNumber);
		const code = (data as { pairingCode?: unknown }).pairingCode;
		if (typeof code !== 'string' || !code) throw this.noPairing(data, 'pairing code');
		return { code, raw: data };
	}

	async getSessionStatus(): Promise<SessionStatus> {
		const data = (await this.send({ method: 'GET', path: this.route('instance', 'connectionState'), expect: 'json' })) as {
			instance?: { state?: unknown };
		};
		const state = String(data?.instance?.state ?? 'unknown');
		// connectionState does not name the account; fetchInstances would, but it also returns the instance's API key.
		return { state, connected: state === 'open', me: null, raw: data };
	}

	logout(): Promise<BackendAnswer> {
		return this.answer({ method: 'DELETE', path: this.route('instance', 'logout') });
	}

	/** 401/403 wrong key, 404 unknown instance (Evolution checks it first), no answer: unreachable. */
	async verifyConnection(): Promise<string> {
		const status = await this.getSessionStatus();
		return `Connected to Evolution API; instance "${this.instance}" is ${status.state}`;
	}

	async release(): Promise<void> {}

	/** The labels that name chat rows' label ids, read once per execution (all pages share it). */
	private readonly labelNames = new LookupMemo<LabelSummary[]>();

	/** Message keys and last messages looked up in Evolution's store, remembered for this execution. */
	private readonly keys = new MessageKeys(
		(where, page, pageSize) => this.findMessages(where, page, pageSize),
		(jid) => this.otherFormOf(jid),
	);

	/**
	 * The chat's row of `findChats` (`where.remoteJid`, matched here too should a release ignore the
	 * filter); not found under the id given, under its other form (2.4 keeps a chat by LID, 2.3.7 by phone JID).
	 */
	private async chatRow(chat: ChatRef): Promise<{ data: unknown; row: Record<string, unknown> | undefined }> {
		const find = async (jid: string) => {
			const data = await this.send({ method: 'POST', path: this.route('chat', 'findChats'), body: { where: { remoteJid: jid } }, expect: 'json' });
			return { data, row: evolutionList(data, 'chats').find((candidate) => canonicalJid(String(candidate.remoteJid ?? '')) === jid) };
		};
		const found = await find(chat.jid);
		if (found.row) return found;
		const other = await this.otherFormOf(chat.jid);
		return other ? await find(other) : found;
	}

	/** What this execution learnt of the chat's other form (from findChats, read only when its records were under that form). */
	private async learntIdentity(chat: ChatRef): Promise<Identity | undefined> {
		const book = await this.chatPairs.peek('chats')?.catch(() => undefined);
		if (!book) return undefined;
		const identity = book.identify(chat.jid);
		return identity.phone && identity.lid ? identity : undefined;
	}

	private async withLearnt<A extends BackendAnswer>(chat: ChatRef, answer: A): Promise<A> {
		const identity = await this.learntIdentity(chat);
		return identity ? { ...answer, identity } : answer;
	}

	/**
	 * LID ↔ phone-number pairs of the instance's chats (findChats rows and their last message's
	 * `remoteJidAlt`), read once per execution and only when a chat's records were not found
	 * under the id given.
	 */
	private readonly chatPairs = new LookupMemo<IdentityBook>();

	/** Chats whose records Evolution keeps under their other form (phone JID ↔ LID), as found in this execution. */
	private readonly storedUnder = new Map<string, string>();

	private async otherFormOf(jid: string): Promise<string | null> {
		if (!phoneOfJid(jid) && !lidOfJid(jid)) return null;
		const book = await this.chatPairs.get('chats', async () => {
			const data = await this.send({ method: 'POST', path: this.route('chat', 'findChats'), body: {}, expect: 'json' });
			const pairs = new IdentityBook();
			for (const row of evolutionList(data, 'chats')) {
				const summary = toChatSummary(row);
				if (summary.lid && summary.phone) pairs.learn(summary.lid, summary.phone);
			}
			return pairs;
		});
		return book.otherJid(jid);
	}

	/**
	 * `findMessages`, in the form Evolution stores the chat under: 2.3.7 keeps a chat's records by
	 * phone JID, 2.4 by LID (the other in `remoteJidAlt`), and its filter matches `remoteJid` only.
	 * Records not found under the id given are looked for under its other form, once that is known.
	 */
	private async findMessages(where: Record<string, unknown>, page: number, pageSize: number): Promise<EvolutionRecord[]> {
		const key = where.key as Record<string, unknown> | undefined;
		const given = typeof key?.remoteJid === 'string' ? key.remoteJid : undefined;
		const stored = given ? this.storedUnder.get(given) : undefined;
		const asStored = (remoteJid: string) => ({ ...where, key: { ...key, remoteJid } });
		if (stored) return await this.findMessagesWhere(asStored(stored), page, pageSize);
		const records = await this.findMessagesWhere(where, page, pageSize);
		if (records.length > 0 || !given) return records;
		const other = await this.otherFormOf(given);
		if (!other) return records;
		const found = await this.findMessagesWhere(asStored(other), page, pageSize);
		if (found.length > 0) this.storedUnder.set(given, other);
		return found;
	}

	private async findMessagesWhere(where: Record<string, unknown>, page: number, pageSize: number): Promise<EvolutionRecord[]> {
		const data = (await this.send({
			method: 'POST',
			path: this.route('chat', 'findMessages'),
			body: { where, page, offset: pageSize },
			expect: 'json',
		})) as { messages?: { records?: unknown } };
		return evolutionList(data?.messages?.records, 'messages') as EvolutionRecord[];
	}

	/**
	 * One request: Evolution (2.2 and later) looks the chat's last message up itself when given
	 * the chat alone. Where its own look-up fails (no stored message, or the broken JSON filter
	 * of some 2.3 releases) it answers a 500 with `archived: false`; then the key is looked up
	 * here and sent, which also explains a chat without stored messages in plain words.
	 */
	private async archive(chat: ChatRef, archive: boolean): Promise<BackendAnswer> {
		const path = this.route('chat', 'archiveChat');
		try {
			return await this.answer({ method: 'POST', path, body: { chat: chat.jid, archive }, isFinal: isEvolutionArchiveFailure });
		} catch (error) {
			if (!(error instanceof GatewayError) || !isEvolutionArchiveFailure({ status: error.details.httpStatus ?? 0, data: error.details.raw })) throw error;
		}
		const lastMessage = await this.keys.lastMessageOf(chat, archive ? 'archive' : 'unarchive');
		return await this.withLearnt(chat, await this.answer({ method: 'POST', path, body: { lastMessage, chat: chat.jid, archive } }));
	}

	/** `handleLabel` adds or removes the one label (Evolution answers `{ numberJid, labelId, add | remove }`). */
	private handleLabel(chat: ChatRef, label: LabelSummary, action: 'add' | 'remove'): Promise<BackendAnswer> {
		return this.answer({ method: 'POST', path: this.route('label', 'handleLabel'), body: { number: chat.jid, labelId: label.id, action } });
	}

	private async connect(phoneNumber?: string): Promise<Record<string, unknown>> {
		const data = await this.send({ method: 'GET', path: this.route('instance', 'connect'), query: { number: phoneNumber }, expect: 'json' });
		const answer = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
		// Evolution reports failures of `connect` inside a 200 answer.
		const failure = evolutionFailureIn(data, `Evolution API could not connect the instance "${this.instance}"`);
		if (failure) throw failure;
		return answer;
	}

	private noPairing(data: Record<string, unknown>, what: string): GatewayError {
		const state = (data.instance as { state?: unknown } | undefined)?.state;
		const reason =
			state === 'open'
				? 'the instance is already connected; log it out first to pair another phone'
				: 'the instance is already waiting for a scan or WhatsApp has not sent one yet; try again in a few seconds, or log out to start over';
		return new GatewayError(this.label, 'rejected', `Evolution API gave no ${what} for instance "${this.instance}": ${reason}`, { raw: data });
	}

	private route(group: string, action: string): string[] {
		return [group, action, this.instance];
	}

	private async send(request: HttpRequest): Promise<unknown> {
		try {
			return (await this.http.request(request)).data;
		} catch (error) {
			throw explainEvolutionError(error, this.instance);
		}
	}

	/** Evolution's writes all answer with a JSON body. */
	private async answer(request: HttpRequest): Promise<BackendAnswer> {
		return { raw: await this.send({ expect: 'json', ...request }) };
	}
}

// The operations Evolution has no endpoint for fail with the capability map's hint.
export interface EvolutionBackend extends Refused<typeof EVOLUTION_CAPABILITIES> {}
refuseLacking(EvolutionBackend, EVOLUTION_CAPABILITIES);

/** A message row of a direct chat with the chat's phone number and LID completed from what was learnt (the sender too, when it is the chat). */
function completed<M extends MessageSummary>(summary: M, learnt: Identity | undefined): M {
	if (!learnt || summary.chatId.endsWith('@g.us')) return summary;
	const chat = mergeIdentities({ phone: summary.phone ?? null, lid: summary.lid ?? null }, learnt);
	const fromChat = !summary.fromMe && summary.from !== null && (phoneOfJid(summary.from) === chat.phone || lidOfJid(summary.from) === chat.lid);
	return {
		...summary,
		phone: chat.phone,
		lid: chat.lid,
		...(fromChat ? { fromPhone: summary.fromPhone ?? chat.phone, fromLid: summary.fromLid ?? chat.lid } : {}),
	};
}
