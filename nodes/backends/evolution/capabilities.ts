/** What Evolution API v2 offers: no pin, star, delete-chat, clear or chat-mute endpoints. */
import type { Capabilities } from '../capabilities';

export const EVOLUTION_CAPABILITIES = {
	backend: 'Evolution API',
	lacks: {
		deleteChat: 'Evolution API has no endpoint that deletes a chat; archive it instead (Chat: Archive), or use WAHA or the embedded connection',
		clearMessages: 'Evolution API has no endpoint that clears a chat; use WAHA or the embedded connection',
		pinMessage: 'Evolution API has no endpoint that pins a message; use WAHA, the Sessions API or the embedded connection',
		unpinMessage: 'Evolution API has no endpoint that unpins a message; unpin it on the phone, or use WAHA, the Sessions API or the embedded connection',
		starMessage: 'Evolution API has no endpoint that stars a message; use WAHA, the Sessions API or the embedded connection',
		unstarMessage: 'Evolution API has no endpoint that unstars a message; unstar it on the phone, or use WAHA, the Sessions API or the embedded connection',
		muteChat: 'Evolution API has no endpoint that mutes a chat; mute it on the phone, or use the embedded connection',
		unmuteChat: 'Evolution API has no endpoint that unmutes a chat; unmute it on the phone, or use the embedded connection',
		pinChat: 'Evolution API has no endpoint that pins a chat; pin it on the phone, or use the embedded connection',
		unpinChat: 'Evolution API has no endpoint that unpins a chat; unpin it on the phone, or use the embedded connection',
	},
} as const satisfies Capabilities;
