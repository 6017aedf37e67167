/**
 * An append-only list that tests can await on. `waitFor` first looks at what is already recorded,
 * so there is no race between triggering an action and starting to wait for its effect.
 */
export class Recorder<T> {
	readonly items: T[] = [];
	private readonly waiters = new Set<{ match: (item: T) => boolean; resolve: (item: T) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

	constructor(private readonly label: string) {}

	push(item: T): void {
		this.items.push(item);
		for (const waiter of [...this.waiters]) {
			if (waiter.match(item)) {
				this.waiters.delete(waiter);
				clearTimeout(waiter.timer);
				waiter.resolve(item);
			}
		}
	}

	waitFor(match: (item: T) => boolean = () => true, timeoutMs = 5000, fromIndex = 0): Promise<T> {
		const existing = this.items.slice(fromIndex).find(match);
		if (existing !== undefined) return Promise.resolve(existing);
		return new Promise<T>((resolve, reject) => {
			const waiter = {
				match,
				resolve,
				reject,
				timer: setTimeout(() => {
					this.waiters.delete(waiter);
					reject(new Error(`fake-whatsapp: timed out after ${timeoutMs} ms waiting for ${this.label}`));
				}, timeoutMs),
			};
			this.waiters.add(waiter);
		});
	}

	/** Rejects all pending waits (server shutdown). */
	cancel(reason: string): void {
		for (const waiter of this.waiters) {
			clearTimeout(waiter.timer);
			waiter.reject(new Error(`fake-whatsapp: ${reason} while waiting for ${this.label}`));
		}
		this.waiters.clear();
	}
}
