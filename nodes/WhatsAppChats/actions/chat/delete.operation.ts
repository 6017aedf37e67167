/** Chat → Delete: deletes a chat. */
import { chatAction } from './chatAction';

export const { capability, description, readInput, execute } = chatAction({
	operation: 'delete',
	capability: 'deleteChat',
	result: { deleted: true },
	run: (backend, chat) => backend.deleteChat(chat),
});
