/** The "Options" collection: how a batch is sent. Read once, from the first item. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { InvalidInputError } from '../../backends/errors';
import { DEFAULT_TRANSPORT, type TransportOptions } from '../../transport/TransportOptions';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../transport/GatewayHttpClient';
import type { MediaLimits } from '../../backends/WhatsAppBackend';
import { sendTextOptionFields } from './message/sendText.operation';

export const DEFAULT_CONCURRENCY = 5;
export const DEFAULT_MAX_RESPONSE_MIB = DEFAULT_MAX_RESPONSE_BYTES / 1024 / 1024;
export const DEFAULT_MAX_MEDIA_MIB = 16;

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
			displayName: 'Max Media Size (MiB)',
			name: 'maxMediaSizeMiB',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1024 },
			default: DEFAULT_MAX_MEDIA_MIB,
			description: 'Largest media file (image, video, document, picture) downloaded as binary data; a bigger one fails, naming its size, without being read whole',
		},
		{
			displayName: 'Max Response Size (MiB)',
			name: 'maxResponseMiB',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1024 },
			default: DEFAULT_MAX_RESPONSE_MIB,
			description: 'Largest gateway answer accepted, counted after decompression; a bigger one fails the item instead of filling memory',
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
			description:
				'How long one answer may take, headers and body, in milliseconds. An item with its retries gets at most Timeout × (Max Retries + 1).',
		},
		...sendTextOptionFields,
	],
};

export interface BatchOptions {
	concurrency: number;
	transport: TransportOptions;
}

export function readBatchOptions(ctx: IExecuteFunctions): BatchOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as {
		concurrency?: number;
		maxRetries?: number;
		timeout?: number;
		maxResponseMiB?: number;
	};
	const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
	const maxRetries = options.maxRetries ?? DEFAULT_TRANSPORT.maxRetries;
	const timeoutMs = options.timeout ?? DEFAULT_TRANSPORT.timeoutMs;
	check('Concurrency', concurrency, 1, 50);
	check('Max Retries', maxRetries, 0, 10);
	const maxResponseMiB = options.maxResponseMiB ?? DEFAULT_MAX_RESPONSE_MIB;
	check('Timeout (Ms)', timeoutMs, 100, 600_000);
	check('Max Response Size (MiB)', maxResponseMiB, 1, 1024);
	readMediaLimits(ctx);
	return {
		concurrency,
		transport: { ...DEFAULT_TRANSPORT, timeoutMs, maxRetries, maxResponseBytes: maxResponseMiB * 1024 * 1024 },
	};
}

function check(field: string, value: unknown, min: number, max: number): void {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
		throw new InvalidInputError(field, value, `a whole number from ${min} to ${max}`);
	}
}

/** "Max Media Size (MiB)", for operations that download media (read from the first item, as the other options). */
export function readMediaLimits(ctx: IExecuteFunctions): MediaLimits {
	const options = ctx.getNodeParameter('options', 0, {}) as { maxMediaSizeMiB?: number };
	const mib = options.maxMediaSizeMiB ?? DEFAULT_MAX_MEDIA_MIB;
	check('Max Media Size (MiB)', mib, 1, 1024);
	return { maxBytes: mib * 1024 * 1024 };
}
