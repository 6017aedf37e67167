// The WhatsApp Chats Embedded Trigger node: starts workflows from the embedded connection's events.
import type { INodeType, INodeTypeDescription, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import { embeddedTriggerDescription } from '../WhatsAppChatsTrigger/triggerDescription';

/**
 * Listens on the embedded connection inside n8n. It has no webhook: n8n runs trigger() when the
 * workflow is published and for "Listen for test event", and ends the test at the first event.
 */
export class WhatsAppChatsEmbeddedTrigger implements INodeType {
	description: INodeTypeDescription = embeddedTriggerDescription;

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		// Loaded on first use, so gateway users never load the embedded connection code.
		const { listenToEmbeddedEvents } = require('./embeddedTrigger') as typeof import('./embeddedTrigger');
		return await listenToEmbeddedEvents.call(this);
	}
}
