/**
 * The trigger's way into an embedded session: holds a reference on the shared connection for as
 * long as the trigger runs (so it stays connected) and hands over one `ChatEvent` per change.
 * All triggers on one session share one fan-out: each batch is decoded once (by the connection)
 * and mapped to events once, whatever the number of triggers; each trigger only filters.
 */
import type { ChatEvent } from '../ChatEvent';
import type { ConnectionCredentials } from '../createBackend';
import { GatewayError } from '../errors';
import { sessionStatusChange, type ChatChange } from './ChatChange';
import type { SessionConnection } from './connection';
import { identifiedEvent } from '../identity';
import { toChatEvents } from './eventMapping';
import { sessionPaths } from './paths';
import { acquireSession } from './SessionRegistry';
import { embeddedSettings } from './settings';

type EventReceiver = (event: ChatEvent) => void;

/** How often batches were mapped to trigger events in this process (for the bench and the tests). */
export const triggerFeedWork = { mappedBatches: 0 };

/** The triggers listening on one connection, and the one connection listener they share. */
class TriggerFanOut {
	private readonly receivers = new Set<EventReceiver>();
	private unsubscribe: (() => void) | undefined;

	constructor(private readonly connection: SessionConnection) {}

	add(receiver: EventReceiver): () => void {
		this.receivers.add(receiver);
		this.unsubscribe ??= this.connection.subscribe({
			onChanges: (changes) => this.deliver(changes),
			onState: (state) => this.deliver([sessionStatusChange(state)]),
		});
		return () => {
			this.receivers.delete(receiver);
			if (this.receivers.size > 0) return;
			this.unsubscribe?.();
			this.unsubscribe = undefined;
			fanOuts.delete(this.connection);
		};
	}

	private deliver(changes: readonly ChatChange[]): void {
		triggerFeedWork.mappedBatches++;
		// Phone numbers and LIDs from what the store learnt (this batch's mappings included: it is applied first).
		const book = this.connection.store.identities;
		const events = toChatEvents(this.connection.session, changes).map((event) => identifiedEvent(event, book));
		if (events.length === 0) return;
		for (const receiver of [...this.receivers]) {
			for (const event of events) {
				try {
					receiver(event);
				} catch {
					// A trigger's own failure must not stop the session's event processing nor the other triggers.
				}
			}
		}
	}
}

const fanOuts = new Map<SessionConnection, TriggerFanOut>();

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
	const connection = lease.connection;
	let fanOut = fanOuts.get(connection);
	if (!fanOut) {
		fanOut = new TriggerFanOut(connection);
		fanOuts.set(connection, fanOut);
	}
	// Joined before waiting, so nothing that arrives while it connects is missed.
	const leave = fanOut.add(onEvent);
	try {
		await connection.readyToListen(listenReadyMs());
	} catch (error) {
		leave();
		lease.release();
		throw nothingCanArrive(error);
	}
	let stopped = false;
	return async () => {
		if (stopped) return;
		stopped = true;
		leave();
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
