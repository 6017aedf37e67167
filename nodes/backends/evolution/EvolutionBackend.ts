/**
 * Evolution API v2 (Baileys-based): routes `/{group}/{action}/{instance}`, header `apikey`, chats
 * as JIDs (`@s.whatsapp.net`, `@g.us`, `@lid`), bare message ids in output. Its actions take full
 * message keys, which `messageKeys` completes from Evolution's own store. It has no pin, star,
 * delete-chat or clear endpoints.
 */
import type { GatewayHttpClient, HttpRequest } from '../../transport/GatewayHttpClient';
import { offers, refuseLacking, type Refused } from '../capabilities';
import { GatewayError } from '../errors';
import type { ChatRef, MessageRef } from '../ids';
import {
	type BackendAnswer,
	type ChatSummary,
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
import { toChatSummary, toMessageSummary, type EvolutionRecord } from './mapping';
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
		return (rows.length > page.limit ? rows.slice(page.offset, page.offset + page.limit) : rows).map(toChatSummary);
	}

	async listMessages(chat: ChatRef, page: Page & { downloadMedia: boolean }): Promise<MessageSummary[]> {
		// Download Media has no Evolution counterpart here: media stays in `raw` as Evolution stored it.
		const window = pageWindow(page.offset, page.limit);
		const records = await this.findMessages({ key: { remoteJid: chat.jid } }, window.page, window.pageSize);
		return records.slice(window.skip, window.skip + page.limit).map((record) => toMessageSummary(record, chat.jid));
	}

	archiveChat = (chat: ChatRef) => this.archive(chat, true);
	unarchiveChat = (chat: ChatRef) => this.archive(chat, false);

	async markChatUnread(chat: ChatRef): Promise<BackendAnswer> {
		const lastMessage = await this.keys.lastMessageOf(chat, 'mark unread');
		return this.answer({ method: 'POST', path: this.route('chat', 'markChatUnread'), body: { lastMessage, chat: chat.jid } });
	}

	async editMessage(message: MessageRef, text: string): Promise<BackendAnswer> {
		const { key, message: resolved } = await this.keys.resolve(message);
		if (!key.fromMe) {
			throw new GatewayError(this.label, 'rejected', `Message "${message.id}" in chat ${message.chat.jid} was not sent by you; WhatsApp lets only the sender edit a message`);
		}
		const body = { number: key.remoteJid, key, text };
		return { ...(await this.answer({ method: 'POST', path: this.route('chat', 'updateMessage'), body })), resolved };
	}

	async deleteMessage(message: MessageRef): Promise<BackendAnswer> {
		const { key, message: resolved } = await this.keys.resolve(message);
		const request: HttpRequest = { method: 'DELETE', path: this.route('chat', 'deleteMessageForEveryone'), body: key };
		return { ...(await this.answer(request)), resolved };
	}

	async reactToMessage(message: MessageRef, emoji: string): Promise<BackendAnswer> {
		const { key, message: resolved } = await this.keys.resolve(message);
		const body = { key, reaction: emoji };
		return { ...(await this.answer({ method: 'POST', path: this.route('message', 'sendReaction'), body })), resolved };
	}

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
			message: { chat, id: record.key.id, fromMe: true },
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

	/** Message keys and last messages looked up in Evolution's store, remembered for this execution. */
	private readonly keys = new MessageKeys((where, page, pageSize) => this.findMessages(where, page, pageSize));

	private async findMessages(where: Record<string, unknown>, page: number, pageSize: number): Promise<EvolutionRecord[]> {
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
		return this.answer({ method: 'POST', path, body: { lastMessage, chat: chat.jid, archive } });
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


