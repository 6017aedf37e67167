/** Chat → Mark Unread: marks a chat as unread. */
import { chatAction } from './chatAction';

export const { capability, description, readInput, execute } = chatAction({
	operation: 'markUnread',
	capability: 'markChatUnread',
	result: { unread: true },
	run: (backend, chat) => backend.markChatUnread(chat),
});
