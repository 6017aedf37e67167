/** Message → Unpin: unpins a message. */
import { messageAction } from './messageAction';

export const { capability, description, readInput, execute } = messageAction<void>({
	operation: 'unpin',
	capability: 'unpinMessage',
	run: (backend, message) => backend.unpinMessage(message),
	result: () => ({ pinned: false }),
});
