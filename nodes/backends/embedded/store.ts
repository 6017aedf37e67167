/**
 * The local store of an embedded session: chats and their recent messages, fed by Baileys events
 * (see storeFeed). Bounded in chats and messages, saved atomically a moment after each change,
 * and reloaded on restart. It answers Chat Get Many / Get Messages, gives chat modifications the
 * `lastMessages` WhatsApp needs and completes a bare message id into a full key.
 */
import { MUTED_ALWAYS } from './ChatChange';
import { IdentityBook, lidOfJid, phoneOfJid } from '../identity';
import type { FileCipher } from './sessionCrypto';
import { loadStoreFile, saveStoreFile } from './storeFile';

export interface StoredKey {
	remoteJid: string;
	id: string;
	fromMe: boolean;
	/** Sender of a group message. */
	participant?: string;
}

export interface StoredMessage {
	key: StoredKey;
	/** Unix seconds. */
	timestamp: number;
	text: string | null;
	hasMedia: boolean;
	pushName?: string;
	starred?: boolean;
	/** Pinned in the chat (by a pin message naming it). */
	pinned?: boolean;
	edited?: boolean;
	revoked?: boolean;
	/** What downloading the message's media needs (see storedMediaOf), bounded in size. */
	media?: StoredMedia;
}

/** A media message's download details as WhatsApp sent them (binary fields base64). */
export interface StoredMedia {
	/** Baileys' media type: `image`, `video`, `audio`, `document`, `sticker`, `ptv`. */
	type: string;
	mimeType: string | null;
	fileName: string | null;
	fileSize: number | null;
	/** 32 bytes: the HKDF input of the file's keys. Never output. */
	mediaKey: string;
	directPath: string | null;
	url: string | null;
	/** SHA-256 of the plain file and of the encrypted blob, when WhatsApp gave them. */
	fileSha256: string | null;
	fileEncSha256: string | null;
}

/** A WhatsApp Business label, as Baileys' `labels.edit` gave it. */
export interface StoredLabel {
	id: string;
	name: string;
	/** WhatsApp's colour index, 0–19. */
	color: number | null;
	deleted: boolean;
	predefinedId?: string;
}

export interface StoredChat {
	id: string;
	name: string | null;
	archived: boolean | null;
	pinned: boolean | null;
	unreadCount: number | null;
	/** Marked unread by hand (WhatsApp's unreadCount -1). */
	markedUnread?: boolean;
	/** Unix seconds the chat is muted until, MUTED_ALWAYS for always, null when not muted; absent when unknown. */
	mutedUntil?: number | null;
	/** Ids of the labels on the chat (WhatsApp Business), as WhatsApp reported them. */
	labels?: string[];
	/** Newest message; kept when the messages are cleared, since WhatsApp still counts it. */
	lastMessage: { key: StoredKey; timestamp: number } | null;
	/** Oldest first. */
	messages: StoredMessage[];
}

export interface StoreLimits {
	maxChats: number;
	maxMessagesPerChat: number;
	maxMessages: number;
	/** How long changes wait before they are written (several changes share a write). */
	saveDelayMs: number;
	/** LID ↔ phone-number pairs kept (learnt from messages, mappings and history); the oldest go first. */
	maxIdentities: number;
}

export const DEFAULT_STORE_LIMITS: StoreLimits = { maxChats: 2000, maxMessagesPerChat: 50, maxMessages: 20_000, saveDelayMs: 1000, maxIdentities: 20_000 };

/** Labels kept at most (WhatsApp Business offers a few dozen; deleted ones are dropped). */
export const MAX_LABELS = 1000;

interface StoreFile {
	version: 1;
	chats: StoredChat[];
	/** Other JIDs of a chat (written before identities were kept; read into them). */
	aliases: Record<string, string>;
	/** Absent in files written before labels were kept. */
	labels?: StoredLabel[];
	/** `[lid, phone digits]` pairs, oldest first. */
	identities?: Array<[string, string]>;
}

/** Whether a stored chat is muted now (null when the store does not know). */
export function isMuted(chat: Pick<StoredChat, 'mutedUntil'>, nowSeconds = Date.now() / 1000): boolean | null {
	if (chat.mutedUntil === undefined) return null;
	return chat.mutedUntil === MUTED_ALWAYS || (chat.mutedUntil !== null && chat.mutedUntil > nowSeconds);
}

export type ChatFieldChange = Partial<Pick<StoredChat, 'name' | 'archived' | 'pinned' | 'mutedUntil'>> & {
	/** > 0 adds that many unread messages, 0 marks read, -1 marks unread (as Baileys reports them). */
	unreadDelta?: number;
	/** Absolute unread count, from history or chat lists. */
	unreadCount?: number;
};

export class ChatStore {
	private readonly chats = new Map<string, StoredChat>();
	/** Who is who: LID ↔ phone number, bounded; a chat is found under either of its JIDs. */
	readonly identities: IdentityBook;
	/** WhatsApp Business labels by id (not deleted ones). */
	private readonly labelsById = new Map<string, StoredLabel>();
	private messageCount = 0;
	private saveTimer: NodeJS.Timeout | undefined;
	private saving: Promise<void> | undefined;
	private dirty = false;
	private closed = false;
	/** Why the saved store could not be used (kept aside); said once in Session Status. */
	notice: string | undefined;
	/** The last failed write, until a write succeeds again (shown in Session Status). */
	private writeFailure: { error: Error; at: string } | undefined;

	private constructor(
		private readonly file: string,
		readonly limits: StoreLimits,
		private readonly cipher: FileCipher | undefined,
	) {
		this.identities = new IdentityBook(limits.maxIdentities);
	}

	/** `cipher` seals the file (a session always passes its own); without it the file is plain JSON. */
	static async open(file: string, limits: Partial<StoreLimits> = {}, cipher?: FileCipher): Promise<ChatStore> {
		const store = new ChatStore(file, { ...DEFAULT_STORE_LIMITS, ...limits }, cipher);
		const loaded = await loadStoreFile(file, cipher);
		store.notice = loaded.notice;
		const saved = loaded.saved as StoreFile | undefined;
		for (const chat of saved?.chats ?? []) {
			store.chats.set(chat.id, chat);
			store.messageCount += chat.messages.length;
		}
		for (const [alias, id] of Object.entries(saved?.aliases ?? {})) store.identities.learnFrom(alias, id);
		for (const pair of Array.isArray(saved?.identities) ? saved.identities : []) {
			if (Array.isArray(pair)) store.identities.learn(pair[0], pair[1]);
		}
		for (const label of saved?.labels ?? []) store.labelsById.set(label.id, label);
		return store;
	}

	/** The JID the store knows the chat by (its other form, phone number ↔ LID, when only that one is stored). */
	resolveChatId(jid: string): string {
		if (this.chats.has(jid)) return jid;
		const other = this.identities.otherJid(jid);
		return other && this.chats.has(other) ? other : jid;
	}

	getChat(jid: string): StoredChat | undefined {
		return this.chats.get(this.resolveChatId(jid));
	}

	/** Chats with the most recent activity first. */
	listChats(page: { limit: number; offset: number }): StoredChat[] {
		return [...this.chats.values()].sort(byActivity).slice(page.offset, page.offset + page.limit);
	}

	/** Newest first. */
	listMessages(jid: string, page: { limit: number; offset: number }): StoredMessage[] {
		const messages = this.getChat(jid)?.messages ?? [];
		return [...messages].reverse().slice(page.offset, page.offset + page.limit);
	}

	findMessage(jid: string, id: string): StoredMessage | undefined {
		return this.getChat(jid)?.messages.find((message) => message.key.id === id);
	}

	/** What chat modifications send as `lastMessages`: the chat's newest message, or nothing. */
	lastMessages(jid: string): Array<{ key: StoredKey; messageTimestamp: number }> {
		const last = this.getChat(jid)?.lastMessage;
		return last ? [{ key: { ...last.key }, messageTimestamp: last.timestamp }] : [];
	}

	/**
	 * Keys of the chat's unread received messages, newest first: as many of its newest received
	 * messages as its unread count says (those the store still holds).
	 */
	unreadMessages(jid: string): StoredKey[] {
		const chat = this.getChat(jid);
		let left = Math.max(chat?.unreadCount ?? 0, 0);
		const keys: StoredKey[] = [];
		for (let at = (chat?.messages.length ?? 0) - 1; at >= 0 && left > 0; at--) {
			const message = chat!.messages[at];
			if (message.key.fromMe) continue;
			keys.push({ ...message.key });
			left--;
		}
		return keys;
	}

	/** Another JID of the chat `jid` (phone number ↔ LID): learnt as one identity. */
	addAlias(alias: string, jid: string): void {
		if (alias !== jid) this.learnIdentity(alias, jid);
	}

	/**
	 * Learns that two JIDs (a LID and a phone-number JID, either order) are one person. When the
	 * store holds a chat under each, they become one chat: the one with the newer activity keeps
	 * its id, the other's messages and known fields join it.
	 */
	learnIdentity(a: string, b: string): void {
		const [lid, pn] = lidOfJid(a) ? [a, b] : [b, a];
		if (!lidOfJid(lid) || !phoneOfJid(pn)) return;
		if (!this.identities.learn(lid, pn)) return;
		const lidChat = this.chats.get(lidOfJid(lid)!);
		const pnChat = this.chats.get(`${phoneOfJid(pn)}@s.whatsapp.net`);
		if (lidChat && pnChat) this.mergeChats(lidChat, pnChat);
		this.changed();
	}

	private mergeChats(a: StoredChat, b: StoredChat): void {
		const [keep, gone] = byActivity(a, b) <= 0 ? [a, b] : [b, a];
		this.chats.delete(gone.id);
		keep.name ??= gone.name;
		keep.archived ??= gone.archived;
		keep.pinned ??= gone.pinned;
		keep.unreadCount = keep.unreadCount === null && gone.unreadCount === null ? null : (keep.unreadCount ?? 0) + (gone.unreadCount ?? 0);
		keep.markedUnread = keep.markedUnread || gone.markedUnread || undefined;
		if (!keep.lastMessage || (gone.lastMessage && gone.lastMessage.timestamp > keep.lastMessage.timestamp)) keep.lastMessage = gone.lastMessage;
		const ids = new Set(keep.messages.map((message) => message.key.id));
		const joined = [...keep.messages, ...gone.messages.filter((message) => !ids.has(message.key.id))];
		joined.sort((x, y) => x.timestamp - y.timestamp);
		keep.messages = joined;
		this.messageCount = [...this.chats.values()].reduce((sum, chat) => sum + chat.messages.length, 0);
		this.trimChat(keep);
	}

	upsertChat(jid: string, change: ChatFieldChange = {}): StoredChat {
		const id = this.resolveChatId(jid);
		let chat = this.chats.get(id);
		if (!chat) {
			chat = { id, name: null, archived: null, pinned: null, unreadCount: null, lastMessage: null, messages: [] };
			this.chats.set(id, chat);
			this.evictChats(id);
		}
		if (change.name !== undefined && change.name !== null) chat.name = change.name;
		if (change.archived !== undefined) chat.archived = change.archived;
		if (change.pinned !== undefined) chat.pinned = change.pinned;
		if (change.mutedUntil !== undefined) chat.mutedUntil = change.mutedUntil;
		if (change.unreadCount !== undefined) chat.unreadCount = change.unreadCount;
		if (change.unreadDelta !== undefined) applyUnread(chat, change.unreadDelta);
		this.changed();
		return chat;
	}

	deleteChat(jid: string): void {
		const chat = this.getChat(jid);
		if (!chat) return;
		this.messageCount -= chat.messages.length;
		this.chats.delete(chat.id);
		this.changed();
	}

	/** Drops the messages but keeps the last-message reference WhatsApp still needs. */
	clearMessages(jid: string): void {
		const chat = this.getChat(jid);
		if (!chat) return;
		this.messageCount -= chat.messages.length;
		chat.messages = [];
		this.changed();
	}

	addMessage(message: StoredMessage): void {
		const chat = this.upsertChat(message.key.remoteJid);
		const stored: StoredMessage = { ...message, key: { ...message.key } };
		const existing = chat.messages.findIndex((m) => m.key.id === stored.key.id);
		if (existing !== -1) {
			chat.messages[existing] = { ...chat.messages[existing], ...stored };
		} else {
			// Keep oldest-first order even when history arrives after live messages.
			let at = chat.messages.length;
			while (at > 0 && chat.messages[at - 1].timestamp > stored.timestamp) at--;
			chat.messages.splice(at, 0, stored);
			this.messageCount++;
		}
		if (!chat.lastMessage || stored.timestamp >= chat.lastMessage.timestamp) {
			chat.lastMessage = { key: { ...stored.key }, timestamp: stored.timestamp };
		}
		if (stored.pushName && !stored.key.fromMe && !chat.name && !chat.id.endsWith('@g.us')) chat.name = stored.pushName;
		this.trimChat(chat);
		this.evictMessages();
		this.changed();
	}

	updateMessage(jid: string, id: string, change: Partial<Omit<StoredMessage, 'key'>>): boolean {
		const message = this.findMessage(jid, id);
		if (!message) return false;
		Object.assign(message, change);
		this.changed();
		return true;
	}

	removeMessage(jid: string, id: string): void {
		const chat = this.getChat(jid);
		const index = chat?.messages.findIndex((m) => m.key.id === id) ?? -1;
		if (!chat || index === -1) return;
		chat.messages.splice(index, 1);
		this.messageCount--;
		this.changed();
	}

	/** Labels WhatsApp reported (sorted by id, as WhatsApp numbers them). */
	listLabels(): StoredLabel[] {
		return [...this.labelsById.values()].sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id));
	}

	get labelCount(): number {
		return this.labelsById.size;
	}

	getLabel(id: string): StoredLabel | undefined {
		return this.labelsById.get(id);
	}

	/** A label made or changed; a deleted one is forgotten and taken off every chat. */
	putLabel(label: StoredLabel): void {
		if (label.deleted) {
			this.labelsById.delete(label.id);
			for (const chat of this.chats.values()) if (chat.labels?.includes(label.id)) chat.labels = chat.labels.filter((id) => id !== label.id);
		} else {
			const known = this.labelsById.get(label.id);
			// Baileys reports an edit with what changed; keep what it did not say.
			this.labelsById.set(label.id, { ...known, ...label, name: label.name || known?.name || '', color: label.color ?? known?.color ?? null });
			if (this.labelsById.size > MAX_LABELS) this.labelsById.delete(this.labelsById.keys().next().value as string);
		}
		this.changed();
	}

	/** Puts a label on a chat or takes it off. */
	setChatLabel(jid: string, labelId: string, on: boolean): void {
		const chat = on ? this.upsertChat(jid) : this.getChat(jid);
		if (!chat) return;
		const labels = (chat.labels ?? []).filter((id) => id !== labelId);
		chat.labels = on ? [...labels, labelId] : labels;
		this.changed();
	}

	get size(): { chats: number; messages: number } {
		return { chats: this.chats.size, messages: this.messageCount };
	}

	/** Writes pending changes now. */
	async flush(): Promise<void> {
		if (this.saveTimer) clearTimeout(this.saveTimer);
		this.saveTimer = undefined;
		while (this.saving) await this.saving;
		if (!this.dirty) return;
		this.dirty = false;
		this.saving = saveStoreFile(this.file, this.snapshot(), this.cipher).finally(() => (this.saving = undefined));
		try {
			await this.saving;
			this.writeFailure = undefined;
		} catch (error) {
			this.dirty = true; // written again with the next change, flush or close
			this.writeFailure = { error: error as Error, at: new Date().toISOString() };
			throw error;
		}
	}

	/** Set while the store's file cannot be written (disk full, a folder in the way, permissions). */
	get lastWriteFailure(): { error: Error; at: string } | undefined {
		return this.writeFailure;
	}

	/** Final write; later changes (from a socket still shutting down) are kept in memory only. */
	async close(): Promise<void> {
		await this.flush();
		this.closed = true;
	}

	private snapshot(): StoreFile {
		return { version: 1, chats: [...this.chats.values()], aliases: {}, identities: this.identities.pairs(), labels: [...this.labelsById.values()] };
	}

	private changed(): void {
		this.dirty = true;
		if (this.closed || this.saveTimer) return;
		this.saveTimer = setTimeout(() => {
			this.saveTimer = undefined;
			// A failed save stays dirty and is retried with the next change or at close.
			this.flush().catch(() => (this.dirty = true));
		}, this.limits.saveDelayMs);
		this.saveTimer.unref();
	}

	private trimChat(chat: StoredChat): void {
		const excess = chat.messages.length - this.limits.maxMessagesPerChat;
		if (excess > 0) {
			chat.messages.splice(0, excess);
			this.messageCount -= excess;
		}
	}

	/** Over the total limit: drop the oldest messages of the least recently active chats. */
	private evictMessages(): void {
		if (this.messageCount <= this.limits.maxMessages) return;
		const chats = [...this.chats.values()].filter((chat) => chat.messages.length > 0).sort(byActivity).reverse();
		for (const chat of chats) {
			while (this.messageCount > this.limits.maxMessages && chat.messages.length > 0) {
				chat.messages.shift();
				this.messageCount--;
			}
			if (this.messageCount <= this.limits.maxMessages) return;
		}
	}

	/** Over the chat limit: drop the least recently active chats (never the one just added). */
	private evictChats(keep: string): void {
		if (this.chats.size <= this.limits.maxChats) return;
		const others = [...this.chats.values()].filter((chat) => chat.id !== keep).sort(byActivity);
		const oldest = others.slice(this.limits.maxChats - 1);
		for (const chat of oldest) this.deleteChat(chat.id);
	}
}

function activityOf(chat: StoredChat): number {
	return chat.lastMessage?.timestamp ?? 0;
}

function byActivity(a: StoredChat, b: StoredChat): number {
	return activityOf(b) - activityOf(a) || a.id.localeCompare(b.id);
}

function applyUnread(chat: StoredChat, delta: number): void {
	if (delta > 0) {
		chat.unreadCount = (chat.unreadCount ?? 0) + delta;
	} else if (delta === 0) {
		chat.unreadCount = 0;
		chat.markedUnread = false;
	} else {
		chat.markedUnread = true;
	}
}
