import { InvalidInputError } from '../../../backends/errors';
import { messageAction } from './messageAction';

// One emoji: pictographs with their modifiers, joiners and variation selectors, or a flag.
const SINGLE_EMOJI =
	/^(?:\p{Regional_Indicator}{2}|[\p{Extended_Pictographic}\p{Emoji_Presentation}][\u{FE0F}\u{20E3}\p{Emoji_Modifier}]*(?:\u{200D}[\p{Extended_Pictographic}\p{Emoji_Presentation}][\u{FE0F}\p{Emoji_Modifier}]*)*)$/u;

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
		if (typeof emoji !== 'string' || (emoji !== '' && !SINGLE_EMOJI.test(emoji.trim()))) {
			throw new InvalidInputError('Emoji', emoji, 'a single emoji such as 👍, or empty to remove the reaction');
		}
		return emoji.trim();
	},
	run: (backend, message, emoji) => backend.reactToMessage(message, emoji),
	result: (emoji) => ({ reaction: emoji, removed: emoji === '' }),
});
