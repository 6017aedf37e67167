/** The credential test: reaches the backend and says what is wrong, in its own words. */
import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { createBackend, type ConnectionCredentials } from '../../backends/createBackend';
import { SecretRedactor } from '../../transport/secrets';

/**
 * Tells "unreachable", "wrong key" and "unknown session" apart, in the backend's own words. n8n
 * shows only an Error's message, so whatever the user must act on is an Error: an embedded
 * session that is not paired yet, no route to WhatsApp, or (queue mode) a session one process only can use.
 */
export async function whatsAppChatsConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = (credential.data ?? {}) as ConnectionCredentials;
	const secrets = SecretRedactor.fromCredentials(data);
	let backend;
	try {
		backend = await createBackend(data, { timeoutMs: 10_000, maxRetries: 0 });
		return { status: 'OK', message: secrets.text(await backend.verifyConnection()) };
	} catch (error) {
		return { status: 'Error', message: secrets.text(error instanceof Error ? error.message : String(error)) };
	} finally {
		await backend?.release();
	}
}
