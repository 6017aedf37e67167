/**
 * The "Sessions API" gateway: `/sessions/{uuid}/…`, header `X-API-Key`, chats as
 * `@s.whatsapp.net` JIDs, bare message ids, and `{ success, error }` bodies: a 2xx answer whose
 * body says `success: false` is a failure. It documents no list, pairing or status endpoints.
 */
import type { GatewayHttpClient, HttpRequest } from '../../transport/GatewayHttpClient';
import { offers, refusalOf, refuseLacking, type Refused } from '../capabilities';
import { GatewayError, InvalidInputError } from '../errors';
import type { ChatRef, MessageRef } from '../ids';
import type { BackendAnswer, MediaFile, Operation, PinDuration, WhatsAppBackend } from '../WhatsAppBackend';
import { SESSIONS_API_CAPABILITIES } from './capabilities';
import { explainSessionsApiError, SESSIONS_API_LABEL, sessionsApiFailureIn } from './SessionsApiDialect';

/** What the gateway's pin lasts, whatever is asked (its documentation: "pinned for 24 hours"). */
const SESSIONS_API_PIN_SECONDS = 86400;

export class SessionsApiBackend implements WhatsAppBackend {
	readonly label = SESSIONS_API_LABEL;
	readonly capabilities = SESSIONS_API_CAPABILITIES;

	constructor(
		private readonly http: GatewayHttpClient,
		private readonly sessionId: string,
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

	/** No message of this gateway is ever read (no list, no get), so there is no media to download. */
	downloadMedia(): Promise<MediaFile | null> {
		return Promise.reject(refusalOf(this.capabilities, 'getMessage'));
	}

	/** The gateway addresses people by phone number only, and has no way to find the one behind a LID. */
	async resolveChat(chat: ChatRef): Promise<ChatRef> {
		if (chat.server !== 'lid') return chat;
		throw new InvalidInputError(
			'Chat',
			chat.jid,
			'a phone number or a @s.whatsapp.net / @g.us chat id: the Sessions API addresses people by phone number and cannot look up ' +
				'the number behind a LID; use the phone field of the trigger item or of Chat → Get Many, or the contact on the phone',
		);
	}

	archiveChat = (chat: ChatRef) => this.send({ method: 'POST', path: this.chatPath(chat, 'archive') });
	unarchiveChat = (chat: ChatRef) => this.send({ method: 'POST', path: this.chatPath(chat, 'unarchive') });
	markChatUnread = (chat: ChatRef) => this.send({ method: 'POST', path: this.chatPath(chat, 'unread') });
	deleteChat = (chat: ChatRef) => this.send({ method: 'DELETE', path: this.chatPath(chat) });

	editMessage = (message: MessageRef, text: string) =>
		this.send({ method: 'PUT', path: this.messagePath(message), body: { text } });
	deleteMessage = (message: MessageRef) => this.send({ method: 'DELETE', path: this.messagePath(message) });
	// The gateway pins for its own fixed 24 hours; the duration cannot be passed on, so the output says so.
	pinMessage = async (message: MessageRef, duration: PinDuration): Promise<BackendAnswer> => ({
		...(await this.send({ method: 'POST', path: [...this.messagePath(message), 'pin'] })),
		pinnedForSeconds: SESSIONS_API_PIN_SECONDS,
		...(duration === SESSIONS_API_PIN_SECONDS
			? {}
			: { note: `The Sessions API pins for its own fixed 24 hours; the ${duration / 86400} days asked for cannot be passed on` }),
	});
	unpinMessage = (message: MessageRef) => this.send({ method: 'POST', path: [...this.messagePath(message), 'unpin'] });
	starMessage = (message: MessageRef) =>
		this.send({ method: 'POST', path: [...this.messagePath(message), 'star'], body: { star: true } });
	unstarMessage = (message: MessageRef) =>
		this.send({ method: 'POST', path: [...this.messagePath(message), 'star'], body: { star: false } });
	reactToMessage = (message: MessageRef, emoji: string) =>
		this.send({
			method: 'PUT',
			path: ['sessions', this.sessionId, 'messages', message.id, 'reaction'],
			body: { chatId: message.chat.jid, emoji },
		});

	/**
	 * The gateway documents no read-only endpoint, so this asks for the session resource and reads
	 * only the status: 401/403 wrong key, 404 unknown session, any other answer: reachable.
	 */
	async verifyConnection(): Promise<string> {
		try {
			await this.http.request({ method: 'GET', path: ['sessions', this.sessionId] });
		} catch (error) {
			if (!(error instanceof GatewayError)) throw error;
			if (error.kind === 'notFound') {
				throw new GatewayError(this.label, 'unknownSession', `Sessions API does not know the session "${this.sessionId}"`, error.details);
			}
			if (['unauthorized', 'unreachable', 'timeout', 'badAnswer', 'tooLarge'].includes(error.kind)) throw error;
		}
		return `Sessions API is reachable and accepted the key for session "${this.sessionId}"`;
	}

	async release(): Promise<void> {}

	private chatPath(chat: ChatRef, ...rest: string[]): string[] {
		return ['sessions', this.sessionId, 'chats', chat.jid, ...rest];
	}

	private messagePath(message: MessageRef): string[] {
		return this.chatPath(message.chat, 'messages', message.id);
	}

	/** Its contract: success is a JSON object with `success: true` (see SessionsApiDialect). */
	private async send(request: HttpRequest): Promise<BackendAnswer> {
		let data: unknown;
		try {
			data = (await this.http.request({ ...request, expect: 'json' })).data;
		} catch (error) {
			throw explainSessionsApiError(error, this.sessionId);
		}
		const failure = sessionsApiFailureIn(data, request);
		if (failure) throw failure;
		return { raw: data };
	}
}

// The operations the gateway documents no endpoint for fail with the capability map's hint.
export interface SessionsApiBackend extends Refused<typeof SESSIONS_API_CAPABILITIES> {}
refuseLacking(SessionsApiBackend, SESSIONS_API_CAPABILITIES);
