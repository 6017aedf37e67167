/**
 * What to do when WhatsApp closes the socket, by Baileys' disconnect reason:
 * 515 restart required → reconnect at once (normal after pairing); 408/428/500/503 → reconnect
 * with capped exponential backoff; 440 replaced → stop (another process holds the session);
 * 401 logged out → stop and wipe the keys; anything else → stop and report it.
 */
import { DISCONNECT_REASON } from './baileysConstants';

export type DisconnectDecision =
	| { action: 'reconnect'; delayMs: number }
	| { action: 'stop'; reason: 'replaced' | 'loggedOut' | 'failed' };

export interface BackoffSettings {
	reconnectBaseMs: number;
	reconnectMaxMs: number;
}

/** Baileys' DisconnectReason codes (checked against Baileys in baileysConstants). */
export const DISCONNECT = DISCONNECT_REASON;

const TRANSIENT: readonly number[] = [DISCONNECT.timedOut, DISCONNECT.connectionClosed, DISCONNECT.badSession, DISCONNECT.unavailableService];

/** `attempt` counts reconnects since the last successful open, from 0. */
export function decideOnDisconnect(statusCode: number | undefined, attempt: number, backoff: BackoffSettings): DisconnectDecision {
	if (statusCode === DISCONNECT.restartRequired) return { action: 'reconnect', delayMs: 0 };
	if (statusCode === DISCONNECT.connectionReplaced) return { action: 'stop', reason: 'replaced' };
	if (statusCode === DISCONNECT.loggedOut) return { action: 'stop', reason: 'loggedOut' };
	// No status at all: the socket dropped without a stream error, like 428.
	if (statusCode === undefined || TRANSIENT.includes(statusCode)) {
		return { action: 'reconnect', delayMs: Math.min(backoff.reconnectMaxMs, backoff.reconnectBaseMs * 2 ** attempt) };
	}
	return { action: 'stop', reason: 'failed' };
}

export function describeDisconnect(statusCode: number | undefined): string {
	switch (statusCode) {
		case DISCONNECT.forbidden:
			return 'WhatsApp refused the account (forbidden; it may be banned)';
		case DISCONNECT.multideviceMismatch:
			return 'the linked-device state does not match the phone (multi-device mismatch); log out and pair again';
		default:
			return 'the connection was closed unexpectedly';
	}
}
