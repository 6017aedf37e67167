import { chatAction } from './chatAction';

export const { capability, description, readInput, execute } = chatAction({
	operation: 'clearMessages',
	capability: 'clearMessages',
	result: { cleared: true },
	run: (backend, chat) => backend.clearMessages(chat),
});
