/**
 * The embedded side of the trigger: listens on the shared in-process WhatsApp connection (no
 * second socket) and starts one execution per change. Closing releases the connection, also
 * after a manual "listen for test event".
 */
import { NodeOperationError, type ITriggerFunctions, type ITriggerResponse } from 'n8n-workflow';
import { CONNECTION_LABELS, connectionKindOf, type ConnectionCredentials } from '../backends/createBackend';
import { subscribeEmbeddedEvents } from '../backends/embedded/triggerFeed';
import { eventSelector, toItem } from '../WhatsAppChatsTrigger/eventSelector';

export async function listenToEmbeddedEvents(this: ITriggerFunctions): Promise<ITriggerResponse> {
	const credentials = await this.getCredentials<ConnectionCredentials>('whatsAppChatsApi');
	const kind = connectionKindOf(credentials);
	if (kind !== 'embedded') {
		throw new NodeOperationError(
			this.getNode(),
			`The WhatsApp Chats Embedded Trigger listens on the embedded connection, but the credentials connect to ${CONNECTION_LABELS[kind]}`,
			{
				description: `For ${CONNECTION_LABELS[kind]}, use the WhatsApp Chats Trigger node (the gateway calls its webhook), or pick credentials whose Connection is Embedded (Baileys).`,
			},
		);
	}
	// A manual "listen for test event" opens the connection itself; its own connecting/open states
	// would end the test at once, so a manual run waits for a change that comes after them.
	let startingUp = this.getMode() === 'manual';
	const select = eventSelector(this);
	const stop = await subscribeEmbeddedEvents(credentials, (event) => {
		if (startingUp && event.event === 'session.status' && (event.data.status === 'connecting' || event.data.status === 'open')) {
			startingUp = event.data.status !== 'open';
			return;
		}
		const [fresh] = select([event]);
		if (fresh) this.emit([[toItem(fresh)]]);
	});
	return {
		closeFunction: stop,
		// Events arrive through the subscription; a manual run just waits for the first one.
		manualTriggerFunction: async () => {},
	};
}
