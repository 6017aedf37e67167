/**
 * The trigger's way into an embedded session: holds a reference on the shared connection for as
 * long as the trigger runs (so it stays connected) and hands over one `ChatEvent` per change.
 */
import type { ChatEvent } from '../events';
import type { ConnectionCredentials } from '../createBackend';
import { mapBaileysEvents, sessionStatusEvent, type MappingContext } from './eventMapping';
import { loadBaileys } from './loadBaileys';
import { sessionPaths } from './paths';
import { acquireSession } from './SessionRegistry';

/** Starts (or joins) the session and calls `onEvent` for each change; call the result to stop. */
export async function subscribeEmbeddedEvents(
	credentials: Pick<ConnectionCredentials, 'session' | 'authFolder' | 'sessionSecret'>,
	onEvent: (event: ChatEvent) => void,
): Promise<() => Promise<void>> {
	const lease = await acquireSession(sessionPaths(credentials.session || 'default', credentials.authFolder, credentials.sessionSecret));
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
	const unsubscribe = connection.subscribe({
		onEvents: (events) => mapBaileysEvents(B, context(), events).forEach(deliver),
		onState: (state) => deliver(sessionStatusEvent(context(), state)),
	});
	let stopped = false;
	return async () => {
		if (stopped) return;
		stopped = true;
		unsubscribe();
		lease.release();
	};
}
