/**
 * The state waiter of an embedded session: operations wait here until the connection reaches the
 * state they need (open, a pairing QR, logged out) or fail at their timeout. Every state change
 * re-checks every waiting condition.
 */
export class StateWaiter {
	private readonly waiters = new Set<() => void>();

	/** Something changed: every waiting condition is checked again. */
	notify(): void {
		for (const waiter of [...this.waiters]) waiter();
	}

	/** Resolves with `check()`'s first defined value (re-checked on every change); `check` may throw. */
	waitUntil<T>(check: () => T | undefined, timeoutMs: number, onTimeout: () => Error): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			const finish = (outcome: () => void) => {
				this.waiters.delete(recheck);
				clearTimeout(timer);
				outcome();
			};
			const recheck = () => {
				try {
					const value = check();
					if (value !== undefined) finish(() => resolve(value));
				} catch (error) {
					finish(() => reject(error));
				}
			};
			const timer = setTimeout(() => finish(() => reject(onTimeout())), timeoutMs);
			timer.unref();
			this.waiters.add(recheck);
			recheck();
		});
	}
}
