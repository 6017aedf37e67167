/**
 * The "Sessions API" gateway: `/sessions/{uuid}/…`, header `X-API-Key`, chats as
 * `@s.whatsapp.net` JIDs, bare message ids, and `{ success, error }` bodies: a 2xx answer whose
 * body says `success: false` is a failure. It documents no list, pairing or status endpoints.
 */
import type { GatewayHttpClient, HttpRequest } from '../../transport/GatewayHttpClient';
import { GatewayError, notSupported } from '../errors';
import type { ChatRef, MessageRef } from '../ids';
import {
	OPERATION_LABELS,
	type BackendAnswer,
	type Operation,
	type PinDuration,
	type WhatsAppBackend,
} from '../WhatsAppBackend';

/** What the gateway's pin lasts, whatever is asked (its documentation: "pinned for 24 hours"). */
const SESSIONS_API_PIN_SECONDS = 86400;

const NOT_OFFERED: ReadonlySet<Operation> = new Set<Operation>([
	'listChats',
	'listMessages',
	'clearMessages',
	'getQr',
	'requestPairingCode',
	'getSessionStatus',
	'logout',
]);

export class SessionsApiBackend implements WhatsAppBackend {
	readonly label = 'Sessions API';

	constructor(
		private readonly http: GatewayHttpClient,
		private readonly sessionId: string,
	) {}

	supports(operation: Operation): boolean {
		return !NOT_OFFERED.has(operation);
	}

	formatChatId(chat: ChatRef): string {
		return chat.jid;
	}

	formatMessageId(message: MessageRef): string {
		return message.id;
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

	listChats = () => this.lacks('listChats');
	listMessages = () => this.lacks('listMessages');
	clearMessages = () => this.lacks('clearMessages');
	getQr = () => this.lacks('getQr');
	requestPairingCode = () => this.lacks('requestPairingCode');
	getSessionStatus = () => this.lacks('getSessionStatus');
	logout = () => this.lacks('logout');

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

	private lacks(operation: Operation): never {
		return notSupported(this.label, OPERATION_LABELS[operation], 'the Sessions API gateway does not offer it');
	}

	private chatPath(chat: ChatRef, ...rest: string[]): string[] {
		return ['sessions', this.sessionId, 'chats', chat.jid, ...rest];
	}

	private messagePath(message: MessageRef): string[] {
		return this.chatPath(message.chat, 'messages', message.id);
	}

	/** Its contract: success is a JSON object with `success: true`; anything else is not a success. */
	private async send(request: HttpRequest): Promise<BackendAnswer> {
		let data: unknown;
		try {
			data = (await this.http.request({ ...request, expect: 'json' })).data;
		} catch (error) {
			throw this.explain(error);
		}
		const body = (data && typeof data === 'object' && !Array.isArray(data) ? data : {}) as { success?: unknown; error?: unknown };
		if (body.success === false) {
			const said = typeof body.error === 'string' ? body.error : 'no reason given';
			throw new GatewayError(this.label, /not found/i.test(said) ? 'notFound' : 'rejected', `Sessions API refused the request: ${said}`, {
				gatewayMessage: said,
				raw: data,
			});
		}
		if (body.success !== true) {
			const shown = JSON.stringify(data) ?? String(data);
			throw new GatewayError(
				this.label,
				'badAnswer',
				`Sessions API answered ${request.method} /${request.path.join('/')} without "success": true, so the result is unknown: ` +
					`${shown.length > 200 ? `${shown.slice(0, 200)}…` : shown}. Check that the Base URL points at the Sessions API gateway`,
				{ raw: data },
			);
		}
		return { raw: data };
	}

	private explain(error: unknown): unknown {
		if (error instanceof GatewayError && error.kind === 'notFound' && /session/i.test(error.details.gatewayMessage ?? '')) {
			return new GatewayError(
				this.label,
				'unknownSession',
				`Sessions API does not know the session "${this.sessionId}": ${error.details.gatewayMessage}`,
				error.details,
			);
		}
		return error;
	}
}
