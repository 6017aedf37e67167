/**
 * WAHA (WhatsApp HTTP API): `/api/{session}/…`, header `X-Api-Key`, chats as `@c.us`,
 * messages as serialized ids `{fromMe}_{chat}_{id}[_{participant}]`.
 */
import type { GatewayHttpClient, HttpRequest } from '../../transport/GatewayHttpClient';
import { withoutSecretFields } from '../../transport/secrets';
import { offers, refuseLacking, type Refused } from '../capabilities';
import { GatewayError } from '../errors';
import { canonicalJid, toCus, type ChatRef, type MessageRef } from '../ids';
import { LookupMemo } from '../lookupMemo';
import { unixSeconds } from '../wireValues';
import { WAHA_CAPABILITIES } from './capabilities';
import { toChatSummary, toMessageSummary } from './mapping';
import { explainWahaError, splitWahaMessageId, wahaIdOf, wahaList, type WahaMessageIdParts } from './WahaDialect';
import {
	type BackendAnswer,
	type ChatSummary,
	type MessageSummary,
	type Operation,
	type Page,
	type PinDuration,
	type SendTextOptions,
	type SentMessage,
	type SessionStatus,
	type WhatsAppBackend,
} from '../WhatsAppBackend';

/** How many recent messages are searched to complete a bare message id into a serialized one. */
const MESSAGE_LOOKUP_DEPTH = 100;

export class WahaBackend implements WhatsAppBackend {
	readonly label = WAHA_CAPABILITIES.backend;
	readonly capabilities = WAHA_CAPABILITIES;

	constructor(
		private readonly http: GatewayHttpClient,
		private readonly session: string,
	) {}

	supports(operation: Operation): boolean {
		return offers(this.capabilities, operation);
	}

	formatChatId(chat: ChatRef): string {
		return toCus(chat.jid);
	}

	formatMessageId(message: MessageRef): string {
		// The id WAHA itself gave for a looked-up message, used as found.
		if (message.backendId) return message.backendId;
		if (message.fromMe === undefined) return message.id;
		const participant = message.participant ? `_${toCus(message.participant)}` : '';
		return `${message.fromMe}_${this.formatChatId(message.chat)}_${message.id}${participant}`;
	}

	async listChats(page: Page): Promise<ChatSummary[]> {
		const data = await this.send({ method: 'GET', path: ['api', this.session, 'chats'], query: { ...page }, expect: 'json' });
		return wahaList(data, 'chats').map(toChatSummary);
	}

	async listMessages(chat: ChatRef, page: Page & { downloadMedia: boolean }): Promise<MessageSummary[]> {
		const data = await this.send({
			method: 'GET',
			path: this.chatPath(chat, 'messages'),
			query: { limit: page.limit, offset: page.offset, downloadMedia: page.downloadMedia },
			expect: 'json',
		});
		return wahaList(data, 'messages').map((raw) => toMessageSummary(raw, this.formatChatId(chat)));
	}

	// WAHA documents a JSON object for these two; its other writes answer JSON or nothing.
	archiveChat = (chat: ChatRef) => this.answer({ method: 'POST', path: this.chatPath(chat, 'archive'), expect: 'json' });
	unarchiveChat = (chat: ChatRef) => this.answer({ method: 'POST', path: this.chatPath(chat, 'unarchive'), expect: 'json' });
	markChatUnread = (chat: ChatRef) => this.answer({ method: 'POST', path: this.chatPath(chat, 'unread') });
	deleteChat = (chat: ChatRef) => this.answer({ method: 'DELETE', path: this.chatPath(chat) });
	clearMessages = (chat: ChatRef) => this.answer({ method: 'DELETE', path: this.chatPath(chat, 'messages') });

	editMessage = (message: MessageRef, text: string) =>
		this.onMessage(message, (path) => ({ method: 'PUT', path, body: { text } }));
	deleteMessage = (message: MessageRef) => this.onMessage(message, (path) => ({ method: 'DELETE', path }));
	pinMessage = (message: MessageRef, duration: PinDuration) =>
		this.onMessage(message, (path) => ({ method: 'POST', path: [...path, 'pin'], body: { duration } }));
	unpinMessage = (message: MessageRef) => this.onMessage(message, (path) => ({ method: 'POST', path: [...path, 'unpin'] }));

	starMessage = (message: MessageRef) => this.star(message, true);
	unstarMessage = (message: MessageRef) => this.star(message, false);

	async reactToMessage(message: MessageRef, emoji: string): Promise<BackendAnswer> {
		const resolved = await this.complete(message);
		const body = { session: this.session, messageId: this.formatMessageId(resolved), reaction: emoji };
		return { raw: await this.send({ method: 'PUT', path: ['api', 'reaction'], body, expect: 'json' }), resolved };
	}

	/** `POST /api/sendText`; a reply names the quoted message by its serialized id (`reply_to`). Sent at most once. */
	async sendText(chat: ChatRef, text: string, options: SendTextOptions): Promise<SentMessage> {
		const quoted = options.replyTo ? await this.complete(options.replyTo) : undefined;
		const body = {
			session: this.session,
			chatId: this.formatChatId(chat),
			text,
			...(quoted ? { reply_to: this.formatMessageId(quoted) } : {}),
			linkPreview: options.linkPreview,
		};
		const data = await this.send({ method: 'POST', path: ['api', 'sendText'], body, expect: 'json', idempotent: false });
		const id = sentIdOf(data, this.formatChatId(chat));
		if (!id) {
			throw new GatewayError(
				this.label,
				'badAnswer',
				`WAHA answered POST /api/sendText without the new message's id, so the message was probably sent but cannot be referred to; check chat ${this.formatChatId(chat)} before sending again`,
				{ raw: data },
			);
		}
		const record = (data ?? {}) as Record<string, unknown>;
		return {
			raw: data,
			message: { chat, id: id.bare, fromMe: true, backendId: id.serialized },
			timestamp: unixSeconds(record.timestamp ?? record.messageTimestamp),
			...(quoted ? { resolved: quoted } : {}),
		};
	}

	async getQr(): Promise<{ qr: string; raw: unknown }> {
		const data = await this.send({ method: 'GET', path: ['api', this.session, 'auth', 'qr'], query: { format: 'raw' }, expect: 'json' });
		const qr = (data as { value?: unknown })?.value;
		if (typeof qr !== 'string' || !qr) {
			throw new GatewayError(this.label, 'rejected', `WAHA gave no QR code for session "${this.session}"; it may already be paired`, { raw: data });
		}
		return { qr, raw: data };
	}

	async requestPairingCode(phoneNumber: string): Promise<{ code: string; raw: unknown }> {
		const data = await this.send({
			method: 'POST',
			path: ['api', this.session, 'auth', 'request-code'],
			body: { phoneNumber },
		});
		return { code: String((data as { code?: unknown })?.code ?? ''), raw: data };
	}

	async getSessionStatus(): Promise<SessionStatus> {
		const data = (await this.send({ method: 'GET', path: ['api', 'sessions', this.session], expect: 'json' })) as {
			status?: string;
			me?: { id?: string } | null;
			config?: unknown;
		};
		const state = String(data?.status ?? 'UNKNOWN');
		// The session config holds webhook HMAC keys, other webhooks' headers and proxy passwords.
		const raw = data && typeof data === 'object' && 'config' in data ? { ...data, config: withoutSecretFields(data.config) } : data;
		return { state, connected: state === 'WORKING', me: data?.me?.id ?? null, raw };
	}

	async verifyConnection(): Promise<string> {
		const status = await this.getSessionStatus();
		return `Connected to WAHA; session "${this.session}" is ${status.state}`;
	}

	async release(): Promise<void> {}

	/** The chat's last messages, read once per execution: items on one chat share the read (also while in flight). */
	private readonly recentMessages = new LookupMemo<MessageSummary[]>();

	private async star(message: MessageRef, star: boolean): Promise<BackendAnswer> {
		const resolved = await this.complete(message);
		const body = { session: this.session, chatId: this.formatChatId(message.chat), messageId: this.formatMessageId(resolved), star };
		return { raw: await this.send({ method: 'PUT', path: ['api', 'star'], body }), resolved };
	}

	private chatPath(chat: ChatRef, ...rest: string[]): string[] {
		return ['api', this.session, 'chats', this.formatChatId(chat), ...rest];
	}

	/** Requests on `/chats/{chat}/messages/{serialized id}`, after completing a bare id. */
	private async onMessage(message: MessageRef, request: (path: string[]) => HttpRequest): Promise<BackendAnswer> {
		const resolved = await this.complete(message);
		const path = this.chatPath(message.chat, 'messages', this.formatMessageId(resolved));
		return { raw: await this.send(request(path)), resolved };
	}

	/**
	 * WAHA wants serialized ids; a bare id is completed from the chat's recent messages (read once
	 * per execution and shared), or, past those, with the look-up by bare id of the engines that
	 * offer it (`GET /api/{session}/chats/all/messages/{id}`, GOWS and NOWEB).
	 */
	private async complete(message: MessageRef): Promise<MessageRef> {
		if (message.fromMe !== undefined) return message;
		const found = (await this.amongRecent(message)) ?? (await this.byBareId(message));
		if (!found) {
			throw new GatewayError(
				this.label,
				'notFound',
				`Message "${message.id}" is not among the last ${MESSAGE_LOOKUP_DEPTH} messages of chat ${this.formatChatId(message.chat)}; ` +
					'give its full WAHA id instead, e.g. true_123@c.us_3EB0C767D26A1A8E',
			);
		}
		return {
			...message,
			fromMe: found.parts.fromMe,
			participant: found.parts.participant ? (canonicalJid(found.parts.participant) ?? undefined) : undefined,
			backendId: found.serialized,
		};
	}

	private async amongRecent(message: MessageRef): Promise<FoundMessage | undefined> {
		const key = message.chat.jid;
		const read = () => this.listMessages(message.chat, { limit: MESSAGE_LOOKUP_DEPTH, offset: 0, downloadMedia: false });
		const remembered = this.recentMessages.peek(key);
		const first = this.recentMessages.get(key, read);
		let found = findIn(await first, message.id);
		// Read earlier in this execution: the message may be newer than that read, so read once more.
		if (!found && remembered) found = findIn(await this.recentMessages.again(key, first, read), message.id);
		return found;
	}

	/** The engine's look-up by bare id; engines without it (or without the message) give nothing. */
	private async byBareId(message: MessageRef): Promise<FoundMessage | undefined> {
		let data: unknown;
		try {
			data = await this.send({
				method: 'GET',
				path: ['api', this.session, 'chats', 'all', 'messages', message.id],
				expect: 'json',
				// An engine without the route may fail it with a 5xx: that is its answer, not worth retrying.
				isFinal: () => true,
			});
		} catch (error) {
			if (error instanceof GatewayError && ['notFound', 'unsupported', 'rejected', 'server'].includes(error.kind)) return undefined;
			throw error;
		}
		const serialized = wahaIdOf((data as { id?: unknown } | undefined)?.id);
		const parts = splitWahaMessageId(serialized);
		if (!parts || parts.id !== message.id) return undefined;
		const chat = canonicalJid(parts.chat);
		if (chat !== message.chat.jid) {
			throw new GatewayError(
				this.label,
				'notFound',
				`Message "${message.id}" belongs to chat ${parts.chat}, not to ${this.formatChatId(message.chat)}; pick the chat it was sent in`,
				{ raw: data },
			);
		}
		return { serialized, parts };
	}

	private async send(request: HttpRequest): Promise<unknown> {
		try {
			return (await this.http.request(request)).data;
		} catch (error) {
			throw explainWahaError(error, this.session);
		}
	}

	private async answer(request: HttpRequest): Promise<BackendAnswer> {
		return { raw: await this.send(request) };
	}

}

// The operations WAHA lacks (Logout) fail with the capability map's hint.
export interface WahaBackend extends Refused<typeof WAHA_CAPABILITIES> {}
refuseLacking(WahaBackend, WAHA_CAPABILITIES);

/** A message WAHA gave: its serialized id as WAHA wrote it, and that id's parts. */
interface FoundMessage {
	serialized: string;
	parts: WahaMessageIdParts;
}

/** The message with bare id `id` in a list, matched on the id part of its serialized id (or the whole id). */
function findIn(messages: MessageSummary[], id: string): FoundMessage | undefined {
	for (const candidate of messages) {
		const parts = splitWahaMessageId(candidate.id);
		if (parts && (parts.id === id || candidate.id === id)) return { serialized: candidate.id, parts };
	}
	return undefined;
}

/**
 * The new message's id in a sendText answer, whatever the engine: WEBJS and GOWS give `id` (serialized,
 * or `{ _serialized }`), NOWEB the Baileys message with `key.id`.
 */
function sentIdOf(data: unknown, chat: string): { bare: string; serialized: string } | undefined {
	const record = (data && typeof data === 'object' ? data : {}) as { id?: unknown; key?: { id?: unknown } };
	const serialized = wahaIdOf(record.id);
	const parts = splitWahaMessageId(serialized);
	if (parts) return { bare: parts.id, serialized };
	const bare = typeof record.key?.id === 'string' ? record.key.id : serialized && !serialized.includes('_') ? serialized : '';
	return bare ? { bare, serialized: `true_${chat}_${bare}` } : undefined;
}
