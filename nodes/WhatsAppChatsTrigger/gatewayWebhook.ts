/**
 * The gateway side of the trigger: receives a webhook call, refuses forged or stale ones, maps
 * it to events, filters and de-duplicates them; and (un)registers the URL at the gateway.
 */
import type { IHookFunctions, ITriggerFunctions, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import type { ConnectionCredentials } from '../backends/createBackend';
import { createWebhookAdapter } from '../backends/createWebhookAdapter';
import type { ChatEvent, TriggerEvent } from '../backends/ChatEvent';
import { WebhookRejectedError } from '../backends/WebhookAdapter';
import { toNodeError } from '../WhatsAppChats/actions/nodeErrors';
import { eventSelector, toItem } from './eventSelector';

type Context = IWebhookFunctions | IHookFunctions | ITriggerFunctions;

async function adapterOf(ctx: Context) {
	const credentials = await ctx.getCredentials<ConnectionCredentials>('whatsAppChatsApi');
	try {
		return createWebhookAdapter(credentials);
	} catch (error) {
		throw toNodeError(ctx.getNode(), error, 0);
	}
}

export async function receiveWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const adapter = await adapterOf(this);
	const request = this.getRequestObject() as unknown as { headers: Record<string, string | string[] | undefined>; rawBody?: Buffer };
	const body = this.getBodyData();
	const delivery = { headers: request.headers, rawBody: request.rawBody ?? Buffer.from(JSON.stringify(body)), body };
	let events: ChatEvent[];
	try {
		// The secret of a registration the trigger made itself is in the workflow's static data.
		adapter.verify(delivery, Date.now(), this.getWorkflowStaticData('node'));
		// Refused when the de-dup memory is full (503, the gateway retries), rather than let a replay through.
		events = eventSelector(this, { refuseWhenFull: true })(adapter.toEvents(delivery), adapter.deliveryId?.(delivery));
	} catch (error) {
		if (!(error instanceof WebhookRejectedError)) throw error;
		const response = this.getResponseObject();
		if (error.status === 503) response.setHeader('Retry-After', '60');
		response.status(error.status).json({ error: error.message });
		return { noWebhookResponse: true };
	}
	// No events (filtered out, other sessions', or repeats): the gateway still gets its 200, no execution starts.
	return events.length ? { workflowData: [events.map(toItem)] } : {};
}

export const gatewayWebhookMethods = {
	default: {
		// Called first, on publish and on "Listen for test event": credentials for the embedded
		// connection fail here at once, with the node to use instead (createWebhookAdapter).
		async checkExists(this: IHookFunctions): Promise<boolean> {
			const events = this.getNodeParameter('events', []) as TriggerEvent[];
			// A lost, changed or unsigned registration counts as missing, so create() makes it again.
			return await (await adapterOf(this)).isRegistered(this.getNodeWebhookUrl('default') as string, events, this.getWorkflowStaticData('node'));
		},
		async create(this: IHookFunctions): Promise<boolean> {
			const events = this.getNodeParameter('events', []) as TriggerEvent[];
			await (await adapterOf(this)).register(this.getNodeWebhookUrl('default') as string, events, this.getWorkflowStaticData('node'));
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			try {
				await (await adapterOf(this)).unregister(this.getNodeWebhookUrl('default') as string, this.getWorkflowStaticData('node'));
				return true;
			} catch (error) {
				// The gateway may be gone; deactivating the workflow must still succeed.
				this.logger.warn(`WhatsApp Chats Trigger: could not remove its webhook at the gateway: ${(error as Error).message}`);
				return false;
			}
		},
	},
};
