/**
 * The one place that knows every secret of a credential (API key, webhook secret, the password
 * of a `user:pass@` Base URL) and removes them from text and values before anything reaches a
 * person: error messages, descriptions, node outputs (`raw`), continue-on-fail items and logs.
 */

export const REDACTED = '[redacted]';

/** Secrets shorter than this cannot be told from ordinary data, so outputs are not searched for them. */
const MIN_SECRET_LENGTH = 4;

/** Field names whose values are secrets wherever they appear inside a gateway's configuration. */
const SECRET_FIELD = /(pass(word|wd)?|secret|token|hmac|api[-_]?key|apikey|authorization|auth[-_]?header|jwt|headers|credential|private[-_]?key)/i;

export interface SecretSources {
	apiKey?: unknown;
	webhookSecret?: unknown;
	baseUrl?: unknown;
}

/** Credential fields that hold a secret by their name (API key, webhook secret, an embedded secret, …). */
const SECRET_CREDENTIAL_FIELD = /(key|secret|password|passphrase|token)$/i;

export class SecretRedactor {
	/** Longest first, so a secret that contains another is replaced whole. */
	private readonly secrets: string[];

	constructor(secrets: readonly unknown[]) {
		const unique = new Set<string>();
		for (const secret of secrets) {
			if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
			for (const form of spellings(secret)) if (form.length >= MIN_SECRET_LENGTH) unique.add(form);
		}
		this.secrets = [...unique].sort((a, b) => b.length - a.length);
	}

	/**
	 * Every secret the credentials hold, in every spelling a gateway could echo back: the API key,
	 * the webhook secret, any other field named as a secret, and the password of the Base URL.
	 */
	static fromCredentials(credentials: SecretSources): SecretRedactor {
		const { password, basicAuth } = urlSecrets(credentials.baseUrl);
		const named = Object.entries(credentials as Record<string, unknown>)
			.filter(([field]) => SECRET_CREDENTIAL_FIELD.test(field))
			.map(([, value]) => value);
		return new SecretRedactor([credentials.apiKey, credentials.webhookSecret, ...named, password, basicAuth]);
	}

	/** A redactor that knows the secrets of both. */
	with(other: SecretRedactor | undefined): SecretRedactor {
		return other ? new SecretRedactor([...this.secrets, ...other.secrets]) : this;
	}

	get empty(): boolean {
		return this.secrets.length === 0;
	}

	text(value: string): string {
		let result = value;
		for (const secret of this.secrets) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
		return result;
	}

	/** A copy of a JSON-like value with every secret replaced, in strings and in keys. */
	value<T>(value: T): T {
		if (this.empty) return value;
		return this.walk(value, 0) as T;
	}

	/** Whether the text or value still holds a secret (for checks before logging). */
	holdsSecret(value: unknown): boolean {
		const text = typeof value === 'string' ? value : safeStringify(value);
		return this.secrets.some((secret) => text.includes(secret));
	}

	private walk(value: unknown, depth: number): unknown {
		if (typeof value === 'string') return this.text(value);
		if (!value || typeof value !== 'object' || depth > 64) return value;
		if (Buffer.isBuffer(value)) return value;
		if (Array.isArray(value)) {
			let changed = false;
			const copy = value.map((entry) => {
				const next = this.walk(entry, depth + 1);
				if (next !== entry) changed = true;
				return next;
			});
			return changed ? copy : value;
		}
		let changed = false;
		const copy: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
			const safeKey = this.text(key);
			const next = this.walk(entry, depth + 1);
			if (next !== entry || safeKey !== key) changed = true;
			copy[safeKey] = next;
		}
		return changed ? copy : value;
	}
}

/** Applies the redactor to an Error in place: message, description and stack. */
export function redactError<E>(error: E, redactor: SecretRedactor): E {
	if (redactor.empty || !error || typeof error !== 'object') return error;
	const target = error as Record<string, unknown>;
	for (const field of ['message', 'description', 'stack']) {
		const current = target[field];
		if (typeof current === 'string') {
			const safe = redactor.text(current);
			if (safe !== current) {
				try {
					target[field] = safe;
				} catch {
					// read-only field: nothing else to do
				}
			}
		}
	}
	for (const field of ['context', 'details', 'cause', 'errorResponse', 'messages']) {
		const current = target[field];
		if (current && typeof current === 'object') {
			try {
				target[field] = field === 'cause' && current instanceof Error ? redactError(current, redactor) : redactor.value(current);
			} catch {
				// read-only field
			}
		}
	}
	return error;
}

/**
 * A copy of a gateway's configuration without the fields that carry secrets (webhook HMAC keys,
 * webhook headers, proxy passwords, tokens): for outputs that show a session's settings.
 */
export function withoutSecretFields(value: unknown, depth = 0): unknown {
	if (!value || typeof value !== 'object' || depth > 32) return value;
	if (Array.isArray(value)) return value.map((entry) => withoutSecretFields(entry, depth + 1));
	const copy: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
		if (SECRET_FIELD.test(key)) continue;
		copy[key] = withoutSecretFields(entry, depth + 1);
	}
	return copy;
}

/** The password of a `user:pass@` URL, raw and decoded, and the Basic header value it makes. */
function urlSecrets(baseUrl: unknown): { password?: string; basicAuth?: string } {
	if (typeof baseUrl !== 'string' || !baseUrl.includes('@')) return {};
	try {
		const url = new URL(baseUrl.trim());
		if (!url.password) return {};
		const password = url.password;
		const basicAuth = Buffer.from(`${safeDecode(url.username)}:${safeDecode(password)}`).toString('base64');
		return { password, basicAuth };
	} catch {
		// Not a URL: the text between "://" and "@" may still be "user:pass".
		const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(baseUrl.trim())?.[1];
		const password = userinfo?.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : undefined;
		return { password };
	}
}

/** The spellings of a secret a gateway may echo: as given, percent-encoded and decoded, JSON-escaped. */
function spellings(secret: string): string[] {
	const forms = [secret, encodeURIComponent(secret), safeDecode(secret), JSON.stringify(secret).slice(1, -1)];
	return forms.filter((form) => form.length > 0);
}

function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

function safeStringify(value: unknown): string {
	try {
		return JSON.stringify(value) ?? '';
	} catch {
		return String(value);
	}
}
