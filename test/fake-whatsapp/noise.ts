/** The server side of WhatsApp Web's Noise handshake and framing. */
import { createCipheriv, createDecipheriv, createHash, hkdfSync } from 'crypto';

import type { Baileys } from './baileys';
import type { KeyPair } from './certificate';

/**
 * Server side of WhatsApp Web's Noise_XX_25519_AESGCM_SHA256 handshake and its framing.
 *
 * Mirrors Baileys' Utils/noise-handler.js step for step (same hash/salt/counter bookkeeping), but
 * from the responder's seat: the client sends ClientHello, we answer with ServerHello (our
 * ephemeral key, encrypted static key, encrypted certificate chain), the client sends ClientFinish
 * (its encrypted static "noise key" and encrypted ClientPayload) and both sides split the chaining
 * key into two AES-GCM transport keys.
 */
const NOISE_MODE = 'Noise_XX_25519_AESGCM_SHA256\0\0\0\0';
/** "WA", protocol 6, dictionary version 3 – the prologue the client sends before its first frame. */
export const NOISE_WA_HEADER = Buffer.from([87, 65, 6, 3]);

function sha256(data: Uint8Array): Buffer {
	return createHash('sha256').update(data).digest();
}

function ivFor(counter: number): Buffer {
	const iv = Buffer.alloc(12);
	iv.writeUInt32BE(counter, 8);
	return iv;
}

function gcmEncrypt(plaintext: Uint8Array, key: Buffer, iv: Buffer, aad: Uint8Array): Buffer {
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	cipher.setAAD(aad);
	return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function gcmDecrypt(ciphertext: Uint8Array, key: Buffer, iv: Buffer, aad: Uint8Array): Buffer {
	const data = Buffer.from(ciphertext);
	const decipher = createDecipheriv('aes-256-gcm', key, iv);
	decipher.setAAD(aad);
	decipher.setAuthTag(data.subarray(data.length - 16));
	return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
}

/** Symmetric handshake state; identical bookkeeping to the client so the transcripts hash the same. */
class HandshakeState {
	private hash: Buffer = Buffer.from(NOISE_MODE); // exactly 32 bytes, so used as-is (not hashed)
	private salt: Buffer = this.hash;
	private key: Buffer = this.hash;
	private counter = 0;

	authenticate(data: Uint8Array): void {
		this.hash = sha256(Buffer.concat([this.hash, data]));
	}

	mixIntoKey(data: Uint8Array): void {
		const [write, read] = this.hkdf(data);
		this.salt = write;
		this.key = read;
		this.counter = 0;
	}

	encrypt(plaintext: Uint8Array): Buffer {
		const result = gcmEncrypt(plaintext, this.key, ivFor(this.counter++), this.hash);
		this.authenticate(result);
		return result;
	}

	decrypt(ciphertext: Uint8Array): Buffer {
		const result = gcmDecrypt(ciphertext, this.key, ivFor(this.counter++), this.hash);
		this.authenticate(ciphertext);
		return result;
	}

	/** Final split. The client encrypts with the first key, so the server decrypts with it. */
	split(): TransportState {
		const [clientToServer, serverToClient] = this.hkdf(new Uint8Array(0));
		return new TransportState(serverToClient, clientToServer);
	}

	private hkdf(data: Uint8Array): [Buffer, Buffer] {
		const out = Buffer.from(hkdfSync('sha256', data, this.salt, Buffer.alloc(0), 64));
		return [out.subarray(0, 32), out.subarray(32)];
	}
}

class TransportState {
	private readCounter = 0;
	private writeCounter = 0;

	constructor(
		private readonly encKey: Buffer,
		private readonly decKey: Buffer,
	) {}

	encrypt(plaintext: Uint8Array): Buffer {
		return gcmEncrypt(plaintext, this.encKey, ivFor(this.writeCounter++), Buffer.alloc(0));
	}

	decrypt(ciphertext: Uint8Array): Buffer {
		return gcmDecrypt(ciphertext, this.decKey, ivFor(this.readCounter++), Buffer.alloc(0));
	}
}

/** Splits the byte stream into 3-byte-length-prefixed frames; strips the client's prologue once. */
export class FrameReader {
	private buffer: Buffer = Buffer.alloc(0);
	private sawIntro = false;

	push(data: Buffer): Buffer[] {
		this.buffer = Buffer.concat([this.buffer, data]);
		if (!this.sawIntro) {
			// With routing info the prologue is "ED", 0, 1, 3-byte length, routing bytes, then "WA..".
			if (this.buffer.length >= 2 && this.buffer[0] === 0x45 && this.buffer[1] === 0x44) {
				if (this.buffer.length < 7) return [];
				const routingLength = (this.buffer[4] << 16) | this.buffer.readUInt16BE(5);
				if (this.buffer.length < 7 + routingLength + NOISE_WA_HEADER.length) return [];
				this.buffer = this.buffer.subarray(7 + routingLength);
			}
			if (this.buffer.length < NOISE_WA_HEADER.length) return [];
			if (!this.buffer.subarray(0, NOISE_WA_HEADER.length).equals(NOISE_WA_HEADER)) {
				throw new Error('fake-whatsapp: client did not send the WA noise prologue');
			}
			this.buffer = this.buffer.subarray(NOISE_WA_HEADER.length);
			this.sawIntro = true;
		}
		const frames: Buffer[] = [];
		while (this.buffer.length >= 3) {
			const size = (this.buffer[0] << 16) | (this.buffer[1] << 8) | this.buffer[2];
			if (this.buffer.length < size + 3) break;
			frames.push(Buffer.from(this.buffer.subarray(3, size + 3)));
			this.buffer = this.buffer.subarray(size + 3);
		}
		return frames;
	}
}

export function frame(data: Uint8Array): Buffer {
	const out = Buffer.alloc(3 + data.length);
	out[0] = (data.length >>> 16) & 0xff;
	out[1] = (data.length >>> 8) & 0xff;
	out[2] = data.length & 0xff;
	out.set(data, 3);
	return out;
}

export interface HandshakeResult {
	/** The client's static Noise key ("noiseKey" in its creds). */
	clientStaticKey: Buffer;
	/** Decrypted, still protobuf-encoded ClientPayload. */
	payload: Buffer;
	transport: TransportState;
}

/**
 * One server-side handshake. `hello()` consumes the ClientHello frame and returns the ServerHello
 * frame; `finish()` consumes ClientFinish and returns the transport keys.
 */
export class ServerHandshake {
	private readonly state = new HandshakeState();
	private readonly ephemeral: KeyPair;
	private clientEphemeral: Buffer = Buffer.alloc(0);

	constructor(
		private readonly B: Baileys,
		private readonly staticKey: KeyPair,
		private readonly certChain: (serverStatic: Buffer) => Uint8Array,
	) {
		this.ephemeral = B.Curve.generateKeyPair() as KeyPair;
		this.state.authenticate(NOISE_WA_HEADER);
	}

	hello(frameData: Buffer): Buffer {
		const { proto, Curve } = this.B;
		const msg = proto.HandshakeMessage.decode(frameData);
		const clientEphemeral = msg.clientHello?.ephemeral;
		if (!clientEphemeral) throw new Error('fake-whatsapp: ClientHello without ephemeral key');
		this.clientEphemeral = Buffer.from(clientEphemeral);

		this.state.authenticate(this.clientEphemeral);
		this.state.authenticate(this.ephemeral.public);
		this.state.mixIntoKey(Curve.sharedKey(this.ephemeral.private, this.clientEphemeral));
		const staticEnc = this.state.encrypt(this.staticKey.public);
		this.state.mixIntoKey(Curve.sharedKey(this.staticKey.private, this.clientEphemeral));
		const payloadEnc = this.state.encrypt(this.certChain(this.staticKey.public));

		return Buffer.from(
			proto.HandshakeMessage.encode({
				serverHello: { ephemeral: this.ephemeral.public, static: staticEnc, payload: payloadEnc },
			}).finish(),
		);
	}

	finish(frameData: Buffer): HandshakeResult {
		const { proto, Curve } = this.B;
		const msg = proto.HandshakeMessage.decode(frameData);
		const fin = msg.clientFinish;
		if (!fin?.static || !fin.payload) throw new Error('fake-whatsapp: malformed ClientFinish');
		const clientStaticKey = this.state.decrypt(fin.static);
		this.state.mixIntoKey(Curve.sharedKey(this.ephemeral.private, clientStaticKey));
		const payload = this.state.decrypt(fin.payload);
		return { clientStaticKey, payload, transport: this.state.split() };
	}
}

export type { TransportState };
