/** Chat → Pin: pins the chat at the top of the chat list (Message → Pin pins a message instead). */
import { chatAction } from './chatAction';

export const { capability, description, readInput, execute } = chatAction({
	operation: 'pin',
	capability: 'pinChat',
	result: { pinned: true },
	run: (backend, chat) => backend.pinChat(chat),
});
