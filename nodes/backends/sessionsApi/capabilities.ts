/** What the Sessions API gateway offers: it documents no list, pairing, status, logout or clear endpoints. */
import type { Capabilities } from '../capabilities';

const PAIR_THERE = 'the Sessions API gateway documents no pairing endpoint; pair the session in the gateway itself';

export const SESSIONS_API_CAPABILITIES = {
	backend: 'Sessions API',
	lacks: {
		listChats: 'the Sessions API gateway documents no endpoint that lists chats; give the chat as a phone number or chat id',
		listMessages:
			'the Sessions API gateway documents no endpoint that lists messages; take message ids from the WhatsApp Chats Trigger or the gateway',
		clearMessages: 'the Sessions API gateway documents no endpoint that clears a chat; clear it on the phone',
		getQr: PAIR_THERE,
		requestPairingCode: PAIR_THERE,
		getSessionStatus:
			'the Sessions API gateway documents no status endpoint; the credential test tells whether the session is known and the key accepted',
		logout: 'the Sessions API gateway documents no logout endpoint; log the session out in the gateway itself',
		sendText:
			'the Sessions API gateway documents no endpoint that sends messages; send from the gateway itself, or use WAHA, Evolution API or the embedded connection',
	},
	notes: { pinMessage: '²', unpinMessage: '²' },
} as const satisfies Capabilities;
