/**
 * Runs tasks with at most `limit` in flight and returns results in input order.
 * With `stopOnError`, no new task starts after one fails; the ones in flight finish first, so
 * nothing is left half-sent, then the earliest failure (by input order) is thrown.
 */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function mapWithConcurrency<I, O>(
	inputs: readonly I[],
	limit: number,
	task: (input: I, index: number) => Promise<O>,
	{ stopOnError }: { stopOnError: boolean },
): Promise<Array<Settled<O>>> {
	const results: Array<Settled<O>> = new Array(inputs.length);
	let next = 0;
	let failed = false;

	async function worker(): Promise<void> {
		while (next < inputs.length && !(stopOnError && failed)) {
			const index = next++;
			try {
				results[index] = { ok: true, value: await task(inputs[index], index) };
			} catch (error) {
				results[index] = { ok: false, error };
				failed = true;
			}
		}
	}

	const workers = Array.from({ length: Math.max(1, Math.min(limit, inputs.length)) }, worker);
	await Promise.all(workers);

	if (stopOnError && failed) {
		const firstFailure = results.find((result) => result && !result.ok) as { ok: false; error: unknown };
		throw firstFailure.error;
	}
	return results;
}
