/** Chat → Archive: moves a chat into the archive. */
import { chatAction } from './chatAction';

export const { capability, description, readInput, execute } = chatAction({
	operation: 'archive',
	capability: 'archiveChat',
	result: { archived: true },
	run: (backend, chat) => backend.archiveChat(chat),
});
