/**
 * Secrets the trigger keeps in the workflow's static data (which n8n's public API returns): the
 * webhook secret it generates for a registration when the credentials have none, and values it
 * must hand back later but not show (another receiver's webhook headers), sealed with AES-256-GCM
 * under a key derived from the credentials' API key.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { RegistrationState } from './WebhookAdapter';

/** Static-data key of the secret generated for the current registration (n8n's own triggers use the same name). */
export const GENERATED_SECRET = 'webhookSecret';

/**
 * The secret a new registration is signed with: the credentials' Webhook Secret when set, else one
 * generated for this registration and kept in `state` (a registration made again keeps it).
 */
export function registrationSecret(credentialSecret: string | undefined, state: RegistrationState): string {
	if (credentialSecret) {
		delete state[GENERATED_SECRET];
		return credentialSecret;
	}
	const kept = state[GENERATED_SECRET];
	if (typeof kept === 'string' && kept) return kept;
	const generated = randomBytes(32).toString('hex');
	state[GENERATED_SECRET] = generated;
	return generated;
}

/** The secret the current registration was made with, if any: what calls must be signed with. */
export function expectedSecret(credentialSecret: string | undefined, state: RegistrationState | undefined): string | undefined {
	const kept = state?.[GENERATED_SECRET];
	return typeof kept === 'string' && kept ? kept : credentialSecret || undefined;
}

/** Secrets a call may be signed with: the registration's, and the credentials' (set since). */
export function acceptedSecrets(credentialSecret: string | undefined, state: RegistrationState | undefined): string[] {
	return [...new Set([expectedSecret(credentialSecret, state), credentialSecret].filter((secret): secret is string => Boolean(secret)))];
}

export function forgetGeneratedSecret(state: RegistrationState): void {
	delete state[GENERATED_SECRET];
}

/** The words of the 401 for a call that arrives while no secret exists yet. */
export const NO_SECRET_YET =
	'Unsigned webhook call refused: this trigger has no webhook secret yet. Deactivate and activate the workflow again so it registers a signed webhook, or set a Webhook Secret in the credentials';

export function equalInConstantTime(given: Buffer, expected: Buffer): boolean {
	return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A value sealed for static data: nothing in it is readable without the credentials' key. */
export interface SealedValue {
	sealed: 'aes-256-gcm+scrypt';
	salt: string;
	iv: string;
	tag: string;
	data: string;
}

export class SealedValueError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SealedValueError';
	}
}

export function isSealed(value: unknown): value is SealedValue {
	return Boolean(value) && typeof value === 'object' && (value as SealedValue).sealed === 'aes-256-gcm+scrypt';
}

/** scrypt (off the event loop), so a weak API key is slow to guess from what static data shows. */
async function keyOf(keyMaterial: string, salt: Buffer): Promise<Buffer> {
	return await new Promise((resolve, reject) =>
		scrypt(keyMaterial, salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
	);
}

/** `purpose` binds the sealed value to its use (and its session), so it cannot be moved elsewhere. */
export async function seal(value: unknown, keyMaterial: string, purpose: string): Promise<SealedValue> {
	const salt = randomBytes(16);
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', await keyOf(keyMaterial, salt), iv);
	cipher.setAAD(Buffer.from(purpose));
	const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
	return { sealed: 'aes-256-gcm+scrypt', salt: salt.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

export async function unseal<T>(sealed: SealedValue, keyMaterial: string, purpose: string): Promise<T> {
	let key: Buffer;
	try {
		key = await keyOf(keyMaterial, Buffer.from(sealed.salt, 'base64'));
	} catch {
		throw new SealedValueError('is damaged');
	}
	try {
		const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
		decipher.setAAD(Buffer.from(purpose));
		decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
		const text = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
		return JSON.parse(text) as T;
	} catch {
		throw new SealedValueError('cannot be read with the current credentials (was the API key changed since the workflow was activated?)');
	}
}
