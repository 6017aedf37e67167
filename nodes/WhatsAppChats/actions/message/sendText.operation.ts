/** Message → Send Text: a text message to a chat, optionally as a reply (quote), with link previews on or off. */
import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { InvalidInputError } from '../../../backends/errors';
import { parseMessageId, type ChatRef } from '../../../backends/ids';
import { MAX_TEXT_LENGTH, type SendTextOptions } from '../../../backends/WhatsAppBackend';
import { chatLocator, messageResult, readChat } from '../common';
import type { OperationModule } from '../OperationModule';

interface SendTextInput {
	chat: ChatRef;
	text: string;
	options: SendTextOptions;
}

export const capability = 'sendText' as const;

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['message'], operation: ['sendText'] } }, [
	chatLocator,
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description: `The message text (at most ${MAX_TEXT_LENGTH.toLocaleString('en-US')} characters). Reply To and Link Preview are in Options.`,
	},
]);

/** The two options of this operation, shown in the node's Options collection only for Send Text. */
export const sendTextOptionFields: INodeProperties[] = [
	{
		displayName: 'Reply To (Message ID)',
		name: 'replyTo',
		type: 'string',
		default: '',
		displayOptions: { show: { '/resource': ['message'], '/operation': ['sendText'] } },
		placeholder: '3EB0C767D26A1A8E',
		description: 'Send as a reply quoting this message of the same chat: its bare ID (3EB0C767D26A1A8E) or a serialized one (false_919988066776@c.us_3EB0C767D26A1A8E)',
	},
	{
		displayName: 'Link Preview',
		name: 'linkPreview',
		type: 'boolean',
		default: true,
		displayOptions: { show: { '/resource': ['message'], '/operation': ['sendText'] } },
		description: 'Whether a link in the text is shown with a preview (title, description). Off sends the text without one.',
	},
];

export function readInput(ctx: IExecuteFunctions, itemIndex: number): SendTextInput {
	const chat = readChat(ctx, itemIndex);
	const text = ctx.getNodeParameter('text', itemIndex, '') as unknown;
	if (typeof text !== 'string' || text.trim() === '') throw new InvalidInputError('Text', text ?? '', 'the message text, not empty');
	if (text.length > MAX_TEXT_LENGTH) {
		throw new InvalidInputError('Text', `${text.slice(0, 40)}… (${text.length} characters)`, `at most ${MAX_TEXT_LENGTH} characters, WhatsApp's limit for one message`);
	}
	const replyTo = ctx.getNodeParameter('options.replyTo', itemIndex, '') as unknown;
	const linkPreview = ctx.getNodeParameter('options.linkPreview', itemIndex, true) as unknown;
	if (typeof linkPreview !== 'boolean') throw new InvalidInputError('Link Preview', linkPreview, 'true or false');
	const options: SendTextOptions = { linkPreview };
	if (replyTo !== '' && replyTo !== undefined && replyTo !== null) options.replyTo = parseMessageId(replyTo, chat, 'Reply To (Message ID)');
	return { chat, text, options };
}

export const execute: OperationModule<SendTextInput>['execute'] = async (backend, { chat, text, options }) => {
	const sent = await backend.sendText(chat, text, options);
	// The output names the new message (not the quoted one the backend resolved): `raw` only.
	return messageResult(
		backend,
		sent.message,
		{ timestamp: sent.timestamp, ...(options.replyTo ? { replyTo: backend.formatMessageId(sent.resolved ?? options.replyTo) } : {}) },
		{ raw: sent.raw },
	);
};
