/** Label → Remove from Chat: takes a label off a chat, keeping its other labels. */
import { chatLabelAction } from './labelFields';

export const { capability, description, readInput, execute } = chatLabelAction({
	operation: 'removeFromChat',
	capability: 'removeChatLabel',
	added: false,
	run: (backend, chat, label) => backend.removeChatLabel(chat, label),
});
