/**
 * The trigger's way into an embedded session: holds a reference on the shared connection for as
 * long as the trigger runs (so it stays connected) and hands over one `ChatEvent` per change.
 */
import type { ChatEvent } from '../events';
import type { ConnectionCredentials } from '../createBackend';
import { mapBaileysEvents, sessionStatusEvent, type MappingContext } from './eventMapping';
import { loadBaileys } from './loadBaileys';
import { sessionPaths } from './paths';
import { GatewayError } from '../errors';
import { acquireSession } from './SessionRegistry';
import { embeddedSettings } from './settings';

/** How long activating the trigger waits for the connection to open (past the connect timeout) before it just keeps listening. */
const listenReadyMs = () => embeddedSettings().connectTimeoutMs + 3_000;

/**
 * Starts (or joins) the session and calls `onEvent` for each change; call the result to stop.
 * Fails (and lets go of the session) when nothing can arrive: not paired, WhatsApp unreachable,
 * the session replaced or stopped.
 */
export async function subscribeEmbeddedEvents(
	credentials: Pick<ConnectionCredentials, 'session' | 'authFolder' | 'sessionSecret'>,
	onEvent: (event: ChatEvent) => void,
): Promise<() => Promise<void>> {
	const lease = await acquireSession(sessionPaths(credentials.session || 'default', credentials.authFolder, credentials.sessionSecret), 'trigger');
	let unsubscribe: () => void = () => undefined;
	try {
		const B = await loadBaileys();
		const connection = lease.connection;
		const context = (): MappingContext => ({ session: connection.session, me: connection.status().me });
		const deliver = (event: ChatEvent) => {
			try {
				onEvent(event);
			} catch {
				// The trigger's own failure must not stop the session's event processing.
			}
		};
		// Subscribed before waiting, so nothing that arrives while it connects is missed.
		unsubscribe = connection.subscribe({
			onEvents: (events) => mapBaileysEvents(B, context(), events).forEach(deliver),
			onState: (state) => deliver(sessionStatusEvent(context(), state)),
		});
		await connection.readyToListen(listenReadyMs());
	} catch (error) {
		unsubscribe();
		lease.release();
		throw nothingCanArrive(error);
	}
	let stopped = false;
	return async () => {
		if (stopped) return;
		stopped = true;
		unsubscribe();
		lease.release();
	};
}

/** The trigger's words: the reason, and that no event can come until it is fixed. */
function nothingCanArrive(error: unknown): Error {
	if (!(error instanceof GatewayError)) return error instanceof Error ? error : new Error(String(error));
	return new GatewayError(
		error.backend,
		error.kind,
		`No events can arrive from the embedded session, so the trigger does not listen: ${error.message}`,
		error.details,
	);
}
