/** The "Options" collection: how a batch is sent. Read once, from the first item. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { InvalidInputError } from '../../backends/errors';
import { DEFAULT_TRANSPORT, type TransportOptions } from '../../backends/createBackend';

export const DEFAULT_CONCURRENCY = 5;

export const optionsCollection: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 50 },
			default: 5,
			description: 'How many items are sent to WhatsApp at the same time',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 3,
			description: 'How often a request is retried after a network error, HTTP 429 or a 5xx answer',
		},
		{
			displayName: 'Timeout (Ms)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 100 },
			default: 30000,
			description: 'How long to wait for one answer, in milliseconds',
		},
	],
};

export interface BatchOptions {
	concurrency: number;
	transport: TransportOptions;
}

export function readBatchOptions(ctx: IExecuteFunctions): BatchOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as { concurrency?: number; maxRetries?: number; timeout?: number };
	const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
	const maxRetries = options.maxRetries ?? DEFAULT_TRANSPORT.maxRetries;
	const timeoutMs = options.timeout ?? DEFAULT_TRANSPORT.timeoutMs;
	check('Concurrency', concurrency, 1, 50);
	check('Max Retries', maxRetries, 0, 10);
	check('Timeout (Ms)', timeoutMs, 100, 600_000);
	return { concurrency, transport: { ...DEFAULT_TRANSPORT, timeoutMs, maxRetries } };
}

function check(field: string, value: unknown, min: number, max: number): void {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
		throw new InvalidInputError(field, value, `a whole number from ${min} to ${max}`);
	}
}
