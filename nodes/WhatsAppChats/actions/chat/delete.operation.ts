import { chatAction } from './chatAction';

export const { capability, description, readInput, execute } = chatAction({
	operation: 'delete',
	capability: 'deleteChat',
	result: { deleted: true },
	run: (backend, chat) => backend.deleteChat(chat),
});
