/** Chat → Unmute: the chat's notifications on again. */
import { chatAction } from './chatAction';

export const { capability, description, readInput, execute } = chatAction({
	operation: 'unmute',
	capability: 'unmuteChat',
	result: { muted: false, muteEndTimestamp: null },
	run: (backend, chat) => backend.unmuteChat(chat),
});
