/**
 * Look-ups remembered for the life of one backend, which is one execution ("recent messages of
 * chat C", "last message of chat C"): callers asking for the same key share one request, also
 * while it is in flight; a failed look-up is forgotten, so the next caller asks again. Holds one
 * entry per key asked for in the execution, and goes away with the backend.
 */
export class LookupMemo<V> {
	private readonly entries = new Map<string, Promise<V>>();

	get(key: string, load: () => Promise<V>): Promise<V> {
		const known = this.entries.get(key);
		if (known) return known;
		const loading = load();
		this.entries.set(key, loading);
		loading.catch(() => {
			if (this.entries.get(key) === loading) this.entries.delete(key);
		});
		return loading;
	}

	/** What is known or being asked for `key`, if anything. */
	peek(key: string): Promise<V> | undefined {
		return this.entries.get(key);
	}

	/**
	 * Asks again for `key`, unless another caller already did since `seen` was handed out: then
	 * that newer request is shared.
	 */
	again(key: string, seen: Promise<V>, load: () => Promise<V>): Promise<V> {
		if (this.entries.get(key) === seen) this.entries.delete(key);
		return this.get(key, load);
	}
}
