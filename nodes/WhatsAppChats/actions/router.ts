/**
 * Runs one operation over all input items: reads and checks every item first (bad input stops
 * the batch before anything is sent), then sends at most `concurrency` requests at once.
 * Results keep input order and `pairedItem`; with "continue on fail" errors go on their item.
 */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, NodeOperationError } from 'n8n-workflow';
import { createBackend, type ConnectionCredentials } from '../../backends/createBackend';
import { refusalOf } from '../../backends/capabilities';
import type { WhatsAppBackend } from '../../backends/WhatsAppBackend';
import { itemBudgetMs, withItemBudget } from '../../transport/itemBudget';
import { redactError, SecretRedactor } from '../../transport/secrets';
import * as chat from './chat';
import { mapWithConcurrency } from './concurrency';
import * as label from './label';
import * as message from './message';
import { toNodeError } from './nodeErrors';
import type { OperationModule } from './OperationModule';
import { readBatchOptions, type BatchOptions } from './options';
import { resolveInputChats } from './resolveChats';
import * as session from './session';

const resources: Record<string, Record<string, OperationModule<any>>> = {
	chat: chat.operations,
	label: label.operations,
	message: message.operations,
	session: session.operations,
};

type Prepared = { ok: true; input: unknown } | { ok: false; error: Error };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const node = this.getNode();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = resources[resource]?.[operationName];
	if (!operation) throw toNodeError(node, new Error(`Unknown operation "${resource}: ${operationName}"`), 0);

	const continueOnFail = this.continueOnFail();
	let batch: BatchOptions;
	let backend: WhatsAppBackend;
	// Every secret of the credentials; nothing leaves this node (output, error, log) holding one.
	let secrets = new SecretRedactor([]);
	try {
		batch = readBatchOptions(this);
		const credentials = await this.getCredentials<ConnectionCredentials>('whatsAppChatsApi');
		secrets = SecretRedactor.fromCredentials(credentials);
		backend = await createBackend(credentials, batch.transport);
	} catch (error) {
		throw redactError(toNodeError(node, error, 0), secrets);
	}
	const budgetMs = itemBudgetMs(batch.transport.timeoutMs, batch.transport.maxRetries);

	try {
		const prepared = items.map((_, itemIndex): Prepared => {
			try {
				// Named with the backend and its hint (what to do instead), before anything is sent.
				const refusal = refusalOf(backend.capabilities, operation.capability);
				if (refusal) throw refusal;
				return { ok: true, input: operation.readInput(this, itemIndex) };
			} catch (error) {
				const nodeError = redactError(toNodeError(node, error, itemIndex), secrets);
				if (!continueOnFail) throw nodeError;
				return { ok: false, error: nodeError };
			}
		});

		const settled = await mapWithConcurrency(
			prepared,
			batch.concurrency,
			async (item, itemIndex) => {
				if (!item.ok) throw item.error;
				try {
					// One time budget per item, shared by its look-ups, its request and their retries.
					return await withItemBudget(budgetMs, async () => operation.execute(backend, await resolveInputChats(backend, item.input), this));
				} catch (error) {
					throw redactError(toNodeError(node, error, itemIndex), secrets);
				}
			},
			{ stopOnError: !continueOnFail },
		);

		return [
			settled.flatMap((result, itemIndex) =>
				result.ok
					? result.value.map((output) => ({ ...output, json: secrets.value(output.json), pairedItem: { item: itemIndex } }))
					: [{ json: errorJson(result.error), ...errorOutputMarker(node, result.error), pairedItem: { item: itemIndex } }],
			),
		];
	} finally {
		await backend.release();
	}
}

/** With "continue (using error output)", n8n routes only items that carry their error there. */
function errorOutputMarker(node: INode, error: unknown): Pick<INodeExecutionData, 'error'> {
	return node.onError === 'continueErrorOutput' ? { error: error as NodeOperationError } : {};
}

function errorJson(error: unknown): IDataObject {
	const { message, description, httpCode } = error as { message: string; description?: string; httpCode?: string };
	return { error: message, ...(description ? { description } : {}), ...(httpCode ? { httpCode } : {}) };
}
