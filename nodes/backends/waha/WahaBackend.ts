/**
 * WAHA (WhatsApp HTTP API): `/api/{session}/…`, header `X-Api-Key`, chats as `@c.us`,
 * messages as serialized ids `{fromMe}_{chat}_{id}[_{participant}]`.
 */
import type { GatewayHttpClient, HttpRequest } from '../../transport/GatewayHttpClient';
import { withoutSecretFields } from '../../transport/secrets';
import { offers, refuseLacking, type Refused } from '../capabilities';
import { GatewayError } from '../errors';
import { identityOf, mergeIdentities, sameIdentity, type Identity } from '../identity';
import { canonicalJid, parseChatId, toCus, type ChatRef, type MessageRef } from '../ids';
import { KeyedQueue, nameChatLabels } from '../labels';
import { LookupMemo } from '../lookupMemo';
import { unixSeconds } from '../wireValues';
import { WAHA_CAPABILITIES } from './capabilities';
import { checkMediaSize, MEDIA_CAP_NAME, mediaFileName, mediaOf } from '../mediaFile';
import { toChatDetails, toChatSummary, toLabelSummary, toMediaFacts, toMessageSummary, wahaMediaOf } from './mapping';
import { explainWahaError, splitWahaMessageId, wahaIdOf, wahaList, type WahaMessageIdParts } from './WahaDialect';
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
	type PinDuration,
	type SendTextOptions,
	type SentMessage,
	type SessionStatus,
	type WhatsAppBackend,
} from '../WhatsAppBackend';

/** How many recent messages are searched to complete a bare message id into a serialized one. */
const MESSAGE_LOOKUP_DEPTH = 100;
/** LID look-ups of one chat list run this many at a time. */
const LID_LOOKUP_CONCURRENCY = 8;

/** Mark Read reaches back this far: the newest 100 messages of the last 30 days (the local store's depth and more). */
const MARK_READ_RANGE = { messages: 100, days: 30 };

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
		const chats = wahaList(data, 'chats').map(toChatSummary);
		// Engines whose chats carry label ids (WEBJS): named from one labels read.
		await nameChatLabels(chats, () => this.labelNames.get('all', () => this.listLabels()));
		// A chat listed by its LID: its phone number from WAHA's LID routes (once per LID per execution),
		// so it and its phone-number row are one row.
		const hidden = chats.filter((chat) => chat.lid && !chat.phone);
		await this.eachLookup(hidden, async (chat) => {
			chat.phone = (await this.identityOf(parseChatId(chat.lid!))).phone;
		});
		return chats;
	}

	/**
	 * A chat given by LID gets its phone number from WAHA (for the output). WAHA is addressed with
	 * the id as given: its engines map a phone number to the LID WhatsApp uses themselves (NOWEB and
	 * GOWS through Baileys 7's own mapping), so a phone number costs no look-up here.
	 */
	async resolveChat(chat: ChatRef): Promise<ChatRef> {
		if (chat.server !== 'lid') return chat;
		return { ...chat, identity: mergeIdentities(chat.identity, await this.identityOf(chat)) };
	}

	async listMessages(chat: ChatRef, page: Page & { downloadMedia: boolean }): Promise<MessageSummary[]> {
		const data = await this.send({
			method: 'GET',
			path: this.chatPath(chat, 'messages'),
			query: { limit: page.limit, offset: page.offset, downloadMedia: page.downloadMedia },
			expect: 'json',
		});
		const messages = wahaList(data, 'messages').map((raw) => toMessageSummary(raw, this.formatChatId(chat), chat.identity));
		// Senders known only by LID (group members WhatsApp hides): their phone numbers, once per LID.
		const hidden = messages.filter((message) => message.fromLid && !message.fromPhone);
		await this.eachLookup(hidden, async (message) => {
			message.fromPhone = (await this.identityOf(parseChatId(message.fromLid!))).phone;
			if (message.lid === message.fromLid) message.phone ??= message.fromPhone;
		});
		return messages;
	}

	/** The chat's row of `chats/overview`, asked for by id (`ids`); matched here too, for WAHA releases that ignore the filter. */
	async getChat(chat: ChatRef): Promise<ChatDetails> {
		const chatId = this.formatChatId(chat);
		const data = await this.send({ method: 'GET', path: ['api', this.session, 'chats', 'overview'], query: { ids: chatId }, expect: 'json' });
		const row = wahaList(data, 'chats overview').find((candidate) => canonicalJid(wahaIdOf(candidate.id)) === chat.jid);
		if (!row) {
			throw new GatewayError(
				this.label,
				'notFound',
				`WAHA knows no chat ${chatId} in session "${this.session}": its chats overview has no such chat. ` +
					'Check the phone number or chat id; a chat exists once a message was sent or received in it',
				{ raw: data },
			);
		}
		return toChatDetails(row, chatId);
	}

	/** `{ url }`; WAHA answers no URL when the contact has no picture or hides it. */
	async getChatPicture(chat: ChatRef): Promise<ChatPicture> {
		const data = await this.send({ method: 'GET', path: this.chatPath(chat, 'picture'), expect: 'json' });
		const url = (data as { url?: unknown } | undefined)?.url;
		return { url: typeof url === 'string' && url ? url : null, raw: data };
	}

	/** `GET …/chats/{chat}/messages/{serialized id}?downloadMedia=`, after completing a bare id. */
	async getMessage(message: MessageRef, options: { downloadMedia: boolean }): Promise<MessageDetails> {
		const resolved = await this.complete(message);
		const id = this.formatMessageId(resolved);
		let data: unknown;
		try {
			data = await this.send({ method: 'GET', path: this.chatPath(message.chat, 'messages', id), query: { downloadMedia: options.downloadMedia }, expect: 'json' });
		} catch (error) {
			if (error instanceof GatewayError && error.kind === 'notFound') {
				throw new GatewayError(this.label, 'notFound', `WAHA has no message "${id}" in chat ${this.formatChatId(message.chat)}`, error.details);
			}
			throw error;
		}
		if (!data || typeof data !== 'object' || Array.isArray(data)) {
			throw new GatewayError(this.label, 'badAnswer', `WAHA answered the message "${id}" with something that is not a message`, { raw: data });
		}
		const raw = data as Record<string, unknown>;
		return { ...toMessageSummary(raw, this.formatChatId(message.chat)), ...toMediaFacts(raw) };
	}

	/**
	 * Fetches the media URL WAHA gave (downloadMedia): with the API key only when it is on the Base
	 * URL's origin (WAHA's own file server), without any credential elsewhere.
	 */
	async downloadMedia(message: MessageSummary, limits: MediaLimits): Promise<MediaFile | null> {
		const raw = (message.raw ?? {}) as Record<string, unknown>;
		if (message.hasMedia !== true) return null;
		const what = mediaOf(message.id);
		const media = wahaMediaOf(raw);
		const facts = toMediaFacts(raw);
		if (typeof media?.url !== 'string' || !media.url) {
			const said = typeof media?.error === 'string' || (media?.error && typeof media.error === 'object') ? `: ${JSON.stringify(media.error).slice(0, 300)}` : '';
			throw new GatewayError(
				this.label,
				'rejected',
				`WAHA gave no media URL for message "${message.id}"${said}. WAHA downloads media only when asked (Download Media) and its engine supports it; check WAHA's media settings (WHATSAPP_DOWNLOAD_MEDIA)`,
			);
		}
		checkMediaSize(this.label, what, facts.fileSize, limits);
		const file = await this.http.downloadFile(media.url, { what, maxBytes: limits.maxBytes, capName: MEDIA_CAP_NAME });
		const mimeType = facts.mimeType ?? file.contentType ?? 'application/octet-stream';
		return { data: file.data, mimeType, fileName: mediaFileName(facts.fileName ?? file.fileName, wahaBareId(message.id), mimeType) };
	}

	// WAHA documents a JSON object for these two; its other writes answer JSON or nothing.
	archiveChat = (chat: ChatRef) => this.answer({ method: 'POST', path: this.chatPath(chat, 'archive'), expect: 'json' });
	unarchiveChat = (chat: ChatRef) => this.answer({ method: 'POST', path: this.chatPath(chat, 'unarchive'), expect: 'json' });
	markChatUnread = (chat: ChatRef) => this.answer({ method: 'POST', path: this.chatPath(chat, 'unread') });
	// WAHA reads the chat's newest `messages` of the last `days` (its defaults are 30 and 7) and answers `{ ids }`.
	markChatRead = (chat: ChatRef) =>
		this.answer({ method: 'POST', path: this.chatPath(chat, 'messages', 'read'), body: MARK_READ_RANGE, expect: 'json' });
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

	async listLabels(): Promise<LabelSummary[]> {
		const data = await this.send({ method: 'GET', path: ['api', this.session, 'labels'], expect: 'json' });
		return wahaList(data, 'labels').map(toLabelSummary);
	}

	async getChatLabels(chat: ChatRef): Promise<ChatLabels> {
		const raw = await this.send({ method: 'GET', path: this.chatLabelsPath(chat), trailingSlash: true, expect: 'json' });
		return { labels: wahaList(raw, 'labels').map(toLabelSummary).map(({ id, name }) => ({ id, name })), raw };
	}

	addChatLabel = (chat: ChatRef, label: LabelSummary) => this.changeChatLabels(chat, label, true);
	removeChatLabel = (chat: ChatRef, label: LabelSummary) => this.changeChatLabels(chat, label, false);

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

	/** The labels that name chat rows' label ids, read once per execution (all pages share it). */
	private readonly labelNames = new LookupMemo<LabelSummary[]>();

	/** Label writes of one chat, one at a time: WAHA's PUT replaces the chat's whole list. */
	private readonly labelWrites = new KeyedQueue();

	/**
	 * WAHA's `PUT …/labels/chats/{chat}/` replaces the chat's labels: read them, change one, write
	 * the whole list back, one chat at a time within the execution, so the other labels (also one
	 * another item of the batch adds at the same time) stay. No change needed: no write.
	 */
	private changeChatLabels(chat: ChatRef, label: LabelSummary, add: boolean): Promise<BackendAnswer> {
		return this.labelWrites.run(chat.jid, async () => {
			const current = await this.getChatLabels(chat);
			const ids = current.labels.map((known) => known.id);
			const present = ids.includes(label.id);
			if (present === add) {
				return {
					raw: current.raw,
					note: add ? `Label "${label.name}" was already on the chat; nothing was changed` : `Label "${label.name}" was not on the chat; nothing was changed`,
				};
			}
			const next = add ? [...ids, label.id] : ids.filter((id) => id !== label.id);
			const raw = await this.send({ method: 'PUT', path: this.chatLabelsPath(chat), trailingSlash: true, body: { labels: next.map((id) => ({ id })) } });
			return { raw };
		});
	}

	/** WAHA's route is `/labels/chats/{chat}/`, with the trailing slash. */
	private chatLabelsPath(chat: ChatRef): string[] {
		return ['api', this.session, 'labels', 'chats', this.formatChatId(chat)];
	}

	/** Phone number ↔ LID look-ups, once per id per execution (also while in flight). */
	private readonly identities = new LookupMemo<Identity>();
	/** Set once the engine answered a LID route as a route it lacks (404 "Cannot GET", 501): not asked again. */
	private lidRoutesMissing = false;

	/** Whether a person JID WAHA gave is `chat` under its other id (a LID found for a phone number, or the reverse). */
	private async sameChat(jid: string | null, chat: ChatRef): Promise<boolean> {
		const ours = mergeIdentities(chat.identity, identityOf(chat.jid));
		const theirs = identityOf(jid);
		if (sameIdentity(theirs, ours)) return true;
		if (!jid || (!theirs.lid && !theirs.phone) || (!ours.lid && !ours.phone)) return false;
		return sameIdentity(mergeIdentities(theirs, await this.identityOf(parseChatId(jid))), ours);
	}

	/**
	 * Look-ups for a list's rows: the first alone (an engine without the routes is then known and
	 * asked no more), the rest a few at a time.
	 */
	private async eachLookup<T>(rows: T[], lookUp: (row: T) => Promise<void>): Promise<void> {
		if (rows.length === 0 || this.lidRoutesMissing) return;
		await lookUp(rows[0]);
		for (let start = 1; start < rows.length && !this.lidRoutesMissing; start += LID_LOOKUP_CONCURRENCY) {
			await Promise.all(rows.slice(start, start + LID_LOOKUP_CONCURRENCY).map(lookUp));
		}
	}

	/**
	 * What WAHA knows of a person's other id: `GET /api/{session}/lids/{lid}` for a LID,
	 * `GET /api/{session}/lids/pn/{phone}` for a phone number. Engines without the routes, and ids
	 * WAHA does not know, give what the id itself says (the other form null); the item goes on.
	 */
	private identityOf(chat: ChatRef): Promise<Identity> {
		const own = identityOf(chat.jid);
		if (this.lidRoutesMissing) return Promise.resolve(own);
		return this.identities.get(chat.jid, async () => {
			const path = chat.server === 'lid' ? ['api', this.session, 'lids', chat.jid] : ['api', this.session, 'lids', 'pn', toCus(chat.jid)];
			let data: unknown;
			try {
				// An engine without the route may answer 5xx: its answer, not worth retrying.
				data = await this.send({ method: 'GET', path, expect: 'json', isFinal: () => true });
			} catch (error) {
				if (!(error instanceof GatewayError) || !['notFound', 'unsupported', 'rejected', 'server'].includes(error.kind)) throw error;
				const status = error.details.httpStatus;
				if (status === 501 || status === 405 || (status === 404 && /cannot (get|find)/i.test(error.details.gatewayMessage ?? ''))) this.lidRoutesMissing = true;
				return own;
			}
			const answer = (data ?? {}) as { lid?: unknown; pn?: unknown };
			const found = identityOf(answer.lid, answer.pn);
			// Only an answer about this very id counts.
			return sameIdentity(found, own) ? mergeIdentities(own, found) : own;
		});
	}

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
	 * offer it (`GET /api/{session}/chats/all/messages/{id}`, GOWS and NOWEB), or, for a chat given
	 * by phone number that WAHA keeps under its LID, from the LID chat's recent messages.
	 */
	private async complete(message: MessageRef): Promise<MessageRef> {
		if (message.fromMe !== undefined) return message;
		const found = (await this.amongRecent(message)) ?? (await this.byBareId(message)) ?? (await this.amongRecentOfLid(message));
		if (!found) {
			throw new GatewayError(
				this.label,
				'notFound',
				`Message "${message.id}" is not among the last ${MESSAGE_LOOKUP_DEPTH} messages of chat ${this.formatChatId(message.chat)}; ` +
					'give its full WAHA id instead, e.g. true_123@c.us_3EB0C767D26A1A8E',
			);
		}
		// A message found in the chat's LID form: the chat's identity now includes that LID.
		const foundIn = identityOf(canonicalJid(found.parts.chat));
		const identity = sameIdentity(foundIn, identityOf(message.chat.jid)) ? undefined : (await this.identities.peek(message.chat.jid)?.catch(() => undefined));
		return {
			...message,
			...(identity?.lid && identity.lid === foundIn.lid ? { chat: { ...message.chat, identity: mergeIdentities(message.chat.identity, identity) } } : {}),
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

	/**
	 * The only use of `GET /api/{session}/lids/pn/{phone}`: a bare id not found in a phone-number
	 * chat (nor by the engine's look-up by bare id, which WEBJS lacks) may be in the chat WAHA keeps
	 * under the person's LID; the LID is asked for once per number per execution, its messages read
	 * once. Elsewhere a phone number is given to WAHA as it is (its engines map it themselves).
	 */
	private async amongRecentOfLid(message: MessageRef): Promise<FoundMessage | undefined> {
		if (message.chat.server !== 's.whatsapp.net') return undefined;
		const identity = await this.identityOf(message.chat);
		if (!identity.lid) return undefined;
		// With what is known of it, so its rows need no look-up of their own.
		const lidChat: ChatRef = { ...parseChatId(identity.lid), identity };
		const recent = await this.recentMessages.get(lidChat.jid, () => this.listMessages(lidChat, { limit: MESSAGE_LOOKUP_DEPTH, offset: 0, downloadMedia: false }));
		return findIn(recent, message.id);
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
		// The same chat under its other id (phone number ↔ LID, as WAHA's look-up says) is still this chat.
		if (chat !== message.chat.jid && !(await this.sameChat(chat, message.chat))) {
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

/** The WhatsApp id inside a serialized WAHA id (for file names). */
function wahaBareId(id: string): string {
	return splitWahaMessageId(id)?.id ?? id;
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
