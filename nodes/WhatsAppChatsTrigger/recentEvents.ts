/**
 * Remembers the events a trigger emitted for a while, so a change delivered twice (gateway
 * retries, `message` + `message.any`, Baileys re-emitting) starts one execution only. What is
 * remembered leaves only when its window is over, never to make room (a replay could otherwise
 * pass by sending enough other events first), so memory is bounded by the window and a hard size.
 * The memory lives in this process: several webhook processors (queue mode) each have their own.
 */
import { createHash } from 'node:crypto';
import type { ChatEvent } from '../backends/ChatEvent';
import { WebhookRejectedError } from '../backends/WebhookAdapter';

/** Most keys one trigger remembers: about 10 MB, or 166 distinct events a second for 10 minutes. */
export const MAX_REMEMBERED_KEYS = 100_000;

/** The memory is full of keys still within their window: new events are refused (503), not let through twice. */
export class RecentEventsFullError extends WebhookRejectedError {
	constructor(limit: number, windowMs: number) {
		super(
			`Too many different events within the de-duplication window (${limit.toLocaleString('en-US')} in ${Math.round(windowMs / 1000)} s); send again later, or shorten the De-Duplication Window`,
			503,
		);
		this.name = 'RecentEventsFullError';
	}
}

export interface KeepNewOptions {
	nowMs?: number;
	/** The gateway's id of the delivery: a delivery seen before starts nothing, whatever it maps to. */
	deliveryId?: string;
	/** When full: throw RecentEventsFullError (webhooks: the gateway retries later) instead of letting events through unremembered. */
	refuseWhenFull?: boolean;
}

/** Keys are kept as short digests, so a long key (a whole body) costs what a short one does. */
function fingerprint(key: string): string {
	return createHash('sha256').update(key).digest('base64url').slice(0, 22);
}

/**
 * The event's de-dup key, and the same key with the chat written in each of its other known forms
 * (`<phone>@s.whatsapp.net`, `<phone>@c.us`, `<lid>`): the first delivery that knows both forms
 * makes a later one in either form a repeat.
 */
export function dedupeKeysOf(event: ChatEvent): string[] {
	const keys = [event.dedupeKey];
	const chatId = event.chatId;
	if (!chatId || !event.dedupeKey.includes(chatId)) return keys;
	const forms = new Set<string>();
	if (event.phone) {
		forms.add(`${event.phone}@s.whatsapp.net`);
		forms.add(`${event.phone}@c.us`);
	}
	if (event.lid) forms.add(event.lid);
	forms.delete(chatId);
	for (const form of forms) keys.push(event.dedupeKey.split(chatId).join(form));
	return keys;
}

export class RecentEvents {
	/** Fingerprint → when it was first seen; insertion order is time order. */
	private readonly seen = new Map<string, number>();

	constructor(
		private windowMs: number,
		private readonly maxKeys = MAX_REMEMBERED_KEYS,
	) {}

	get size(): number {
		return this.seen.size;
	}

	setWindow(windowMs: number): void {
		this.windowMs = windowMs;
	}

	/** Returns the events not seen within the window (each once), and remembers them. */
	keepNew(events: ChatEvent[], options: KeepNewOptions = {}): ChatEvent[] {
		const nowMs = options.nowMs ?? Date.now();
		this.forgetOlderThan(nowMs - this.windowMs);
		if (this.windowMs <= 0) return events;
		const deliveryKey = options.deliveryId ? fingerprint(`delivery\u0000${options.deliveryId}`) : undefined;
		if (deliveryKey && this.seen.has(deliveryKey)) return [];
		const newKeys = new Set<string>(deliveryKey ? [deliveryKey] : []);
		const fresh = events.filter((event) => {
			// The same change named with the chat's LID or its phone number is one change.
			const keys = dedupeKeysOf(event).map((dedupeKey) => fingerprint(`event\u0000${dedupeKey}`));
			if (keys.some((key) => this.seen.has(key) || newKeys.has(key))) return false;
			for (const key of keys) newKeys.add(key);
			return true;
		});
		if (this.seen.size + newKeys.size > this.maxKeys) {
			if (options.refuseWhenFull) throw new RecentEventsFullError(this.maxKeys, this.windowMs);
			// Not remembered: a repeat of these may pass, but memory stays bounded.
			return fresh;
		}
		for (const key of newKeys) this.seen.set(key, nowMs);
		return fresh;
	}

	/** Forgets what is past its window; true when nothing is left. */
	forgetExpired(nowMs = Date.now()): boolean {
		this.forgetOlderThan(nowMs - this.windowMs);
		return this.seen.size === 0;
	}

	private forgetOlderThan(cutoffMs: number): void {
		for (const [key, seenAt] of this.seen) {
			if (seenAt >= cutoffMs) break;
			this.seen.delete(key);
		}
	}
}

const byTrigger = new Map<string, RecentEvents>();
const SWEEP_EVERY_MS = 60_000;
let lastSweepMs = 0;

/** Memories of triggers that get no more calls (deactivated, deleted) are dropped once their window is over. */
function sweep(nowMs: number): void {
	if (nowMs - lastSweepMs < SWEEP_EVERY_MS) return;
	lastSweepMs = nowMs;
	for (const [key, recent] of byTrigger) if (recent.forgetExpired(nowMs)) byTrigger.delete(key);
}

/** How many triggers have a memory in this process. */
export function rememberedTriggerCount(): number {
	return byTrigger.size;
}

/** One memory per trigger node, shared by all its webhook calls in this process. */
export function recentEventsOf(workflowId: string, nodeId: string, windowMs: number, nowMs = Date.now()): RecentEvents {
	sweep(nowMs);
	const key = `${workflowId}/${nodeId}`;
	let recent = byTrigger.get(key);
	if (!recent) byTrigger.set(key, (recent = new RecentEvents(windowMs)));
	recent.setWindow(windowMs);
	return recent;
}
