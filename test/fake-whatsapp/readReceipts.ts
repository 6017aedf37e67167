/**
 * Read receipts the client sends (`readMessages`): `<receipt type="read" id=first to=chat
 * [participant]><list><item id=…/></list></receipt>`, as the phone's server sees them.
 */
import { children, child, type WANode } from './nodes';

export interface ReadReceipt {
	/** 'read', or 'read-self' when the account's privacy settings hide read receipts. */
	type: 'read' | 'read-self';
	/** The chat (or, for receipts Baileys addresses to a sender, that sender). */
	to: string;
	participant?: string;
	/** Every message id the receipt covers: the `id` attribute first, then the list's items. */
	ids: string[];
	/** Unix seconds the client stamped. */
	t: number | null;
	node: WANode;
}

/** The read receipt in a `<receipt>` stanza from the client, or undefined for other receipts (delivery, retry, …). */
export function readReceiptOf(stanza: WANode): ReadReceipt | undefined {
	const type = stanza.attrs.type;
	if (stanza.tag !== 'receipt' || (type !== 'read' && type !== 'read-self')) return undefined;
	const listed = children(child(stanza, 'list'), 'item').map((item) => item.attrs.id);
	return {
		type,
		to: stanza.attrs.to,
		...(stanza.attrs.participant ? { participant: stanza.attrs.participant } : {}),
		ids: [stanza.attrs.id, ...listed],
		t: stanza.attrs.t ? Number(stanza.attrs.t) : null,
		node: stanza,
	};
}
