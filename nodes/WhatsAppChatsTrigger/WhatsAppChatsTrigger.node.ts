/** The WhatsApp Chats Trigger node: gateway webhooks in, chat events out. */
import type { INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { gatewayWebhookMethods, receiveWebhook } from './gatewayWebhook';
import { gatewayTriggerDescription } from './triggerDescription';

/**
 * Gateways (WAHA, Sessions API, Evolution API) call this node's webhook. It has no trigger():
 * n8n then treats it as a webhook node, also for "Listen for test event".
 */
export class WhatsAppChatsTrigger implements INodeType {
	description: INodeTypeDescription = gatewayTriggerDescription;

	webhookMethods = gatewayWebhookMethods;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveWebhook.call(this);
	}
}
