/** Message → Delete: deletes a message for everyone. */
import { messageAction } from './messageAction';

export const { capability, description, readInput, execute } = messageAction<void>({
	operation: 'delete',
	capability: 'deleteMessage',
	run: (backend, message) => backend.deleteMessage(message),
	result: () => ({ deleted: true }),
});
