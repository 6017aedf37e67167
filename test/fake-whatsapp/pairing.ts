/** Linking a new device to the fake phone by QR code. */
import { createHmac, randomBytes } from 'crypto';

import { signDeviceIdentity, type PhoneAccount } from './account';
import type { Baileys } from './baileys';
import { newStanzaId } from './connection';
import { node, unixSeconds, type WANode } from './nodes';

/**
 * Linking a new device by QR code. The server sends `pair-device` with refs, Baileys renders each
 * as `ref,noiseKey,identityKey,advSecret,platform`; the phone that scans it answers (through the
 * server) with `pair-success` carrying a device identity signed by the account key and
 * authenticated with the ADV secret from the QR.
 */
export interface ScannedQr {
	ref: string;
	noiseKey: Buffer;
	identityKey: Buffer;
	advSecret: Buffer;
}

export function parsePairingQr(qr: string): ScannedQr {
	const [ref, noiseKey, identityKey, advSecret] = qr.slice(qr.indexOf('#') + 1).split(',');
	if (!ref || !noiseKey || !identityKey || !advSecret) throw new Error('fake-whatsapp: not a Baileys pairing QR string');
	return {
		ref,
		noiseKey: Buffer.from(noiseKey, 'base64'),
		identityKey: Buffer.from(identityKey, 'base64'),
		advSecret: Buffer.from(advSecret, 'base64'),
	};
}

/** pair-device with 6 QR refs; Baileys shows one per QR lifetime (60 s, then 20 s each). */
export function buildPairDevice(): WANode {
	const refs = Array.from({ length: 6 }, () => node('ref', {}, Buffer.from(randomBytes(16).toString('base64url'))));
	return node('iq', { from: 's.whatsapp.net', type: 'set', id: newStanzaId() }, [node('pair-device', {}, refs)]);
}

export function buildPairSuccess(B: Baileys, phone: PhoneAccount, qr: ScannedQr, device: { jid: string; lid: string }): WANode {
	const { proto } = B;
	const identity = signDeviceIdentity(B, phone, qr.identityKey);
	const details = proto.ADVSignedDeviceIdentity.encode(identity.signed).finish();
	const hmac = createHmac('sha256', qr.advSecret).update(details).digest();
	return node('iq', { from: 's.whatsapp.net', type: 'set', id: newStanzaId(), t: unixSeconds() }, [
		node('pair-success', {}, [
			node('device-identity', {}, proto.ADVSignedDeviceIdentityHMAC.encode({ details, hmac }).finish()),
			node('platform', { name: phone.platform }),
			node('device', { jid: device.jid, lid: device.lid }),
		]),
	]);
}
