/**
 * Baileys' logger: warnings and errors only, as plain message text. Baileys logs objects that can
 * hold creds and keys, so those are never printed or kept: only the message string (and an
 * error's message). Silent unless `WHATSAPP_CHATS_LOG=warn`; the last few lines are kept for Status.
 */
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js' with { 'resolution-mode': 'import' };

const KEPT_LINES = 20;

export interface QuietLogger extends ILogger {
	/** Recent warnings/errors, newest last, without any logged objects. */
	readonly recent: string[];
}

export function makeBaileysLogger(session: string): QuietLogger {
	const recent: string[] = [];
	const print = process.env.WHATSAPP_CHATS_LOG === 'warn';
	const keep = (level: string) => (obj: unknown, msg?: string) => {
		const line = `${level}: ${describe(obj, msg)}`;
		recent.push(line);
		if (recent.length > KEPT_LINES) recent.shift();
		if (print) console.warn(`[whatsapp-chats:${session}] ${line}`);
	};
	const ignore = () => undefined;
	const logger: QuietLogger = {
		level: 'warn',
		recent,
		child: () => logger,
		trace: ignore,
		debug: ignore,
		info: ignore,
		warn: keep('warn'),
		error: keep('error'),
	};
	return logger;
}

function describe(obj: unknown, msg?: string): string {
	if (typeof obj === 'string') return obj;
	const error = (obj as { err?: unknown; error?: unknown } | null)?.err ?? (obj as { error?: unknown } | null)?.error ?? obj;
	const reason = error instanceof Error ? error.message : undefined;
	return [msg, reason].filter(Boolean).join(': ') || 'unspecified';
}
