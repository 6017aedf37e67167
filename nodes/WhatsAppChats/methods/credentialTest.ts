import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { createBackend, type ConnectionCredentials } from '../../backends/createBackend';

/**
 * Tells "unreachable", "wrong key" and "unknown session" apart, in the backend's own words. n8n
 * shows only an Error's message, so whatever the user must act on is an Error: an embedded
 * session that is not paired yet, no route to WhatsApp, or (queue mode) a session one process only can use.
 */
export async function whatsAppChatsConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	let backend;
	try {
		backend = await createBackend((credential.data ?? {}) as ConnectionCredentials, { timeoutMs: 10_000, maxRetries: 0 });
		return { status: 'OK', message: await backend.verifyConnection() };
	} catch (error) {
		return { status: 'Error', message: error instanceof Error ? error.message : String(error) };
	} finally {
		await backend?.release();
	}
}
