/** What the embedded (Baileys) connection offers: every operation. Loads no Baileys. */
import type { Capabilities } from '../capabilities';
import { EMBEDDED_LABEL } from './embeddedErrors';

export const EMBEDDED_CAPABILITIES: Capabilities = { backend: EMBEDDED_LABEL, lacks: {} };
