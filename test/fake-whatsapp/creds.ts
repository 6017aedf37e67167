/** Ready-made auth state of a device already linked to the fake phone. */
import type { Baileys } from './baileys';
import { appStateKeyData, appStateKeyIdB64, signDeviceIdentity, type PhoneAccount } from './account';

/**
 * Ready-made Baileys auth state for a device that is already linked to the fake phone, so tests
 * can skip QR pairing and log straight in.
 */

/** Key store with the `get`/`set` contract of Baileys' SignalKeyStore, kept in memory. */
export interface MemoryKeyStore {
	get(type: string, ids: string[]): Promise<Record<string, any>>;
	set(data: Record<string, Record<string, any> | undefined>): Promise<void>;
	clear(): Promise<void>;
	/** Raw contents by type and id, for assertions. */
	readonly data: Map<string, Map<string, any>>;
}

export function makeMemoryKeyStore(): MemoryKeyStore {
	const data = new Map<string, Map<string, any>>();
	return {
		data,
		async get(type, ids) {
			const bucket = data.get(type);
			const out: Record<string, any> = {};
			for (const id of ids) {
				const value = bucket?.get(id);
				if (value !== undefined && value !== null) out[id] = value;
			}
			return out;
		},
		async set(update) {
			for (const [type, entries] of Object.entries(update)) {
				if (!entries) continue;
				let bucket = data.get(type);
				if (!bucket) data.set(type, (bucket = new Map()));
				for (const [id, value] of Object.entries(entries)) {
					if (value === null || value === undefined) bucket.delete(id);
					else bucket.set(id, value);
				}
			}
		},
		async clear() {
			data.clear();
		},
	};
}

export interface PairedCredsOptions {
	/** Device number of this linked device (the phone is device 0). Default 2. */
	device?: number;
	/** Put the phone's app-state sync key into the store (default true). Without it, chatModify/star throw 'App state key not present!' until `shareAppStateKey()`. */
	withAppStateKey?: boolean;
	/**
	 * Pretend the device has synced before (accountSyncCounter 1, default true). When false,
	 * Baileys buffers chat/message events for up to 20 s after login waiting for a history sync.
	 */
	synced?: boolean;
	pushName?: string;
}

export interface PairedCreds {
	creds: any;
	keys: MemoryKeyStore;
}

export function makePairedCreds(B: Baileys, phone: PhoneAccount, opts: PairedCredsOptions = {}): PairedCreds {
	const device = opts.device ?? 2;
	const creds: any = B.initAuthCreds();
	const keys = makeMemoryKeyStore();

	const identity = signDeviceIdentity(B, phone, creds.signedIdentityKey.public);
	const deviceSignature = B.Curve.sign(
		creds.signedIdentityKey.private,
		Buffer.concat([
			Buffer.from([6, 1]),
			identity.signed.details,
			creds.signedIdentityKey.public,
			identity.signed.accountSignatureKey,
		]),
	);
	const lid = `${phone.lidUser}:${device}@lid`;
	Object.assign(creds, {
		me: { id: `${phone.pnUser}:${device}@s.whatsapp.net`, lid, name: opts.pushName ?? phone.pushName },
		account: { ...identity.signed, deviceSignature },
		signalIdentities: [B.createSignalIdentity(lid, identity.signed.accountSignatureKey)],
		platform: phone.platform,
		registered: true,
		accountSyncCounter: opts.synced === false ? 0 : 1,
	});

	if (opts.withAppStateKey !== false) {
		const id = appStateKeyIdB64(phone);
		void keys.set({ 'app-state-sync-key': { [id]: appStateKeyData(B, phone) } });
		creds.myAppStateKeyId = id;
	}
	return { creds, keys };
}
