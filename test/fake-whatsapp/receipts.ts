/**
 * Receipts from a recipient's phone for messages the client sent: delivered (no `type`), read
 * (`type="read"`) and played (`type="played"`, voice notes and videos), as WhatsApp sends them:
 * `<receipt from="<recipient>" id="<first id>" t="…" [type]>` with further ids in
 * `<list><item id/></list>`, and in groups `from="<group>" participant="<reader>"`. Baileys turns
 * direct-chat receipts into `messages.update` (status 3, 4, 5) and group ones into
 * `message-receipt.update`. Each call resolves once the client acknowledged the stanza.
 */
import type { FakeWhatsApp } from './server';
import { node } from './nodes';

export type ReceiptKind = 'delivered' | 'read' | 'played';

export interface ReceiptSpec {
	/** The chat: the recipient's JID in a direct chat, the group's in a group. */
	chat: string;
	/** Ids of the client's own messages the receipt covers (one stanza for all). */
	ids: string[];
	kind: ReceiptKind;
	/** Groups: who received, read or played it. */
	participant?: string;
	/** Unix seconds; default now. */
	t?: number;
}

/** The receipt stanza as WhatsApp sends it. */
export function receiptStanza(spec: ReceiptSpec) {
	const [first, ...more] = spec.ids;
	if (!first) throw new Error('fake-whatsapp: a receipt needs at least one message id');
	return node(
		'receipt',
		{
			from: spec.chat,
			id: first,
			t: String(spec.t ?? Math.floor(Date.now() / 1000)),
			...(spec.participant ? { participant: spec.participant } : {}),
			...(spec.kind === 'delivered' ? {} : { type: spec.kind }),
		},
		more.length ? [node('list', {}, more.map((id) => node('item', { id })))] : undefined,
	);
}

/** Sends the receipt to the connected client and waits for its ack (`<ack class="receipt">`). */
export async function sendReceipt(wa: FakeWhatsApp, spec: ReceiptSpec, timeoutMs = 5000): Promise<void> {
	const stanza = receiptStanza(spec);
	const acked = wa.waitForNew('ack', (ack) => ack.tag === 'ack' && ack.id === stanza.attrs.id && ack.node.attrs.class === 'receipt', timeoutMs);
	wa.send(stanza);
	await acked;
}
