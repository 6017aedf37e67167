/** Message → Edit: replaces the text of an own message. */
import { InvalidInputError } from '../../../backends/errors';
import { messageAction } from './messageAction';

export const { capability, description, readInput, execute } = messageAction<string>({
	operation: 'edit',
	capability: 'editMessage',
	extraFields: [
		{
			displayName: 'Text',
			name: 'text',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			required: true,
			description: 'The new text of the message (or the new caption of a media message)',
		},
	],
	readExtra: (ctx, itemIndex) => {
		const text = ctx.getNodeParameter('text', itemIndex, '') as unknown;
		if (typeof text !== 'string' || text.trim() === '') throw new InvalidInputError('Text', text, 'the new, non-empty message text');
		return text;
	},
	run: (backend, message, text) => backend.editMessage(message, text),
	result: (text) => ({ edited: true, text }),
});
