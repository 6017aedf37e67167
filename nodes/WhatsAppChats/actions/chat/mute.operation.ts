/** Chat → Mute: silences a chat's notifications for 8 hours, 1 week or always. */
import { updateDisplayOptions } from 'n8n-workflow';
import { InvalidInputError } from '../../../backends/errors';
import type { ChatRef } from '../../../backends/ids';
import { MUTE_DURATIONS, type MuteDuration } from '../../../backends/WhatsAppBackend';
import { chatLocator, chatResult, readChat } from '../common';
import type { OperationModule } from '../OperationModule';

export const capability = 'muteChat';

export const description = updateDisplayOptions({ show: { resource: ['chat'], operation: ['mute'] } }, [
	chatLocator,
	{
		displayName: 'Mute For',
		name: 'muteDuration',
		type: 'options',
		options: [
			{ name: '8 Hours', value: '8h' },
			{ name: '1 Week', value: '1w' },
			{ name: 'Always', value: 'always' },
		],
		default: '8h',
		description: 'How long the chat stays muted (the choices WhatsApp offers)',
	},
]);

export const readInput: OperationModule<{ chat: ChatRef; duration: MuteDuration }>['readInput'] = (ctx, itemIndex) => {
	const chat = readChat(ctx, itemIndex);
	const duration = ctx.getNodeParameter('muteDuration', itemIndex, '8h') as unknown;
	if (typeof duration !== 'string' || !Object.prototype.hasOwnProperty.call(MUTE_DURATIONS, duration)) {
		throw new InvalidInputError('Mute For', duration, '"8h" (8 hours), "1w" (1 week) or "always"');
	}
	return { chat, duration: duration as MuteDuration };
};

export const execute: OperationModule<{ chat: ChatRef; duration: MuteDuration }>['execute'] = async (backend, { chat, duration }) => {
	const answer = await backend.muteChat(chat, duration);
	return chatResult(backend, chat, { muted: true, muteDuration: duration, muteEndTimestamp: answer.muteEndTimestamp ?? null }, answer);
};
