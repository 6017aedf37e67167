/** The contacts' devices of the fake server: they decrypt what the client sends them. */
import type { proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };

import type { ContactDirectory, PhoneAccount } from './account';
import type { Baileys, GroupCrypto } from './baileys';
import { bytes, child, children, type WANode } from './nodes';
import { SenderKeyStore, SignalPeer } from './signal-peer';

/** A message the client sent, as the recipient's device decrypted it. */
export interface OutboundMessage {
	id: string;
	/** Stanza `to`: the chat JID. */
	to: string;
	/** Stanza `type`: 'text', 'reaction', 'media', 'poll', ... */
	type: string;
	/** Stanza `edit`: '1' edit, '2' pin, '7' revoke, '8' admin revoke. */
	edit?: string;
	category?: string;
	/**
	 * The decrypted proto.Message as a contact's device sees it (for messages to yourself: the
	 * content inside the deviceSentMessage wrapper; for groups: the sender-key message).
	 * Undefined if nothing could be decrypted.
	 */
	message?: proto.IMessage;
	/** Device JIDs the client encrypted for. */
	recipients: string[];
	/** Per recipient (same order): 'pkmsg' (session not yet confirmed by the peer) or 'msg'. */
	encTypes: string[];
	decryptErrors: string[];
	node: WANode;
}

/**
 * Every remote device the client talks to (contacts' phones and our own phone), each with a real
 * Signal identity, plus the sender keys the client distributed for groups.
 */
export class RemoteDevices {
	private readonly peers = new Map<string, SignalPeer>();
	private readonly senderKeys: SenderKeyStore;

	constructor(
		private readonly B: Baileys,
		G: GroupCrypto,
		private readonly phone: PhoneAccount,
		private readonly contacts: ContactDirectory,
	) {
		this.senderKeys = new SenderKeyStore(B, G);
	}

	/** The fake Signal device behind a JID; PN and LID JIDs of the same device share one peer. */
	peerFor(jid: string): SignalPeer {
		const decoded = this.B.jidDecode(jid);
		if (!decoded?.user) throw new Error(`fake-whatsapp: bad device jid ${jid}`);
		const lidUser = decoded.server === 'lid' ? decoded.user : this.contacts.lidForPn(decoded.user);
		const key = `${lidUser}:${decoded.device ?? 0}`;
		let peer = this.peers.get(key);
		if (!peer) {
			peer = new SignalPeer(this.B, `${lidUser}${decoded.device ? `:${decoded.device}` : ''}@lid`);
			this.peers.set(key, peer);
		}
		return peer;
	}

	isOwnUser(jid: string): boolean {
		const user = this.B.jidDecode(jid)?.user;
		return user === this.phone.pnUser || user === this.phone.lidUser;
	}

	/**
	 * Decrypts each per-device copy of a `<message>` stanza from `sender` (the client's device
	 * JID) with that device's Signal identity, and for groups the sender-key ciphertext with the
	 * key the client distributed inside those copies.
	 */
	async decrypt(stanza: WANode, sender: string): Promise<OutboundMessage> {
		const { proto: P } = this.B;
		const targets: { jid: string; enc: WANode }[] = [];
		for (const to of children(child(stanza, 'participants'), 'to')) {
			const enc = child(to, 'enc');
			if (enc) targets.push({ jid: to.attrs.jid, enc });
		}
		const encs = children(stanza, 'enc');
		for (const enc of encs) {
			if (enc.attrs.type !== 'skmsg') targets.push({ jid: stanza.attrs.to, enc });
		}

		const decrypted: { jid: string; message: proto.IMessage }[] = [];
		const decryptErrors: string[] = [];
		for (const { jid, enc } of targets) {
			try {
				const message = P.Message.decode(await this.peerFor(jid).decrypt(sender, enc.attrs.type, bytes(enc) ?? Buffer.alloc(0)));
				decrypted.push({ jid, message });
				const skdm = message.senderKeyDistributionMessage;
				if (skdm?.axolotlSenderKeyDistributionMessage) {
					await this.senderKeys.process(skdm.groupId ?? stanza.attrs.to, sender, skdm.axolotlSenderKeyDistributionMessage);
				}
			} catch (err) {
				decryptErrors.push(`${jid}: ${(err as Error).message}`);
			}
		}

		let groupMessage: proto.IMessage | undefined;
		const skmsg = encs.find((e) => e.attrs.type === 'skmsg');
		if (skmsg) {
			try {
				groupMessage = P.Message.decode(await this.senderKeys.decrypt(stanza.attrs.to, sender, bytes(skmsg) ?? Buffer.alloc(0)));
			} catch (err) {
				decryptErrors.push(`${stanza.attrs.to} (skmsg): ${(err as Error).message}`);
			}
		}

		const forContact = decrypted.find((d) => !this.isOwnUser(d.jid));
		const forOwn = decrypted.find((d) => this.isOwnUser(d.jid));
		return {
			id: stanza.attrs.id,
			to: stanza.attrs.to,
			type: stanza.attrs.type,
			edit: stanza.attrs.edit,
			category: stanza.attrs.category,
			message: groupMessage ?? forContact?.message ?? forOwn?.message?.deviceSentMessage?.message ?? forOwn?.message ?? undefined,
			recipients: targets.map((t) => t.jid),
			encTypes: targets.map((t) => t.enc.attrs.type),
			decryptErrors,
			node: stanza,
		};
	}
}
