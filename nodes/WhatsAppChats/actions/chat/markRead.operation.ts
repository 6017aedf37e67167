/** Chat → Mark Read: the chat's unread messages marked read (read receipts where the backend sends them). */
import { chatAction } from './chatAction';

export const { capability, description, readInput, execute } = chatAction({
	operation: 'markRead',
	capability: 'markChatRead',
	result: { unread: false },
	run: (backend, chat) => backend.markChatRead(chat),
});
