/** Chat → Clear Messages: deletes every message of a chat, keeping the chat. */
import { chatAction } from './chatAction';

export const { capability, description, readInput, execute } = chatAction({
	operation: 'clearMessages',
	capability: 'clearMessages',
	result: { cleared: true },
	run: (backend, chat) => backend.clearMessages(chat),
});
