/**
 * Keys derived from an embedded credential's Session Secret, and the authenticated encryption
 * (AES-256-GCM) of every file an embedded session writes. Without the secret a session folder can
 * be neither found (its name is derived from the secret) nor read nor altered undetected.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** How a sealed file starts; anything else is a plain (pre-encryption) file. */
const SEALED_PREFIX = 'wachats-aes256gcm-v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** scrypt cost: ~16 MiB and a few tens of ms, once per secret per process (cached). */
const SCRYPT_OPTIONS = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const SCRYPT_SALT = 'n8n-nodes-whatsapp-chats/embedded-session-secret/v1';
const MAX_CACHED = 32;

/** A sealed file that fails authentication: changed outside n8n, or sealed with another secret. */
export class SealedFileError extends Error {
	constructor(readonly fileName: string) {
		super(`${fileName} failed its integrity check`);
		this.name = 'SealedFileError';
	}
}

export class FileCipher {
	constructor(private readonly key: Buffer) {}

	/** `name` (the file's place in the session folder) is authenticated too: files cannot be swapped. */
	seal(name: string, plaintext: string): string {
		const iv = randomBytes(IV_BYTES);
		const cipher = createCipheriv('aes-256-gcm', this.key, iv);
		cipher.setAAD(Buffer.from(name, 'utf-8'));
		const body = Buffer.concat([cipher.update(plaintext, 'utf-8'), cipher.final()]);
		return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
	}

	/** The plaintext of a sealed file; throws SealedFileError when it is not authentic. */
	open(name: string, sealed: string): string {
		if (!isSealed(sealed)) throw new SealedFileError(name);
		const raw = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64');
		if (raw.length < IV_BYTES + TAG_BYTES) throw new SealedFileError(name);
		try {
			const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
			decipher.setAAD(Buffer.from(name, 'utf-8'));
			decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
			return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf-8');
		} catch {
			throw new SealedFileError(name);
		}
	}
}

export function isSealed(text: string): boolean {
	return text.startsWith(SEALED_PREFIX);
}

export interface SessionKeys {
	/** Part of the default session folder's name: another secret means another folder. */
	folderId: string;
	/** Stored in the folder's marker: tells whether a secret is the one the folder was made with. */
	keyCheck: string;
	cipher: FileCipher;
}

const cache = new Map<string, { master: Buffer; sessions: Map<string, SessionKeys> }>();

/**
 * Derives the session's keys from its secret (scrypt, then HKDF per purpose); remembered per
 * secret and session name, since every execution asks again.
 */
export function deriveSessionKeys(secret: string, session: string): SessionKeys {
	const known = masterKey(secret);
	const remembered = known.sessions.get(session);
	if (remembered) return remembered;
	const part = (info: string, bytes: number) => Buffer.from(hkdfSync('sha256', known.master, Buffer.alloc(0), info, bytes));
	const keys: SessionKeys = {
		folderId: part(`folder:${session}`, 8).toString('hex'),
		keyCheck: createHmac('sha256', part('key-check', 32)).update('n8n-nodes-whatsapp-chats session folder').digest('base64url'),
		cipher: new FileCipher(part('file-encryption', 32)),
	};
	if (known.sessions.size >= MAX_CACHED) known.sessions.delete(known.sessions.keys().next().value as string);
	known.sessions.set(session, keys);
	return keys;
}

export function sameKeyCheck(a: string, b: string): boolean {
	const left = Buffer.from(a);
	const right = Buffer.from(b);
	return left.length === right.length && timingSafeEqual(left, right);
}

/** scrypt is deliberately slow; one derivation per secret and process is enough. */
function masterKey(secret: string): { master: Buffer; sessions: Map<string, SessionKeys> } {
	const id = createHash('sha256').update(secret, 'utf-8').digest('base64');
	const known = cache.get(id);
	if (known) return known;
	const master = scryptSync(secret.normalize('NFC'), SCRYPT_SALT, 32, SCRYPT_OPTIONS);
	if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
	const created = { master, sessions: new Map<string, SessionKeys>() };
	cache.set(id, created);
	return created;
}
