/** Message → Unstar: takes the star off a message. */
import { messageAction } from './messageAction';

export const { capability, description, readInput, execute } = messageAction<void>({
	operation: 'unstar',
	capability: 'unstarMessage',
	run: (backend, message) => backend.unstarMessage(message),
	result: () => ({ starred: false }),
});
