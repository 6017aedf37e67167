/**
 * The errors an embedded session reports, worded for the person reading them in n8n: each names
 * the session and says what to do. Never include creds or keys here.
 */
import { GatewayError, setBackendHints } from '../errors';
import { DISCONNECT_REASON } from './baileysConstants';

export const EMBEDDED_LABEL = 'Embedded (Baileys)';

export function notPairedError(session: string, loggedOut = false): GatewayError {
	const why = loggedOut
		? `WhatsApp logged out the embedded session "${session}" (the linked device was removed on the phone or logged out), so its keys were deleted; it is not paired yet with any phone`
		: `The embedded session "${session}" is not paired yet (no phone is linked to it)`;
	return new GatewayError(
		EMBEDDED_LABEL,
		'unauthorized',
		`${why}. Pair it${loggedOut ? ' again' : ''}: run the WhatsApp Chats node with Session → Get QR (scan it in WhatsApp → Linked devices) or Session → Request Pairing Code.` +
			queueModeNote(),
	);
}

export function replacedError(session: string): GatewayError {
	return new GatewayError(
		EMBEDDED_LABEL,
		'rejected',
		`WhatsApp closed the embedded session "${session}" because another client connected with the same keys (connection replaced). ` +
			'Another process holds this session — a second n8n instance, a queue-mode worker or a copy of its auth folder. ' +
			'Use the session from one n8n process only, or use a gateway such as WAHA for several processes. ' +
			'This process does not reconnect on its own, so the two do not keep replacing each other.' +
			queueModeNote(),
	);
}

/** What n8n process this is: `n8n worker` and `n8n webhook` run with that command; anything else is the main process. */
export function processRole(): 'main' | 'worker' | 'webhook' {
	const args = process.argv.slice(2);
	if (args.includes('worker')) return 'worker';
	if (args.includes('webhook')) return 'webhook';
	return 'main';
}

export function isQueueMode(): boolean {
	return process.env.EXECUTIONS_MODE?.trim() === 'queue';
}

/** Added to "in use" and "not paired" errors (and the credential test) when n8n runs in queue mode. */
export function queueModeNote(): string {
	if (!isQueueMode()) return '';
	return (
		` n8n runs in queue mode (EXECUTIONS_MODE=queue) and this is its ${processRole()} process: ` +
		'an embedded session can be connected from one process only. The trigger runs in the main process, ' +
		'while workflow executions run on the workers, so in queue mode use a gateway (WAHA or Evolution API) for the actions; ' +
		'the embedded session then serves the trigger in the main process only.'
	);
}

/** Why the WebSocket to WhatsApp could not be opened at all, from the error `ws` reported. */
export type NetworkFailure = 'name lookup' | 'connection refused' | 'TLS' | 'timeout' | 'network';

export function describeNetworkFailure(error: unknown): { failure: NetworkFailure; detail: string } | undefined {
	const cause = (error as { data?: unknown })?.data ?? error;
	const code = String((cause as { code?: unknown })?.code ?? '');
	const message = cause instanceof Error ? cause.message : String((cause as { message?: unknown })?.message ?? '');
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NODATA') return { failure: 'name lookup', detail: code };
	if (code === 'ECONNREFUSED') return { failure: 'connection refused', detail: code };
	if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code === 'EPROTO' || /SSL|TLS|certificate/i.test(message) || code.includes('CERT')) {
		return { failure: 'TLS', detail: code || message };
	}
	if (code === 'ETIMEDOUT' || /timed out/i.test(message)) return { failure: 'timeout', detail: code || message };
	if (['EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL'].includes(code)) return { failure: 'network', detail: code };
	return undefined;
}

/** The socket never reached WhatsApp: say what failed (name lookup, refused, TLS, timeout) and what to do. */
export function unreachableError(session: string, host: string, failure: NetworkFailure, detail: string): GatewayError {
	const what: Record<NetworkFailure, string> = {
		'name lookup': `the name "${host.replace(/:\d+$/, '')}" could not be resolved (DNS)`,
		'connection refused': `${host} refused the connection`,
		TLS: `the secure (TLS) connection to ${host} failed`,
		timeout: `${host} did not answer in time`,
		network: `the network to ${host} failed`,
	};
	const todo: Record<NetworkFailure, string> = {
		'name lookup': 'check the DNS settings of the n8n server (or the proxy it must use)',
		'connection refused': 'check that no firewall or proxy blocks outgoing connections to port 443',
		TLS: 'check that no proxy or firewall intercepts TLS to WhatsApp, and the system clock',
		timeout: 'check the internet connection of the n8n server and its firewall',
		network: 'check the internet connection of the n8n server',
	};
	// No error codes in the text: n8n replaces a message naming one (ECONNREFUSED, ENOTFOUND…) with its own generic words.
	return new GatewayError(
		EMBEDDED_LABEL,
		'unreachable',
		`The embedded session "${session}" cannot reach WhatsApp: ${what[failure]}. ` +
			`This n8n server itself connects to WhatsApp Web; ${todo[failure]}, then retry.`,
		{ gatewayMessage: detail },
	);
}

const WRITE_FAILURES: Record<string, string> = {
	ENOSPC: 'the disk is full',
	EDQUOT: 'the disk quota is used up',
	EISDIR: 'a folder is in the way of the file',
	ENOTDIR: 'a file is in the way of its folder',
	EACCES: 'permission denied',
	EPERM: 'permission denied',
	EROFS: 'the file system is read-only',
	EIO: 'a disk error',
};

/** A file of the session could not be written; names the file (not its path) and the cause in words (no error code, see above). */
export function storageError(session: string, file: string, error: Error): GatewayError {
	const code = (error as NodeJS.ErrnoException).code ?? '';
	const cause = WRITE_FAILURES[code] ?? 'the write failed';
	return new GatewayError(
		EMBEDDED_LABEL,
		'server',
		`The embedded session "${session}" cannot save its files: writing ${file} failed (${cause}). ` +
			'Free disk space or fix the session folder (permissions, nothing else in the way of its files), then retry; ' +
			'the auth state already on disk is kept as it was.',
		{ gatewayMessage: code || cause },
	);
}

/** Shown under embedded errors in n8n, by kind: never the gateway ones (API key, Base URL, overloaded gateway). */
export const EMBEDDED_HINTS: Partial<Record<GatewayError['kind'], string>> = {
	unauthorized: 'Pair the session: run the WhatsApp Chats node with Session → Get QR and scan the QR in WhatsApp → Settings → Linked devices.',
	unreachable: 'The n8n server connects to WhatsApp Web (web.whatsapp.com, port 443) itself: check its internet connection, DNS, firewall or proxy.',
	timeout: 'WhatsApp or the phone answered slowly: check the internet connection of the n8n server and that the phone is online, then retry or raise "Timeout" in the node options.',
	unsupported: 'Use another operation, or a gateway that offers this one.',
};
setBackendHints(EMBEDDED_LABEL, EMBEDDED_HINTS);

export function failedError(session: string, code: number | undefined, reason: string): GatewayError {
	return new GatewayError(
		EMBEDDED_LABEL,
		'server',
		`WhatsApp closed the embedded session "${session}"${code ? ` (code ${code})` : ''}: ${reason}`,
	);
}

export function unknownMessageError(session: string, chatJid: string, messageId: string, depth: number): GatewayError {
	return new GatewayError(
		EMBEDDED_LABEL,
		'notFound',
		`Message "${messageId}" of chat ${chatJid} is not in the local store of the embedded session "${session}" ` +
			`(it keeps the last ${depth} messages of each chat seen while n8n was connected). ` +
			`Give the full id instead, e.g. true_${chatJid}_${messageId} for a message you sent or false_${chatJid}_${messageId} for one you received.`,
	);
}

export function noLastMessageError(session: string, chatJid: string, action: string): GatewayError {
	return new GatewayError(
		EMBEDDED_LABEL,
		'notFound',
		`Cannot ${action} chat ${chatJid}: the embedded session "${session}" has seen no message in it yet. ` +
			'WhatsApp needs the chat\'s last message for this (the phone ignores the change without it); ' +
			'it is learned when a message arrives or is sent while n8n is connected, or from the history the phone shares after pairing.',
	);
}

/** Turns what Baileys throws (Boom errors) into a GatewayError about `what` in `session`. */
export function fromBaileysError(error: unknown, session: string, what: string): Error {
	if (error instanceof GatewayError) return error;
	const message = error instanceof Error ? error.message : String(error);
	const status = (error as { output?: { statusCode?: number } })?.output?.statusCode;
	if (/app state key not present/i.test(message)) {
		return new GatewayError(
			EMBEDDED_LABEL,
			'rejected',
			`The phone has not yet shared the app-state keys of the embedded session "${session}", which ${what} needs. ` +
				'Keep the phone online with WhatsApp open for a minute after pairing, then retry (Session → Status shows appStateKeysReady).',
			{ gatewayMessage: message },
		);
	}
	if (status === DISCONNECT_REASON.connectionClosed || /connection closed/i.test(message)) {
		return new GatewayError(EMBEDDED_LABEL, 'unreachable', `The connection of the embedded session "${session}" closed during ${what}; retry`, {
			gatewayMessage: message,
		});
	}
	if (status === DISCONNECT_REASON.timedOut || /timed out/i.test(message)) {
		return new GatewayError(EMBEDDED_LABEL, 'timeout', `WhatsApp did not answer ${what} for the embedded session "${session}" in time`, {
			gatewayMessage: message,
		});
	}
	return new GatewayError(EMBEDDED_LABEL, 'rejected', `WhatsApp refused ${what} for the embedded session "${session}": ${message}`, {
		gatewayMessage: message,
	});
}

/** WhatsApp's platform names of the WhatsApp Business apps (Android, iOS), as pairing reports them. */
export const BUSINESS_PLATFORMS: readonly string[] = ['smba', 'smbi'];

/** Labels asked of an account linked from a personal WhatsApp app (its platform says so). */
export function personalAccountError(session: string, platform: string): GatewayError {
	return new GatewayError(
		EMBEDDED_LABEL,
		'unsupported',
		`Labels need WhatsApp Business: the embedded session "${session}" is linked to a personal WhatsApp account (its phone app reports platform "${platform}"). ` +
			'Link the session to a WhatsApp Business account to use labels',
	);
}

/** Nothing said about labels yet, by an account whose app is not known to be personal. */
export function noLabelsKnownError(session: string): GatewayError {
	return new GatewayError(
		EMBEDDED_LABEL,
		'notFound',
		`No labels are known yet for the embedded session "${session}": WhatsApp sends a linked device the labels of a WhatsApp Business account with its app-state sync, ` +
			'and the phone has sent none so far (labels need WhatsApp Business; a personal account has none). ' +
			'Keep the phone online with WhatsApp Business open, or create or edit a label there, then retry',
	);
}
