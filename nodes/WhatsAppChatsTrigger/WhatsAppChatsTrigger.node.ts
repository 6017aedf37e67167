import type { INodeType, INodeTypeDescription, ITriggerFunctions, ITriggerResponse, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { gatewayWebhookMethods, receiveWebhook } from './gatewayWebhook';
import { triggerDescription } from './triggerDescription';

export class WhatsAppChatsTrigger implements INodeType {
	description: INodeTypeDescription = triggerDescription;

	webhookMethods = gatewayWebhookMethods;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveWebhook.call(this);
	}

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		// Gateways deliver through webhook(); only the embedded source listens here.
		if (this.getNodeParameter('source', 'gateway') !== 'embedded') return {};
		// Loaded on first use, so gateway users never load the embedded connection code.
		const { listenToEmbeddedEvents } = require('./embeddedTrigger') as typeof import('./embeddedTrigger');
		return await listenToEmbeddedEvents.call(this);
	}
}
