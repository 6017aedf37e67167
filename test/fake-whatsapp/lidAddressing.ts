/**
 * LID addressing as WhatsApp speaks it: messages from people known by their LID (1:1 and in
 * groups) with the stanza attributes Baileys 7 reads in `decodeMessageNode` (`addressing_mode="lid"`,
 * `sender_pn` for 1:1, `participant_pn` in groups), the phone telling the device a LID's phone
 * number (app-state `pnForLidChatAction` → Baileys' `lid-mapping.update`), and a history sync that
 * carries LID ↔ phone-number pairs (`lidPnMappings`).
 */
import type { FakeWhatsApp, InjectedMessage } from './server';

export interface LidContact {
	/** Phone digits, e.g. '15557770001'. */
	phone: string;
	/** LID JID, e.g. '177770001000001@lid'. */
	lid: string;
	/** Phone-number JID, e.g. '15557770001@s.whatsapp.net'. */
	jid: string;
}

/** Registers a contact the server addresses by its LID (its phone number known to the directory). */
export function addLidContact(wa: FakeWhatsApp, phone: string, lidUser?: string): LidContact {
	const { jid, lid } = wa.addContact(phone, lidUser);
	return { phone: jid.split('@')[0], lid, jid };
}

export interface LidMessageSpec {
	/** The sender, known by its LID. */
	from: LidContact;
	text: string;
	/** A group JID: the message is from `from` in that group; without it, a 1:1 message. */
	group?: string;
	id?: string;
	pushName?: string;
	timestamp?: number;
	/** Leave the sender's phone number out of the stanza (a LID-only sender). */
	withoutPhone?: boolean;
}

/**
 * A message from a LID-addressed person as WhatsApp delivers it: `from` (1:1) or `participant`
 * (group) is the LID, `addressing_mode="lid"`, and the phone number in `sender_pn` (1:1) or
 * `participant_pn` (group) unless `withoutPhone`. Resolves after the client's receipt; Baileys
 * emits it with `key.remoteJid` (or `participant`) the LID and `remoteJidAlt` / `participantAlt` the phone JID.
 */
export async function injectLidMessage(wa: FakeWhatsApp, spec: LidMessageSpec): Promise<InjectedMessage> {
	const phoneAttr = spec.group ? 'participant_pn' : 'sender_pn';
	const attrs: Record<string, string> = { addressing_mode: 'lid', ...(spec.withoutPhone ? {} : { [phoneAttr]: spec.from.jid }) };
	return await wa.injectMessage({
		chat: spec.group ?? spec.from.lid,
		...(spec.group ? { from: spec.from.lid } : {}),
		text: spec.text,
		id: spec.id,
		pushName: spec.pushName,
		timestamp: spec.timestamp,
		attrs,
	});
}

/**
 * The phone tells the device a LID's phone number (app-state `pnForLidChatAction` on the LID's
 * chat): Baileys emits `lid-mapping.update { lid, pn }`. Needs the app-state key on the client.
 */
export async function pushLidMapping(wa: FakeWhatsApp, contact: LidContact): Promise<void> {
	await wa.injectAppStateChange({
		type: 'regular_low',
		index: ['pnForLidChat', contact.lid],
		syncAction: { timestamp: Date.now(), pnForLidChatAction: { pnJid: contact.jid } },
		apiVersion: 1,
		operation: 0,
	});
}

/** A history sync whose only news is LID ↔ phone-number pairs (plus any chats given). */
export async function pushLidHistory(wa: FakeWhatsApp, contacts: LidContact[], chats: Parameters<FakeWhatsApp['pushHistorySync']>[0] = {}): Promise<void> {
	await wa.pushHistorySync({ ...chats, lidPnMappings: contacts.map((contact) => ({ lid: contact.lid, pn: contact.jid })) });
}
