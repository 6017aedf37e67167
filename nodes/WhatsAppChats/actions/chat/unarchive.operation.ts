/** Chat → Unarchive: moves a chat out of the archive. */
import { chatAction } from './chatAction';

export const { capability, description, readInput, execute } = chatAction({
	operation: 'unarchive',
	capability: 'unarchiveChat',
	result: { archived: false },
	run: (backend, chat) => backend.unarchiveChat(chat),
});
