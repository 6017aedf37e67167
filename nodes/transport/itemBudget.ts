/**
 * The time budget of one input item: every request the item makes (look-ups, the action, their
 * retries and the waits between them) must end before the item's deadline. The router opens a
 * budget per item; requests made outside one get a budget of their own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface ItemBudget {
	/** `Date.now()` past which nothing more is sent or awaited for the item (fixed at first read). */
	readonly deadline: number;
	/** The whole budget, for messages. */
	totalMs: number;
}

const current = new AsyncLocalStorage<ItemBudget>();

/**
 * Runs `work` with a budget of `totalMs` shared by every request it makes. The clock starts with
 * the item's first request (its checks before that are not network time), so a first attempt
 * always gets the whole Timeout.
 */
export function withItemBudget<T>(totalMs: number, work: () => Promise<T>): Promise<T> {
	let deadline: number | undefined;
	const budget: ItemBudget = {
		totalMs,
		get deadline() {
			return (deadline ??= Date.now() + totalMs);
		},
	};
	return current.run(budget, work);
}

/** The budget of the item being worked on, if the caller opened one. */
export function currentItemBudget(): ItemBudget | undefined {
	return current.getStore();
}

/** How much an item may spend in all: one full Timeout per attempt. */
export function itemBudgetMs(timeoutMs: number, maxRetries: number): number {
	return timeoutMs * (maxRetries + 1);
}
