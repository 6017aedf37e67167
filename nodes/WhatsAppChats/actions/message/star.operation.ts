/** Message → Star: stars a message. */
import { messageAction } from './messageAction';

export const { capability, description, readInput, execute } = messageAction<void>({
	operation: 'star',
	capability: 'starMessage',
	run: (backend, message) => backend.starMessage(message),
	result: () => ({ starred: true }),
});
