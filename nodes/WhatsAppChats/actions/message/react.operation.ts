/** Message → React: puts one emoji on a message, or removes the reaction. */
import { isSingleEmoji } from '../../../backends/emoji';
import { InvalidInputError } from '../../../backends/errors';
import { messageAction } from './messageAction';

export const { capability, description, readInput, execute } = messageAction<string>({
	operation: 'react',
	capability: 'reactToMessage',
	extraFields: [
		{
			displayName: 'Emoji',
			name: 'emoji',
			type: 'string',
			default: '👍',
			description: 'The reaction, one emoji. Leave empty to remove your reaction.',
		},
	],
	readExtra: (ctx, itemIndex) => {
		const emoji = ctx.getNodeParameter('emoji', itemIndex, '') as unknown;
		if (typeof emoji !== 'string' || (emoji !== '' && !isSingleEmoji(emoji.trim()))) {
			throw new InvalidInputError('Emoji', emoji, 'a single emoji such as 👍, or empty to remove the reaction');
		}
		return emoji.trim();
	},
	run: (backend, message, emoji) => backend.reactToMessage(message, emoji),
	result: (emoji) => ({ reaction: emoji, removed: emoji === '' }),
});
