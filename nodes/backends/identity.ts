/**
 * Who a chat or a person is, in the two notations WhatsApp uses: the phone number (`phone`, E.164
 * digits without `+`) and the LID (`lid`, the full `<digits>@lid` JID). Every backend fills an
 * `Identity` from what it knows (alt fields of payloads, mappings it learnt, look-ups); unknown stays
 * null, never a guess. n8n-free, shared by all backends, the node's outputs and the trigger.
 */

export interface Identity {
	/** E.164 digits, e.g. `919988066776`; null when not known. */
	phone: string | null;
	/** The LID as a full JID, e.g. `184069530861739@lid`; null when not known. */
	lid: string | null;
}

export const NO_IDENTITY: Identity = Object.freeze({ phone: null, lid: null });

const PN_SERVERS = new Set(['s.whatsapp.net', 'c.us', 'hosted']);
const LID_SERVERS = new Set(['lid', 'hosted.lid']);

/** `user`, `server` of a JID, the device (`:12`) and agent (`_1`) parts dropped; null when not one. */
function splitJid(jid: unknown): { user: string; server: string } | null {
	if (typeof jid !== 'string') return null;
	const at = jid.indexOf('@');
	if (at <= 0) return null;
	const user = jid.slice(0, at).split(':')[0].split('_')[0];
	const server = jid.slice(at + 1).toLowerCase();
	if (!/^\d{1,32}$/.test(user)) return null;
	return { user, server };
}

/** The phone digits of a phone-number JID (`…@s.whatsapp.net`, `…@c.us`), else null. */
export function phoneOfJid(jid: unknown): string | null {
	const parts = splitJid(jid);
	return parts && PN_SERVERS.has(parts.server) ? parts.user : null;
}

/** The LID JID (`<digits>@lid`) of a LID, else null. */
export function lidOfJid(jid: unknown): string | null {
	const parts = splitJid(jid);
	return parts && LID_SERVERS.has(parts.server) ? `${parts.user}@lid` : null;
}

/** What some notations of one person say: any phone-number JID gives `phone`, any LID gives `lid`. */
export function identityOf(...jids: unknown[]): Identity {
	let phone: string | null = null;
	let lid: string | null = null;
	for (const jid of jids) {
		phone ??= phoneOfJid(jid);
		lid ??= lidOfJid(jid);
	}
	return { phone, lid };
}

/** `first`'s values, completed by `second`'s where `first` has none. */
export function mergeIdentities(first: Identity | undefined, second: Identity | undefined): Identity {
	return { phone: first?.phone ?? second?.phone ?? null, lid: first?.lid ?? second?.lid ?? null };
}

/** The canonical JIDs an identity stands for (`<phone>@s.whatsapp.net`, `<lid>`), to match either form. */
export function identityJids(identity: Identity): string[] {
	const jids: string[] = [];
	if (identity.phone) jids.push(`${identity.phone}@s.whatsapp.net`);
	if (identity.lid) jids.push(identity.lid);
	return jids;
}

/** Same person: they share a phone number or a LID. */
export function sameIdentity(a: Identity, b: Identity): boolean {
	return (!!a.phone && a.phone === b.phone) || (!!a.lid && a.lid === b.lid);
}

/** The output fields of a chat, next to `chatId`. */
export function chatIdentityFields(identity: Identity): { phone: string | null; lid: string | null } {
	return { phone: identity.phone, lid: identity.lid };
}

/** The output fields of a sender, next to `from`. */
export function senderIdentityFields(identity: Identity): { fromPhone: string | null; fromLid: string | null } {
	return { fromPhone: identity.phone, fromLid: identity.lid };
}

/**
 * LID ↔ phone-number pairs a backend learnt, bounded: past `maxPairs` the pairs learnt (or
 * confirmed) longest ago are dropped first. Keys are LID JIDs and phone digits.
 */
export class IdentityBook {
	private readonly phoneByLid = new Map<string, string>();
	private readonly lidByPhone = new Map<string, string>();

	constructor(readonly maxPairs = 20_000) {}

	get size(): number {
		return this.phoneByLid.size;
	}

	/** Remembers that `lid` and `phone` are one person; true when that is new. Ignores anything that is not a pair. */
	learn(lidJid: unknown, phoneJidOrDigits: unknown): boolean {
		const lid = lidOfJid(lidJid);
		const phone = typeof phoneJidOrDigits === 'string' && /^\d{5,20}$/.test(phoneJidOrDigits) ? phoneJidOrDigits : phoneOfJid(phoneJidOrDigits);
		if (!lid || !phone) return false;
		const known = this.phoneByLid.get(lid) === phone;
		const oldPhone = this.phoneByLid.get(lid);
		if (oldPhone) this.lidByPhone.delete(oldPhone);
		const oldLid = this.lidByPhone.get(phone);
		if (oldLid) this.phoneByLid.delete(oldLid);
		// Re-inserted, so the most recently confirmed pairs are the last to go.
		this.phoneByLid.delete(lid);
		this.phoneByLid.set(lid, phone);
		this.lidByPhone.set(phone, lid);
		while (this.phoneByLid.size > this.maxPairs) {
			const [oldestLid, oldestPhone] = this.phoneByLid.entries().next().value as [string, string];
			this.phoneByLid.delete(oldestLid);
			this.lidByPhone.delete(oldestPhone);
		}
		return !known;
	}

	/** Learns the pair two notations of one person make (one a LID, the other a phone-number JID), if they do. */
	learnFrom(a: unknown, b: unknown): boolean {
		return lidOfJid(a) ? this.learn(a, b) : this.learn(b, a);
	}

	phoneOf(lid: string | null | undefined): string | null {
		const key = lidOfJid(lid);
		return key ? (this.phoneByLid.get(key) ?? null) : null;
	}

	lidOf(phone: string | null | undefined): string | null {
		return phone ? (this.lidByPhone.get(phone) ?? null) : null;
	}

	/** The other form of a person JID (phone JID ↔ LID) when known, as a canonical JID. */
	otherJid(jid: string): string | null {
		const lid = lidOfJid(jid);
		if (lid) {
			const phone = this.phoneByLid.get(lid);
			return phone ? `${phone}@s.whatsapp.net` : null;
		}
		const phone = phoneOfJid(jid);
		const known = phone ? this.lidByPhone.get(phone) : undefined;
		return known ?? null;
	}

	/** `identity` with what the book knows added. */
	complete(identity: Identity): Identity {
		return {
			phone: identity.phone ?? this.phoneOf(identity.lid),
			lid: identity.lid ?? this.lidOf(identity.phone),
		};
	}

	/** Identity of any notations of one person, completed from the book. */
	identify(...jids: unknown[]): Identity {
		return this.complete(identityOf(...jids));
	}

	/** `[lid, phone]` pairs, oldest first (for saving). */
	pairs(): Array<[string, string]> {
		return [...this.phoneByLid.entries()];
	}
}

/** The identity fields of an output row (Chat → Get Many, Get Messages). */
export interface IdentifiedChatRow {
	id: string;
	phone?: string | null;
	lid?: string | null;
}

/**
 * One row per chat: rows of the same person (its LID row and its phone row) are merged into the
 * first (the list is newest first), its null fields completed from the other's; order is kept.
 */
export function mergeChatRows<T extends IdentifiedChatRow>(rows: T[]): T[] {
	const out: T[] = [];
	const byKey = new Map<string, T>();
	for (const row of rows) {
		const keys = [row.phone ? `p:${row.phone}` : '', row.lid ? `l:${row.lid}` : ''].filter(Boolean);
		const same = keys.map((key) => byKey.get(key)).find(Boolean);
		if (!same) {
			out.push(row);
			for (const key of keys) byKey.set(key, row);
			continue;
		}
		const target = same as unknown as Record<string, unknown>;
		for (const [field, value] of Object.entries(row)) {
			if ((target[field] === null || target[field] === undefined) && value !== null && value !== undefined) target[field] = value;
		}
		for (const key of keys) byKey.set(key, same);
	}
	return out;
}

/** `fields` inserted into `object` right after `after` (so `phone`/`lid` sit next to `chatId`); existing keys replaced in place. */
function placeAfter<T extends object>(object: T, after: string, fields: Record<string, unknown>): T {
	const out: Record<string, unknown> = {};
	let placed = false;
	for (const [key, value] of Object.entries(object)) {
		if (key in fields) continue;
		out[key] = value;
		if (key === after) {
			Object.assign(out, fields);
			placed = true;
		}
	}
	if (!placed) Object.assign(out, fields);
	return out as T;
}

interface ChatRowLike {
	id: string;
	phone?: string | null;
	lid?: string | null;
}

/** A chat row with `phone` and `lid` after `id`: what the backend found, completed from the id itself. */
export function identifiedChatRow<T extends ChatRowLike>(row: T, book?: IdentityBook): T & Identity {
	let identity = mergeIdentities({ phone: row.phone ?? null, lid: row.lid ?? null }, identityOf(row.id));
	if (book) identity = book.complete(identity);
	return placeAfter(row, 'id', chatIdentityFields(identity)) as T & Identity;
}

interface MessageRowLike {
	chatId: string;
	from: string | null;
	phone?: string | null;
	lid?: string | null;
	fromPhone?: string | null;
	fromLid?: string | null;
}

/** A message row with the chat's `phone`/`lid` after `chatId` and the sender's `fromPhone`/`fromLid` after `from`. */
export function identifiedMessageRow<T extends MessageRowLike>(row: T, book?: IdentityBook): T {
	let chat = mergeIdentities({ phone: row.phone ?? null, lid: row.lid ?? null }, identityOf(row.chatId));
	let from = mergeIdentities({ phone: row.fromPhone ?? null, lid: row.fromLid ?? null }, identityOf(row.from));
	if (book) {
		chat = book.complete(chat);
		from = book.complete(from);
	}
	// In a direct chat the sender (when not us) is the chat: each completes the other.
	if (row.from && sameIdentity(chat, from)) {
		chat = mergeIdentities(chat, from);
		from = mergeIdentities(from, chat);
	}
	return placeAfter(placeAfter(row, 'chatId', chatIdentityFields(chat)), 'from', senderIdentityFields(from));
}

interface EventLike {
	chatId: string | null;
	phone?: string | null;
	lid?: string | null;
	data: Record<string, unknown>;
}

/**
 * A trigger event with `phone`/`lid` after `chatId` and, when it names a sender, `fromPhone`/
 * `fromLid` after `data.from`: what the backend set, completed from the ids and the book.
 */
export function identifiedEvent<T extends EventLike>(event: T, book?: IdentityBook): T {
	let chat = mergeIdentities({ phone: event.phone ?? null, lid: event.lid ?? null }, identityOf(event.chatId));
	if (book) chat = book.complete(chat);
	let data = event.data;
	if ('from' in data) {
		let from = mergeIdentities(
			{ phone: (data.fromPhone as string | null | undefined) ?? null, lid: (data.fromLid as string | null | undefined) ?? null },
			identityOf(data.from),
		);
		if (book) from = book.complete(from);
		if (data.from && sameIdentity(chat, from)) {
			chat = mergeIdentities(chat, from);
			from = mergeIdentities(from, chat);
		}
		data = placeAfter(data, 'from', senderIdentityFields(from));
	}
	return { ...placeAfter(event, 'chatId', chatIdentityFields(chat)), data };
}
