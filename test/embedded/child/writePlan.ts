/**
 * The crash test's deterministic write plan, shared by the writer child and the checking parent:
 * step `i` writes creds and a batch of keys whose content is derived from `(i, id)`, so any file
 * on disk can be checked to be exactly one version some step wrote (never a torn mix).
 */
import { createHash } from 'node:crypto';

export interface PlannedStep {
	credsFiller: string;
	/** type → id → value (null deletes). */
	keys: Record<string, Record<string, unknown | null>>;
}

const SESSION_IDS = 12;
const PRE_KEY_IDS = 400;

/** Deterministic filler: a seed hashed once, then expanded with a fast xorshift generator. */
function bytes(seed: string, length: number): Buffer {
	const out = Buffer.alloc(length);
	let state = createHash('md5').update(seed).digest().readUInt32BE(0) || 1;
	for (let at = 0; at < length; at++) {
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		out[at] = state & 0xff;
	}
	return out;
}

/** A session record that names its step, so the checker knows which version it sees. */
export function sessionValue(step: number, id: string): Buffer {
	const header = Buffer.alloc(8);
	header.writeUInt32BE(0xc0ffee00, 0);
	header.writeUInt32BE(step, 4);
	const length = 64 + (createHash('md5').update(`${step}:${id}`).digest()[0] * 37) % 6000;
	return Buffer.concat([header, bytes(`session:${step}:${id}`, length)]);
}

export function preKeyValue(step: number, id: string): { public: Buffer; private: Buffer } {
	const pub = bytes(`pub:${step}:${id}`, 33);
	pub.writeUInt32BE(step, 0);
	return { public: pub, private: bytes(`priv:${step}:${id}`, 32) };
}

export function stepOfValue(type: string, value: unknown): number {
	if (type === 'session') return (value as Buffer).readUInt32BE(4);
	return (value as { public: Buffer }).public.readUInt32BE(0);
}

export function expectedValue(type: string, step: number, id: string): unknown {
	return type === 'session' ? sessionValue(step, id) : preKeyValue(step, id);
}

const plans = new Map<number, PlannedStep>();

export function planStep(step: number): PlannedStep {
	let plan = plans.get(step);
	if (!plan) plans.set(step, (plan = buildStep(step)));
	return plan;
}

function buildStep(step: number): PlannedStep {
	const pick = createHash('sha256').update(`plan:${step}`).digest();
	const sessions: Record<string, unknown | null> = {};
	for (let n = 0; n < 3; n++) {
		const id = `${pick[n] % SESSION_IDS}.0:1@lid`;
		sessions[id] = pick[10 + n] % 9 === 0 ? null : sessionValue(step, id);
	}
	const preKeys: Record<string, unknown | null> = {};
	// Every 7th step is a big batch, like Baileys' first pre-key upload.
	const count = step % 7 === 0 ? 150 : 2;
	const first = pick[5] * 3;
	for (let n = 0; n < count; n++) {
		const id = String((first + n) % PRE_KEY_IDS);
		preKeys[id] = preKeyValue(step, id);
	}
	return { credsFiller: bytes(`creds:${step}`, 200 + (pick[20] % 16) * 4000).toString('base64'), keys: { session: sessions, 'pre-key': preKeys } };
}
