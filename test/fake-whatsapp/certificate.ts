/** A test certificate authority the Baileys client is made to trust. */
import type { Baileys } from './baileys';

/**
 * A test certificate authority for the Noise handshake.
 *
 * During the handshake the server proves its identity with a two-level chain
 * (intermediate signed by the root, leaf signed by the intermediate). Baileys checks the
 * intermediate against the exported, mutable `WA_CERT_DETAILS` (root public key + serial), so the
 * test installs its own root there instead of WhatsApp's real one.
 */
export interface KeyPair {
	public: Buffer;
	private: Buffer;
}

export interface TestRoot {
	keyPair: KeyPair;
	serial: number;
}

const ROOT_SERIAL = 0;
const INTERMEDIATE_SERIAL = 1;

// One root per loaded Baileys module: WA_CERT_DETAILS is a singleton, so every fake server in the
// same jest module registry must share it (two servers may run side by side).
const roots = new WeakMap<object, { root: TestRoot; users: number; original: { PUBLIC_KEY: Buffer; SERIAL: number } }>();

/** Installs the test root into Baileys' WA_CERT_DETAILS; returns a function that undoes it. */
export function installTestRoot(B: Baileys): { root: TestRoot; release: () => void } {
	const details = B.WA_CERT_DETAILS as { PUBLIC_KEY: Buffer; SERIAL: number };
	let entry = roots.get(details);
	if (!entry) {
		const keyPair = B.Curve.generateKeyPair() as KeyPair;
		entry = {
			root: { keyPair, serial: ROOT_SERIAL },
			users: 0,
			original: { PUBLIC_KEY: details.PUBLIC_KEY, SERIAL: details.SERIAL },
		};
		roots.set(details, entry);
	}
	entry.users++;
	details.PUBLIC_KEY = entry.root.keyPair.public;
	details.SERIAL = entry.root.serial;
	const current = entry;
	let released = false;
	return {
		root: current.root,
		release: () => {
			if (released) return;
			released = true;
			current.users--;
			if (current.users === 0) {
				details.PUBLIC_KEY = current.original.PUBLIC_KEY;
				details.SERIAL = current.original.SERIAL;
				roots.delete(details);
			}
		},
	};
}

/** Builds the encoded `CertChain` that the server sends (encrypted) in its ServerHello. */
export function buildCertChain(B: Baileys, root: TestRoot, serverStaticPublic: Buffer): Uint8Array {
	const { proto, Curve } = B;
	const Details = proto.CertChain.NoiseCertificate.Details;
	const now = Math.floor(Date.now() / 1000);
	const intermediateKey = Curve.generateKeyPair() as KeyPair;

	const intermediateDetails = Details.encode({
		serial: INTERMEDIATE_SERIAL,
		issuerSerial: root.serial,
		key: intermediateKey.public,
		notBefore: now - 3600,
		notAfter: now + 86400,
	}).finish();
	const leafDetails = Details.encode({
		serial: 2,
		issuerSerial: INTERMEDIATE_SERIAL,
		key: serverStaticPublic,
		notBefore: now - 3600,
		notAfter: now + 86400,
	}).finish();

	return proto.CertChain.encode({
		intermediate: { details: intermediateDetails, signature: Curve.sign(root.keyPair.private, intermediateDetails) },
		leaf: { details: leafDetails, signature: Curve.sign(intermediateKey.private, leafDetails) },
	}).finish();
}
