/** Chat → Unpin: takes the chat off the top of the chat list. */
import { chatAction } from './chatAction';

export const { capability, description, readInput, execute } = chatAction({
	operation: 'unpin',
	capability: 'unpinChat',
	result: { pinned: false },
	run: (backend, chat) => backend.unpinChat(chat),
});
