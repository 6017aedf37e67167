/**
 * WAHA (WhatsApp HTTP API): `/api/{session}/…`, header `X-Api-Key`, chats as `@c.us`,
 * messages as serialized ids `{fromMe}_{chat}_{id}[_{participant}]`.
 */
import type { GatewayHttpClient, HttpRequest } from '../../transport/GatewayHttpClient';
import { withoutSecretFields } from '../../transport/secrets';
import { GatewayError, notSupported } from '../errors';
import { canonicalJid, toCus, type ChatRef, type MessageRef } from '../ids';
import {
	OPERATION_LABELS,
	type BackendAnswer,
	type ChatSummary,
	type MessageSummary,
	type Operation,
	type Page,
	type PinDuration,
	type SessionStatus,
	type WhatsAppBackend,
} from '../WhatsAppBackend';

/** How many recent messages are searched to complete a bare message id into a serialized one. */
const MESSAGE_LOOKUP_DEPTH = 100;

export class WahaBackend implements WhatsAppBackend {
	readonly label = 'WAHA';

	constructor(
		private readonly http: GatewayHttpClient,
		private readonly session: string,
	) {}

	supports(operation: Operation): boolean {
		return operation !== 'logout';
	}

	formatChatId(chat: ChatRef): string {
		return toCus(chat.jid);
	}

	formatMessageId(message: MessageRef): string {
		if (message.fromMe === undefined) return message.id;
		const participant = message.participant ? `_${toCus(message.participant)}` : '';
		return `${message.fromMe}_${this.formatChatId(message.chat)}_${message.id}${participant}`;
	}

	async listChats(page: Page): Promise<ChatSummary[]> {
		const data = await this.send({ method: 'GET', path: ['api', this.session, 'chats'], query: { ...page }, expect: 'json' });
		return asArray(data, 'chats').map(toChatSummary);
	}

	async listMessages(chat: ChatRef, page: Page & { downloadMedia: boolean }): Promise<MessageSummary[]> {
		const data = await this.send({
			method: 'GET',
			path: this.chatPath(chat, 'messages'),
			query: { limit: page.limit, offset: page.offset, downloadMedia: page.downloadMedia },
			expect: 'json',
		});
		return asArray(data, 'messages').map((raw) => toMessageSummary(raw, this.formatChatId(chat)));
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

	logout(): Promise<BackendAnswer> {
		return notSupported(this.label, OPERATION_LABELS.logout, 'log out from the WAHA dashboard or its sessions API');
	}

	async verifyConnection(): Promise<string> {
		const status = await this.getSessionStatus();
		return `Connected to WAHA; session "${this.session}" is ${status.state}`;
	}

	async release(): Promise<void> {}

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

	/** WAHA wants serialized ids; a bare id is completed from the chat's recent messages. */
	private async complete(message: MessageRef): Promise<MessageRef> {
		if (message.fromMe !== undefined) return message;
		const recent = await this.listMessages(message.chat, { limit: MESSAGE_LOOKUP_DEPTH, offset: 0, downloadMedia: false });
		const found = recent.find((candidate) => candidate.id.split('_')[2] === message.id || candidate.id === message.id);
		if (!found) {
			throw new GatewayError(
				this.label,
				'notFound',
				`Message "${message.id}" is not among the last ${MESSAGE_LOOKUP_DEPTH} messages of chat ${this.formatChatId(message.chat)}; ` +
					'give its full WAHA id instead, e.g. true_123@c.us_3EB0C767D26A1A8E',
			);
		}
		const [fromMe, , , participant] = found.id.split('_');
		return {
			...message,
			fromMe: fromMe === 'true',
			participant: participant ? (canonicalJid(participant) ?? undefined) : undefined,
		};
	}

	private async send(request: HttpRequest): Promise<unknown> {
		try {
			return (await this.http.request(request)).data;
		} catch (error) {
			throw this.explainSession(error);
		}
	}

	private async answer(request: HttpRequest): Promise<BackendAnswer> {
		return { raw: await this.send(request) };
	}

	/** WAHA answers 404 (or 422 "session status is not as expected") for a session it does not know or run. */
	private explainSession(error: unknown): unknown {
		if (
			error instanceof GatewayError &&
			(error.details.httpStatus === 404 || error.details.httpStatus === 422) &&
			/session/i.test(error.details.gatewayMessage ?? '')
		) {
			return new GatewayError(
				this.label,
				'unknownSession',
				`WAHA does not know the session "${this.session}" or it is not running: ${error.details.gatewayMessage}`,
				error.details,
			);
		}
		return error;
	}
}

function asArray(data: unknown, what: string): Record<string, unknown>[] {
	if (Array.isArray(data)) return data as Record<string, unknown>[];
	throw new GatewayError('WAHA', 'rejected', `WAHA answered the ${what} list with something that is not a list`, { raw: data });
}

/** WAHA engines give ids either as strings or as `{ _serialized }` objects. */
function idOf(value: unknown): string {
	if (typeof value === 'string') return value;
	if (value && typeof value === 'object' && typeof (value as { _serialized?: unknown })._serialized === 'string') {
		return (value as { _serialized: string })._serialized;
	}
	return '';
}

function toChatSummary(raw: Record<string, unknown>): ChatSummary {
	const id = idOf(raw.id);
	const lastMessage = raw.lastMessage as { timestamp?: unknown; messageTimestamp?: unknown } | undefined;
	return {
		id,
		name: typeof raw.name === 'string' ? raw.name : null,
		isGroup: id.endsWith('@g.us'),
		archived: typeof raw.archived === 'boolean' ? raw.archived : null,
		pinned: typeof raw.pinned === 'boolean' ? raw.pinned : null,
		unreadCount: typeof raw.unreadCount === 'number' ? raw.unreadCount : null,
		// WEBJS gives `timestamp`, others the last message's; NOWEB chats carry `conversationTimestamp`.
		lastMessageTimestamp:
			unixSeconds(raw.timestamp) ??
			unixSeconds(lastMessage?.timestamp) ??
			unixSeconds(raw.conversationTimestamp) ??
			unixSeconds(lastMessage?.messageTimestamp),
		raw,
	};
}

/** Unix seconds from a number, a numeric string, milliseconds or a protobuf Long (`{ low, high }`). */
function unixSeconds(value: unknown): number | null {
	let number: number;
	if (typeof value === 'number') number = value;
	else if (typeof value === 'string' && /^\d+$/.test(value.trim())) number = Number(value);
	else if (value && typeof value === 'object' && typeof (value as { low?: unknown }).low === 'number') {
		const long = value as { low: number; high?: number };
		number = (long.high ?? 0) * 2 ** 32 + (long.low >>> 0);
	} else return null;
	if (!Number.isFinite(number) || number <= 0) return null;
	return number > 1e11 ? Math.floor(number / 1000) : Math.floor(number);
}

function toMessageSummary(raw: Record<string, unknown>, chatId: string): MessageSummary {
	return {
		id: idOf(raw.id),
		chatId,
		fromMe: typeof raw.fromMe === 'boolean' ? raw.fromMe : null,
		from: typeof raw.participant === 'string' && raw.participant ? raw.participant : typeof raw.from === 'string' ? raw.from : null,
		timestamp: typeof raw.timestamp === 'number' ? raw.timestamp : null,
		text: typeof raw.body === 'string' ? raw.body : null,
		hasMedia: typeof raw.hasMedia === 'boolean' ? raw.hasMedia : null,
		raw,
	};
}
