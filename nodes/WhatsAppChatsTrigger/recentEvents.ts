/**
 * Remembers the events a trigger emitted for a while, so a change delivered twice (gateway
 * retries, `message` + `message.any`, Baileys re-emitting) starts one execution only.
 */
import type { ChatEvent } from '../backends/events';

const MAX_KEYS = 10_000;

export class RecentEvents {
	private readonly seen = new Map<string, number>();

	constructor(private readonly windowMs: number) {}

	/** Returns the events not seen within the window, and remembers them. */
	keepNew(events: ChatEvent[], nowMs = Date.now()): ChatEvent[] {
		this.forgetOlderThan(nowMs - this.windowMs);
		return events.filter((event) => {
			if (this.seen.has(event.dedupeKey)) return false;
			this.seen.set(event.dedupeKey, nowMs);
			if (this.seen.size > MAX_KEYS) this.seen.delete(this.seen.keys().next().value as string);
			return true;
		});
	}

	private forgetOlderThan(cutoffMs: number): void {
		// Insertion order is time order, so the oldest keys come first.
		for (const [key, seenAt] of this.seen) {
			if (seenAt >= cutoffMs) break;
			this.seen.delete(key);
		}
	}
}

const byTrigger = new Map<string, RecentEvents>();

/** One memory per trigger node, shared by all its webhook calls in this process. */
export function recentEventsOf(workflowId: string, nodeId: string, windowMs: number): RecentEvents {
	const key = `${workflowId}/${nodeId}/${windowMs}`;
	let recent = byTrigger.get(key);
	if (!recent) byTrigger.set(key, (recent = new RecentEvents(windowMs)));
	return recent;
}
