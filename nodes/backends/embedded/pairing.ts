/**
 * Pairing an embedded session with a phone: waiting for the QR WhatsApp sends (Session → Get QR)
 * and asking for an 8-character code instead (Session → Request Pairing Code). The socket's life
 * stays with SessionConnection; this reads it through a small view.
 */
import type { WASocket } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { GatewayError } from '../errors';
import { EMBEDDED_LABEL, notPairedError } from './embeddedErrors';
import type { StateWaiter } from './stateWaiter';
import { formatSeconds, withTimeout } from './withTimeout';

/** What pairing reads of a session's connection, live on every state change. */
export interface PairingView {
	readonly session: string;
	readonly waiter: StateWaiter;
	/** Settles once a logout's wipe is done (pair with the fresh creds, not the old ones). */
	wiping(): Promise<void> | undefined;
	/** The paired account's id (`''` if unknown), or undefined while not paired. */
	pairedAs(): string | undefined;
	/** The QR of the pairing socket, once WhatsApp sent one. */
	qr(): { value: string; at: number } | undefined;
	socket(): WASocket | undefined;
	/** Starts a socket for pairing when there is none. */
	startPairing(): void;
	/** Throws why pairing cannot go on (unreachable, replaced, failed, closed). */
	throwIfPairingFailed(): void;
}

/** The current pairing QR (text), starting a pairing socket when needed. */
export async function waitForPairingQr(view: PairingView, timeoutMs: number): Promise<{ qr: string; at: number }> {
	await view.wiping();
	view.startPairing();
	const qr = await view.waiter.waitUntil(
		() => {
			const me = view.pairedAs();
			if (me !== undefined) throw alreadyPairedError(view.session, me || undefined);
			const current = view.qr();
			if (current) return current;
			view.throwIfPairingFailed();
			return undefined;
		},
		timeoutMs,
		() => new GatewayError(EMBEDDED_LABEL, 'timeout', `WhatsApp sent no pairing QR for the embedded session "${view.session}" within ${formatSeconds(timeoutMs)}`),
	);
	return { qr: qr.value, at: qr.at };
}

/** Asks WhatsApp for an 8-character code to type on the phone (Linked devices → Link with phone number). */
export async function requestPairingCode(view: PairingView, phoneDigits: string, timeoutMs: number): Promise<string> {
	await waitForPairingQr(view, timeoutMs); // Baileys can ask for a code only once the first QR arrived
	const sock = view.socket();
	if (!sock) throw notPairedError(view.session);
	return await withTimeout(sock.requestPairingCode(phoneDigits), timeoutMs, `the pairing-code request of the embedded session "${view.session}"`);
}

function alreadyPairedError(session: string, me: string | undefined): GatewayError {
	return new GatewayError(
		EMBEDDED_LABEL,
		'rejected',
		`The embedded session "${session}" is already paired${me ? ` with ${me.split(':')[0].split('@')[0]}` : ''}; ` +
			'run Session → Logout first to link another phone, or use another session name',
	);
}
