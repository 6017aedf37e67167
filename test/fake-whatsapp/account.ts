/** The fake server's WhatsApp account: the primary phone, its keys and its contacts. */
import { randomBytes, randomInt } from 'crypto';

import type { Baileys } from './baileys';
import type { KeyPair } from './certificate';

/**
 * The WhatsApp account the fake server hosts: the "primary phone" with its ADV account key (which
 * signs every linked device) and the app-state sync key it shares with linked devices. Also the
 * directory of contacts (phone number <-> LID).
 */
export interface AppStateKey {
	/** Key id bytes; Baileys stores the key under base64(keyId). */
	keyId: Buffer;
	keyData: Buffer;
	timestamp: number;
}

export interface PhoneAccount {
	/** Phone number user part, e.g. '15550001111'. */
	pnUser: string;
	/** LID user part, e.g. '100015550001111'. */
	lidUser: string;
	pushName: string;
	/** Curve25519 key pair of the account (the phone); signs linked-device identities. */
	accountKey: KeyPair;
	appStateKey: AppStateKey;
	platform: string;
}

export interface PhoneAccountOptions {
	phoneNumber?: string;
	lid?: string;
	pushName?: string;
	/** The phone app's platform as pairing reports it: 'android' (default), or 'smba' / 'smbi' for WhatsApp Business. */
	platform?: string;
}

/**
 * Deterministic fake LID for a phone number, so tests can predict it.
 * Real LIDs are unrelated 15-digit numbers; the '1000' prefix keeps these recognisable.
 */
export function lidUserFor(pnUser: string): string {
	return `1${pnUser.padStart(14, '0')}`;
}

export function createPhoneAccount(B: Baileys, opts: PhoneAccountOptions = {}): PhoneAccount {
	const pnUser = (opts.phoneNumber ?? '15550001111').replace(/\D/g, '');
	return {
		pnUser,
		lidUser: opts.lid ?? lidUserFor(pnUser),
		pushName: opts.pushName ?? 'Fake Phone',
		accountKey: B.Curve.generateKeyPair() as KeyPair,
		appStateKey: { keyId: randomBytes(6), keyData: randomBytes(32), timestamp: Date.now() },
		platform: opts.platform ?? 'android',
	};
}

export function appStateKeyIdB64(phone: PhoneAccount): string {
	return phone.appStateKey.keyId.toString('base64');
}

/** The app-state key in the shape Baileys keeps in its key store ('app-state-sync-key'). */
export function appStateKeyData(B: Baileys, phone: PhoneAccount) {
	return B.proto.Message.AppStateSyncKeyData.fromObject({
		keyData: phone.appStateKey.keyData,
		fingerprint: { rawId: 1, currentIndex: 0, deviceIndexes: [0] },
		timestamp: phone.appStateKey.timestamp,
	});
}

export interface DeviceIdentity {
	/** proto ADVSignedDeviceIdentity *without* deviceSignature (what the phone hands out). */
	signed: {
		details: Uint8Array;
		accountSignatureKey: Uint8Array;
		accountSignature: Uint8Array;
	};
	keyIndex: number;
}

/**
 * The phone's signature over a new linked device: ADVDeviceIdentity details, signed with the
 * account key over (prefix 6,0 | details | device identity key). Baileys verifies exactly this.
 */
export function signDeviceIdentity(B: Baileys, phone: PhoneAccount, deviceIdentityPublic: Uint8Array, keyIndex = 1): DeviceIdentity {
	const { proto, Curve } = B;
	const details = proto.ADVDeviceIdentity.encode({
		rawId: randomInt(1, 2 ** 31),
		timestamp: Math.floor(Date.now() / 1000),
		keyIndex,
		accountType: proto.ADVEncryptionType.E2EE,
		deviceType: proto.ADVEncryptionType.E2EE,
	}).finish();
	const accountSignature = Curve.sign(
		phone.accountKey.private,
		Buffer.concat([Buffer.from([6, 0]), details, Buffer.from(deviceIdentityPublic)]),
	);
	return {
		signed: { details, accountSignatureKey: phone.accountKey.public, accountSignature },
		keyIndex,
	};
}

/** Directory of contacts: phone-number user <-> LID user. Unknown numbers get a derived LID. */
export class ContactDirectory {
	private readonly pnToLid = new Map<string, string>();
	private readonly lidToPn = new Map<string, string>();

	add(pnUser: string, lidUser = lidUserFor(pnUser)): { pnUser: string; lidUser: string } {
		this.pnToLid.set(pnUser, lidUser);
		this.lidToPn.set(lidUser, pnUser);
		return { pnUser, lidUser };
	}

	lidForPn(pnUser: string): string {
		return this.pnToLid.get(pnUser) ?? this.add(pnUser).lidUser;
	}

	pnForLid(lidUser: string): string | undefined {
		return this.lidToPn.get(lidUser);
	}
}
