/** The Download Media fields (Message: Get, Chat: Get Messages) and how a message's media becomes binary data on its item. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { InvalidInputError } from '../../backends/errors';
import type { MediaLimits, MessageSummary, WhatsAppBackend } from '../../backends/WhatsAppBackend';
import { readMediaLimits } from './options';
import { messageSummaryJson } from './common';

export const downloadMediaField = (description: string): INodeProperties => ({
	displayName: 'Download Media',
	name: 'downloadMedia',
	type: 'boolean',
	default: false,
	description,
});

export const binaryPropertyField: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	required: true,
	hint: 'The name of the output binary field to put the media file in',
	displayOptions: { show: { downloadMedia: [true] } },
};

export interface MediaRequest {
	/** Binary field to put the file in. */
	property: string;
	limits: MediaLimits;
}

const BINARY_PROPERTY = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** Download Media's settings for an item, or undefined when it is off. */
export function readMediaRequest(ctx: IExecuteFunctions, itemIndex: number): MediaRequest | undefined {
	if (ctx.getNodeParameter('downloadMedia', itemIndex, false) !== true) return undefined;
	const property = ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data') as unknown;
	if (typeof property !== 'string' || !BINARY_PROPERTY.test(property.trim())) {
		throw new InvalidInputError('Put Output File in Field', property, 'a field name of letters, digits, "_", "-" or "." (at most 64), such as data');
	}
	return { property: property.trim(), limits: readMediaLimits(ctx) };
}

/** One message as an output item, with its media as binary data when asked for and it has some. */
export async function messageItem(
	ctx: IExecuteFunctions,
	backend: WhatsAppBackend,
	message: MessageSummary,
	media: MediaRequest | undefined,
): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json: messageSummaryJson(message) };
	if (!media || message.hasMedia === false) return item;
	const file = await backend.downloadMedia(message, media.limits);
	if (file) item.binary = { [media.property]: await ctx.helpers.prepareBinaryData(file.data, file.fileName, file.mimeType) };
	return item;
}
