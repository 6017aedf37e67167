/** Message → Pin: pins a message in its chat for 24 hours, 7 days or 30 days. */
import { InvalidInputError } from '../../../backends/errors';
import { PIN_DURATIONS, type PinDuration } from '../../../backends/WhatsAppBackend';
import { messageAction } from './messageAction';

export const { capability, description, readInput, execute } = messageAction<PinDuration>({
	operation: 'pin',
	capability: 'pinMessage',
	extraFields: [
		{
			displayName: 'Duration',
			name: 'duration',
			type: 'options',
			options: [
				{ name: '24 Hours', value: 86400 },
				{ name: '7 Days', value: 604800 },
				{ name: '30 Days', value: 2592000 },
			],
			default: 86400,
			description: 'How long the message stays pinned',
		},
	],
	readExtra: (ctx, itemIndex) => {
		const duration = Number(ctx.getNodeParameter('duration', itemIndex, 86400));
		if (!PIN_DURATIONS.includes(duration as PinDuration)) {
			throw new InvalidInputError('Duration', duration, '86400 (24 hours), 604800 (7 days) or 2592000 (30 days) seconds');
		}
		return duration as PinDuration;
	},
	run: (backend, message, duration) => backend.pinMessage(message, duration),
	// What happened: a backend with its own fixed pin time says so, next to what was asked.
	result: (duration, answer) =>
		answer.pinnedForSeconds === undefined || answer.pinnedForSeconds === duration
			? { pinned: true, durationSeconds: duration }
			: { pinned: true, durationSeconds: answer.pinnedForSeconds, requestedDurationSeconds: duration, ...(answer.note ? { note: answer.note } : {}) },
});
