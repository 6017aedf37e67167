/** What WAHA offers: no Logout, no chat mute or chat pin (the README's table is rendered from this map). */
import type { Capabilities } from '../capabilities';

export const WAHA_CAPABILITIES = {
	backend: 'WAHA',
	lacks: {
		logout: 'log the session out from the WAHA dashboard or its sessions API',
		muteChat: 'WAHA has no endpoint that mutes a chat (it mutes channels only); mute it on the phone, or use the embedded connection',
		unmuteChat: 'WAHA has no endpoint that unmutes a chat (it unmutes channels only); unmute it on the phone, or use the embedded connection',
		pinChat: 'WAHA has no endpoint that pins a chat (Message: Pin pins a message); pin it on the phone, or use the embedded connection',
		unpinChat: 'WAHA has no endpoint that unpins a chat (Message: Unpin unpins a message); unpin it on the phone, or use the embedded connection',
	},
	notes: { pinMessage: '¹', unpinMessage: '¹' },
} as const satisfies Capabilities;
