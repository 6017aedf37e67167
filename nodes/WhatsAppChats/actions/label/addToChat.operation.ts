/** Label → Add to Chat: puts a label on a chat, keeping its other labels. */
import { chatLabelAction } from './labelFields';

export const { capability, description, readInput, execute } = chatLabelAction({
	operation: 'addToChat',
	capability: 'addChatLabel',
	added: true,
	run: (backend, chat, label) => backend.addChatLabel(chat, label),
});
