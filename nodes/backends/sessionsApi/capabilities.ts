/** What the Sessions API gateway offers: it documents no list, label, pairing, status, logout, clear, mark-read, mute or chat-pin endpoints. */
import type { Capabilities } from '../capabilities';

const LABELS_ELSEWHERE =
	'the Sessions API gateway documents no label endpoints; manage labels in the WhatsApp Business app, or use WAHA, Evolution API or the embedded connection';

const PAIR_THERE = 'the Sessions API gateway documents no pairing endpoint; pair the session in the gateway itself';

export const SESSIONS_API_CAPABILITIES = {
	backend: 'Sessions API',
	lacks: {
		listChats: 'the Sessions API gateway documents no endpoint that lists chats; give the chat as a phone number or chat id',
		listMessages:
			'the Sessions API gateway documents no endpoint that lists messages; take message ids from the WhatsApp Chats Trigger or the gateway',
		getChat: 'the Sessions API gateway documents no endpoint that reads a chat; use WAHA, Evolution API or the embedded connection to read one',
		getChatPicture:
			'the Sessions API gateway documents no profile-picture endpoint; use WAHA, Evolution API or the embedded connection to fetch a chat\'s picture',
		clearMessages: 'the Sessions API gateway documents no endpoint that clears a chat; clear it on the phone',
		getMessage:
			'the Sessions API gateway documents no endpoint that reads a message or its media; the WhatsApp Chats Trigger gives each message as it arrives, or use WAHA, Evolution API or the embedded connection',
		listLabels: LABELS_ELSEWHERE,
		getChatLabels: LABELS_ELSEWHERE,
		addChatLabel: LABELS_ELSEWHERE,
		removeChatLabel: LABELS_ELSEWHERE,
		getQr: PAIR_THERE,
		requestPairingCode: PAIR_THERE,
		getSessionStatus:
			'the Sessions API gateway documents no status endpoint; the credential test tells whether the session is known and the key accepted',
		logout: 'the Sessions API gateway documents no logout endpoint; log the session out in the gateway itself',
		markChatRead: 'the Sessions API gateway documents no endpoint that marks a chat read; read it on the phone, or use WAHA, Evolution API or the embedded connection',
		muteChat: 'the Sessions API gateway documents no endpoint that mutes a chat; mute it on the phone, or use the embedded connection',
		unmuteChat: 'the Sessions API gateway documents no endpoint that unmutes a chat; unmute it on the phone, or use the embedded connection',
		pinChat: 'the Sessions API gateway documents no endpoint that pins a chat (Message: Pin pins a message); pin it on the phone, or use the embedded connection',
		unpinChat: 'the Sessions API gateway documents no endpoint that unpins a chat; unpin it on the phone, or use the embedded connection',
		sendText:
			'the Sessions API gateway documents no endpoint that sends messages; send from the gateway itself, or use WAHA, Evolution API or the embedded connection',
	},
	notes: { pinMessage: '²', unpinMessage: '²' },
} as const satisfies Capabilities;
