/**
 * The time budget of one input item: every request the item makes (look-ups, the action, their
 * retries and the waits between them) must end before the item's deadline. The router opens a
 * budget per item; requests made outside one get a budget of their own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface ItemBudget {
	/** `Date.now()` past which nothing more is sent or awaited for the item. */
	deadline: number;
	/** The whole budget, for messages. */
	totalMs: number;
}

const current = new AsyncLocalStorage<ItemBudget>();

/** Runs `work` with a budget of `totalMs` shared by every request it makes. */
export function withItemBudget<T>(totalMs: number, work: () => Promise<T>): Promise<T> {
	return current.run({ deadline: Date.now() + totalMs, totalMs }, work);
}

/** The budget of the item being worked on, if the caller opened one. */
export function currentItemBudget(): ItemBudget | undefined {
	return current.getStore();
}

/** How much an item may spend in all: one full Timeout per attempt. */
export function itemBudgetMs(timeoutMs: number, maxRetries: number): number {
	return timeoutMs * (maxRetries + 1);
}
