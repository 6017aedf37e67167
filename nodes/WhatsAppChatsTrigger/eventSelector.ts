/**
 * What both triggers share: the trigger options, the filter and de-duplication one trigger node
 * applies to its events, and an event as an n8n item.
 */
import type { IDataObject, IHookFunctions, INodeExecutionData, ITriggerFunctions, IWebhookFunctions } from 'n8n-workflow';
import type { ChatEvent, TriggerEvent } from '../backends/ChatEvent';
import { identifiedEvent } from '../backends/identity';
import { makeEventFilter } from './eventFilter';
import { recentEventsOf } from './recentEvents';

export interface TriggerOptions {
	onlyChats?: string;
	ignoreGroups?: boolean;
	ignoreOwnMessages?: boolean;
	dedupeWindowSeconds?: number;
}

type Context = IWebhookFunctions | IHookFunctions | ITriggerFunctions;

export function toItem(event: ChatEvent): INodeExecutionData {
	const { dedupeKey: _dedupeKey, ...json } = event;
	return { json: json as unknown as IDataObject };
}

/**
 * Builds, once, what filters and de-duplicates events for one trigger node as its options say;
 * the embedded trigger keeps it for its whole life instead of re-reading parameters per event.
 */
export function eventSelector(ctx: Context, dedupe: { refuseWhenFull?: boolean } = {}): (events: ChatEvent[], deliveryId?: string) => ChatEvent[] {
	const options = ctx.getNodeParameter('options', {}) as TriggerOptions;
	const accepts = makeEventFilter({
		events: ctx.getNodeParameter('events', []) as TriggerEvent[],
		...options,
		// Own messages are ignored unless asked for, as the option's default says.
		ignoreOwnMessages: options.ignoreOwnMessages ?? true,
	});
	const windowMs = (options.dedupeWindowSeconds ?? 600) * 1000;
	const recent = recentEventsOf(ctx.getWorkflow().id ?? '', ctx.getNode().id, windowMs);
	// Every event gets its chat's (and sender's) phone number and LID before it is filtered and de-duplicated.
	return (events, deliveryId) =>
		recent.keepNew(events.map((event) => identifiedEvent(event)).filter(accepts), { deliveryId, refuseWhenFull: dedupe.refuseWhenFull });
}
