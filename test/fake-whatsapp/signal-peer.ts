/** The Signal sessions of the fake phone's contacts: encrypt to and decrypt from the client. */
import { randomInt } from 'crypto';
import * as libsignal from 'libsignal';

import type { Baileys, GroupCrypto } from './baileys';

// libsignal ships no types for its protobuf module; only PreKeyWhisperMessage.decode is used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PreKeyWhisperMessage } = require('libsignal/src/protobufs.js') as {
	PreKeyWhisperMessage: { decode(data: Uint8Array): { baseKey?: Uint8Array } };
};
import { encodeBigEndian, node, type WANode } from './nodes';

/**
 * One remote device (a contact's phone, or our own primary phone) with a real Signal identity.
 *
 * The fake server hands its pre-key bundle to the client on `encrypt`/`key` IQs; the client then
 * builds an X3DH session and sends `pkmsg`/`msg` ciphertexts, which this peer decrypts with
 * libsignal exactly as the real device would. That lets tests assert on what the phone receives.
 */
interface SignalKeyPair {
	pubKey: Buffer; // 33 bytes, 0x05-prefixed
	privKey: Buffer;
}

export class SignalPeer {
	readonly registrationId = randomInt(1, 16380);
	private readonly identity: SignalKeyPair;
	private readonly signedPreKey: { keyId: number; keyPair: SignalKeyPair; signature: Buffer };
	private readonly preKeys = new Map<number, SignalKeyPair>();
	// Live SessionRecord objects (libsignal's serialize() is a plain object anyway; no need to copy).
	private readonly sessions = new Map<string, libsignal.SessionRecord>();
	private nextPreKeyId = 1;

	constructor(
		private readonly B: Baileys,
		/** Device JID this peer stands for, e.g. '100015550002222@lid'. */
		readonly jid: string,
	) {
		this.identity = this.keyPair();
		const signedKeyPair = this.keyPair();
		this.signedPreKey = {
			keyId: 1,
			keyPair: signedKeyPair,
			signature: Buffer.from(B.Curve.sign(this.identity.privKey, signedKeyPair.pubKey)),
		};
	}

	/** `<user jid=..>` node of an `encrypt` key-fetch result: identity, signed pre-key, one fresh pre-key. */
	bundleNode(jid: string): WANode {
		const preKeyId = this.nextPreKeyId++;
		const preKey = this.keyPair();
		this.preKeys.set(preKeyId, preKey);
		return node('user', { jid }, [
			node('registration', {}, encodeBigEndian(this.registrationId, 4)),
			node('type', {}, Buffer.from([5])),
			node('identity', {}, this.identity.pubKey.subarray(1)),
			node('skey', {}, [
				node('id', {}, encodeBigEndian(this.signedPreKey.keyId, 3)),
				node('value', {}, this.signedPreKey.keyPair.pubKey.subarray(1)),
				node('signature', {}, this.signedPreKey.signature),
			]),
			node('key', {}, [node('id', {}, encodeBigEndian(preKeyId, 3)), node('value', {}, preKey.pubKey.subarray(1))]),
		]);
	}

	/** Decrypts a 1:1 ciphertext from `sender` (any stable address string for the client device). */
	async decrypt(sender: string, type: string, ciphertext: Uint8Array): Promise<Buffer> {
		const address = this.address(sender);
		const data = Buffer.from(ciphertext);
		if (type === 'pkmsg') this.dropSupersededSession(address.toString(), data);
		const cipher = new libsignal.SessionCipher(this.storage(), address);
		const padded = type === 'pkmsg' ? await cipher.decryptPreKeyWhisperMessage(data) : await cipher.decryptWhisperMessage(data);
		return Buffer.from(this.B.unpadRandomMax16(padded));
	}

	/**
	 * A pkmsg with a new base key means the client built a fresh session (Baileys 7 re-fetches
	 * bundles after every device lookup). Start from an empty record instead of letting libsignal
	 * "close" the old one, which dumps the whole session to the console.
	 */
	private dropSupersededSession(id: string, pkmsg: Buffer): void {
		const record = this.sessions.get(id) as unknown as { getSession(baseKey: Buffer): unknown } | undefined;
		if (!record) return;
		const { baseKey } = PreKeyWhisperMessage.decode(pkmsg.subarray(1));
		if (baseKey && !record.getSession(Buffer.from(baseKey))) this.sessions.delete(id);
	}

	private address(sender: string): libsignal.ProtocolAddress {
		return signalAddress(this.B, sender);
	}

	private keyPair(): SignalKeyPair {
		const kp = this.B.Curve.generateKeyPair();
		return { pubKey: Buffer.from(this.B.generateSignalPubKey(kp.public)), privKey: Buffer.from(kp.private) };
	}

	private storage(): libsignal.SignalStorage {
		return {
			loadSession: async (id) => this.sessions.get(id),
			storeSession: async (id, record) => {
				this.sessions.set(id, record);
			},
			// The fake phone trusts whatever identity the client presents (TOFU, like Baileys itself).
			isTrustedIdentity: () => true,
			loadPreKey: async (id) => this.preKeys.get(Number(id)),
			removePreKey: (id) => {
				this.preKeys.delete(Number(id));
			},
			loadSignedPreKey: () => this.signedPreKey.keyPair,
			getOurRegistrationId: () => this.registrationId,
			getOurIdentity: () => this.identity,
		};
	}
}

/** libsignal rejects names containing '.', so use the user part plus a domain marker. */
function signalAddress(B: Baileys, jid: string): libsignal.ProtocolAddress {
	const decoded = B.jidDecode(jid);
	const name = decoded?.server === 'lid' ? `${decoded.user}_1` : decoded?.user ?? jid.replace(/\W/g, '');
	return new libsignal.ProtocolAddress(name, decoded?.device ?? 0);
}

/**
 * Sender keys of group messages. A group message is encrypted once (`skmsg`) with the sender's
 * chain key, which the sender distributes to each member device inside a 1:1 `pkmsg`. The fake
 * server collects those distributions here (one store for all member devices, which all hold
 * the same key) so it can read every `skmsg` the client sends.
 */
export class SenderKeyStore {
	private readonly records = new Map<string, InstanceType<GroupCrypto['SenderKeyRecord']>>();

	constructor(
		private readonly B: Baileys,
		private readonly G: GroupCrypto,
	) {}

	async loadSenderKey(name: { toString(): string }) {
		return this.records.get(name.toString()) ?? new this.G.SenderKeyRecord();
	}

	async storeSenderKey(name: { toString(): string }, record: InstanceType<GroupCrypto['SenderKeyRecord']>) {
		this.records.set(name.toString(), record);
	}

	async process(groupId: string, sender: string, distribution: Uint8Array): Promise<void> {
		const message = new this.G.SenderKeyDistributionMessage(null, null, null, null, distribution);
		await new this.G.GroupSessionBuilder(this as any).process(this.name(groupId, sender), message);
	}

	async decrypt(groupId: string, sender: string, ciphertext: Uint8Array): Promise<Buffer> {
		const padded = await new this.G.GroupCipher(this as any, this.name(groupId, sender)).decrypt(ciphertext);
		return Buffer.from(this.B.unpadRandomMax16(padded));
	}

	private name(groupId: string, sender: string) {
		return new this.G.SenderKeyName(groupId, signalAddress(this.B, sender) as any);
	}
}
