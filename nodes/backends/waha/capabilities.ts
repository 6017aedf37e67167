/** What WAHA offers: every operation but Logout (the README's table is rendered from this map). */
import type { Capabilities } from '../capabilities';

export const WAHA_CAPABILITIES = {
	backend: 'WAHA',
	lacks: {
		logout: 'log the session out from the WAHA dashboard or its sessions API',
	},
	notes: { pinMessage: '¹', unpinMessage: '¹' },
} as const satisfies Capabilities;
