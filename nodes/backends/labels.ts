/**
 * Rules every backend shares for WhatsApp Business labels: colour index → name, finding a label
 * by id or name (one labels read per execution), and one label write at a time per chat.
 */
import { GatewayError } from './errors';
import type { ChatLabel, ChatSummary, LabelSummary, WhatsAppBackend } from './WhatsAppBackend';

/** WhatsApp offers 20 label colours, numbered 0–19 (Baileys' `LabelColor.Color1` … `Color20`). */
export const LABEL_COLOR_COUNT = 20;

/** "Color 1" … "Color 20" for WhatsApp's colour index 0–19; null for anything else. */
export function labelColorName(color: number | null): string | null {
	return color !== null && Number.isInteger(color) && color >= 0 && color < LABEL_COLOR_COUNT ? `Color ${color + 1}` : null;
}

/** A colour index from a wire value (number or numeric string), or null. */
export function labelColorOf(value: unknown): number | null {
	const color = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof color === 'number' && Number.isInteger(color) ? color : null;
}

export function labelSummary(id: unknown, name: unknown, color: unknown, colorHex: unknown, raw: unknown): LabelSummary {
	const index = labelColorOf(color);
	return {
		id: String(id ?? ''),
		name: typeof name === 'string' ? name : '',
		color: index,
		colorName: labelColorName(index),
		colorHex: typeof colorHex === 'string' && colorHex ? colorHex : null,
		raw,
	};
}

/** How a label was given: picked from the list or typed as an id, or typed as a name. */
export interface LabelRef {
	by: 'id' | 'name';
	value: string;
}

/** How many label names an "unknown label" error lists. */
const NAMES_LISTED = 10;

/** The labels of one backend, read once per execution (items share the read, also while it is in flight). */
const directories = new WeakMap<WhatsAppBackend, Promise<LabelSummary[]>>();

export function labelsOf(backend: WhatsAppBackend): Promise<LabelSummary[]> {
	let known = directories.get(backend);
	if (!known) {
		known = backend.listLabels();
		directories.set(backend, known);
		// A failed read is forgotten: the next item asks again.
		known.catch(() => directories.delete(backend));
	}
	return known;
}

/** The label `ref` names, or a notFound error naming it and the labels there are. */
export async function resolveLabel(backend: WhatsAppBackend, ref: LabelRef): Promise<LabelSummary> {
	const labels = await labelsOf(backend);
	const wanted = ref.value.trim();
	const found =
		ref.by === 'id'
			? labels.find((label) => label.id === wanted)
			: (labels.find((label) => label.name === wanted) ?? labels.find((label) => label.name.toLowerCase() === wanted.toLowerCase()));
	if (found) return found;
	throw new GatewayError(backend.label, 'notFound', `${backend.label} knows no label with ${ref.by === 'id' ? 'ID' : 'name'} "${wanted}": ${describeLabels(labels)}`);
}

function describeLabels(labels: LabelSummary[]): string {
	if (labels.length === 0) return 'the account has no labels (labels need WhatsApp Business; create them in the WhatsApp Business app)';
	const listed = labels.slice(0, NAMES_LISTED).map((label) => `"${label.name}" (ID ${label.id})`);
	const more = labels.length > NAMES_LISTED ? ` and ${labels.length - NAMES_LISTED} more` : '';
	return `the labels are ${listed.join(', ')}${more}; pick one from the list`;
}

/**
 * Runs tasks one after another per key (a chat): a read-change-write of one chat's labels never
 * overlaps another of the same chat. Holds an entry per key only while its tasks run.
 */
export class KeyedQueue {
	private readonly tails = new Map<string, Promise<unknown>>();

	run<T>(key: string, task: () => Promise<T>): Promise<T> {
		const before = this.tails.get(key) ?? Promise.resolve();
		const result = before.then(task, task);
		const tail = result.catch(() => undefined);
		this.tails.set(key, tail);
		void tail.then(() => {
			if (this.tails.get(key) === tail) this.tails.delete(key);
		});
		return result;
	}
}

/** Label ids a gateway's chat row carries (`labels: ['1', …]` or `[{ id, name }]`), unnamed where it says no name; null without a list. */
export function chatLabelIdsOf(value: unknown): ChatLabel[] | null {
	if (!Array.isArray(value)) return null;
	return value.map((label) => {
		const item = typeof label === 'object' && label !== null ? (label as { id?: unknown; labelId?: unknown; name?: unknown }) : undefined;
		const id = item ? (item.labelId ?? item.id) : label;
		return { id: String(id ?? ''), name: typeof item?.name === 'string' ? item.name : null };
	});
}

/**
 * Names the label ids of chat rows from one labels read (only when some row has an unnamed one);
 * if that read fails the ids stay, unnamed: a chat list never fails for its labels.
 */
export async function nameChatLabels(chats: ChatSummary[], readLabels: () => Promise<LabelSummary[]>): Promise<void> {
	if (!chats.some((chat) => chat.labels?.some((label) => label.name === null))) return;
	let names: Map<string, string>;
	try {
		names = new Map((await readLabels()).map((label) => [label.id, label.name]));
	} catch {
		return;
	}
	for (const chat of chats) {
		if (chat.labels) chat.labels = chat.labels.map((label) => ({ id: label.id, name: label.name ?? names.get(label.id) ?? null }));
	}
}
