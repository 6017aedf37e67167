/**
 * Every Baileys call gets a deadline. Baileys retries some queries forever (a silent server makes
 * `chatModify` hang), so without this an n8n execution would never end.
 */
import { GatewayError } from '../errors';
import { EMBEDDED_LABEL } from './embeddedErrors';

export async function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<never>((_, reject) => {
		timer = setTimeout(() => {
			reject(
				new GatewayError(
					EMBEDDED_LABEL,
					'timeout',
					`WhatsApp did not complete ${what} within ${formatSeconds(timeoutMs)}; the connection may be slow or the phone offline`,
				),
			);
		}, timeoutMs);
		// A pending deadline must not keep the process (or jest) alive on its own.
		timer.unref();
	});
	// The abandoned call may still fail later; that must not become an unhandled rejection.
	work.catch(() => undefined);
	try {
		return await Promise.race([work, deadline]);
	} finally {
		clearTimeout(timer);
	}
}

/** 30000 → "30 s", 1500 → "1.5 s", 800 → "800 ms". */
export function formatSeconds(ms: number): string {
	if (ms < 1000) return `${ms} ms`;
	const seconds = ms / 1000;
	return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
