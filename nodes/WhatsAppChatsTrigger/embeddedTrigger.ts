import { NodeOperationError, type ITriggerFunctions, type ITriggerResponse } from 'n8n-workflow';

/** Listens on the shared embedded connection (available once the embedded mode lands). */
export async function listenToEmbeddedEvents(this: ITriggerFunctions): Promise<ITriggerResponse> {
	throw new NodeOperationError(this.getNode(), 'The embedded connection is not available in this version: use a gateway webhook');
}
