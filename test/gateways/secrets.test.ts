/** The one redaction place: which secrets it knows, the spellings it catches, what it leaves alone. */
import { REDACTED, SecretRedactor, withoutSecretFields } from '../../nodes/transport/secrets';
import { checkBaseUrl, displayUrl } from '../../nodes/transport/baseUrl';

describe('SecretRedactor.fromCredentials', () => {
	const credentials = {
		connection: 'waha',
		baseUrl: 'https://ops:p%40ss-w0rd!@gw.example:8443/waha',
		session: 'default',
		apiKey: 'k3y/with+specials=',
		webhookSecret: 'hook-"quoted"-secret',
		embeddedSecret: 'embedded-secret-2f9a',
		authFolder: '/data/whatsapp',
	};
	const redactor = SecretRedactor.fromCredentials(credentials);

	test.each([
		['the API key as sent', 'X-Api-Key: k3y/with+specials='],
		['the API key percent-encoded', 'GET /?key=k3y%2Fwith%2Bspecials%3D'],
		['the webhook secret JSON-escaped', '{"hmac":"hook-\\"quoted\\"-secret"}'],
		['another secret field of the credentials', 'secret=embedded-secret-2f9a'],
		['the URL password as typed', 'password p%40ss-w0rd!'],
		['the URL password decoded', 'password p@ss-w0rd!'],
		['the Basic header it makes', `authorization: Basic ${Buffer.from('ops:p@ss-w0rd!').toString('base64')}`],
	])('%s is replaced', (_name, text) => {
		const redacted = redactor.text(text);
		expect(redacted).toContain(REDACTED);
		expect(redactor.holdsSecret(redacted)).toBe(false);
	});

	test('ordinary fields (session, folder, host, user) are left alone', () => {
		expect(redactor.text('session default in /data/whatsapp at gw.example as ops')).toBe('session default in /data/whatsapp at gw.example as ops');
	});

	test('values are copied with secrets replaced in strings and keys; untouched values stay the same object', () => {
		const clean = { id: 'x', nested: [{ text: 'fine' }] };
		expect(redactor.value(clean)).toBe(clean);
		expect(redactor.value({ a: ['k3y/with+specials='], ['embedded-secret-2f9a']: 1 })).toEqual({ a: [REDACTED], [REDACTED]: 1 });
	});

	test('secrets too short to tell from data are not searched for', () => {
		expect(new SecretRedactor(['abc']).text('abc def')).toBe('abc def');
	});
});

test('withoutSecretFields drops HMAC keys, headers, passwords and tokens, keeps the rest', () => {
	expect(
		withoutSecretFields({
			proxy: { server: 'p:3128', username: 'u', password: 'x' },
			webhooks: [{ url: 'https://a', hmac: { key: 'k' }, customHeaders: [{ name: 'A', value: 'b' }], events: ['message'] }],
			apps: { chatwoot: { url: 'https://c', apiAccessToken: 't' } },
		}),
	).toEqual({
		proxy: { server: 'p:3128', username: 'u' },
		webhooks: [{ url: 'https://a', events: ['message'] }],
		apps: { chatwoot: { url: 'https://c' } },
	});
});

describe('Base URL', () => {
	test.each([
		['http://localhost:3000', 'http://localhost:3000'],
		['https://gw.example/waha/', 'https://gw.example/waha'],
		['  http://127.0.0.1:8080/api  ', 'http://127.0.0.1:8080/api'],
	])('%j is accepted as %j', (raw, url) => {
		expect(checkBaseUrl(raw).url).toBe(url);
	});

	test('a password is shown as ***', () => {
		expect(checkBaseUrl('http://ops:secret@gw:1/x').display).toBe('http://ops:***@gw:1/x');
		expect(displayUrl('not a url ops:secret@gw')).toBe('not a url ops:secret@gw');
		expect(displayUrl('http://ops:se:cr@et@gw/?q')).toBe('http://ops:***@gw/?q');
	});
});
