/**
 * The errors an embedded session reports, worded for the person reading them in n8n: each names
 * the session and says what to do. Never include creds or keys here.
 */
import { GatewayError } from '../errors';
import { DISCONNECT_REASON } from './baileysConstants';

export const EMBEDDED_LABEL = 'Embedded (Baileys)';

export function notPairedError(session: string, loggedOut = false): GatewayError {
	const why = loggedOut
		? `WhatsApp logged out the embedded session "${session}" (the linked device was removed on the phone or logged out), so its keys were deleted`
		: `The embedded session "${session}" is not paired with a phone yet`;
	return new GatewayError(
		EMBEDDED_LABEL,
		'unauthorized',
		`${why}. Pair it again: run the WhatsApp Chats node with Session → Get QR (scan it in WhatsApp → Linked devices) or Session → Request Pairing Code.`,
	);
}

export function replacedError(session: string): GatewayError {
	return new GatewayError(
		EMBEDDED_LABEL,
		'rejected',
		`WhatsApp closed the embedded session "${session}" because another client connected with the same keys (connection replaced). ` +
			'Another process holds this session — a second n8n instance, a queue-mode worker or a copy of its auth folder. ' +
			'Use the session from one n8n process only, or use a gateway such as WAHA for several processes. ' +
			'This process does not reconnect on its own, so the two do not keep replacing each other.',
	);
}

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
