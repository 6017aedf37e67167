/**
 * Runs one operation over all input items: reads and checks every item first (bad input stops
 * the batch before anything is sent), then sends at most `concurrency` requests at once.
 * Results keep input order and `pairedItem`; with "continue on fail" errors go on their item.
 */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, NodeOperationError } from 'n8n-workflow';
import { createBackend, type ConnectionCredentials } from '../../backends/createBackend';
import { UnsupportedOperationError } from '../../backends/errors';
import { OPERATION_LABELS, type WhatsAppBackend } from '../../backends/WhatsAppBackend';
import { mapWithConcurrency } from '../../transport/concurrency';
import * as chat from './chat';
import * as message from './message';
import { toNodeError } from './nodeErrors';
import type { OperationModule } from './OperationModule';
import { readBatchOptions, type BatchOptions } from './options';
import * as session from './session';

const resources: Record<string, Record<string, OperationModule<any>>> = {
	chat: chat.operations,
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
	try {
		batch = readBatchOptions(this);
		backend = await createBackend(await this.getCredentials<ConnectionCredentials>('whatsAppChatsApi'), batch.transport);
	} catch (error) {
		throw toNodeError(node, error, 0);
	}

	try {
		const prepared = items.map((_, itemIndex): Prepared => {
			try {
				if (!backend.supports(operation.capability)) {
					throw new UnsupportedOperationError(backend.label, OPERATION_LABELS[operation.capability]);
				}
				return { ok: true, input: operation.readInput(this, itemIndex) };
			} catch (error) {
				const nodeError = toNodeError(node, error, itemIndex);
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
					return await operation.execute(backend, item.input, this);
				} catch (error) {
					throw toNodeError(node, error, itemIndex);
				}
			},
			{ stopOnError: !continueOnFail },
		);

		return [
			settled.flatMap((result, itemIndex) =>
				result.ok
					? result.value.map((output) => ({ ...output, pairedItem: { item: itemIndex } }))
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
