/** The credential test tells "unreachable", "wrong key" and "unknown session" apart. */
import type { ICredentialTestFunctions } from 'n8n-workflow';
import { whatsAppChatsConnectionTest } from '../../nodes/WhatsAppChats/methods/credentialTest';
import { GatewayTestServer } from '../gateway-server/GatewayTestServer';
import { sessionsApiCredentials, wahaCredentials } from '../helpers/whatsAppChatsNode';

let gateway: GatewayTestServer;
beforeAll(async () => (gateway = await GatewayTestServer.start()));
afterAll(async () => await gateway.close());

const check = (data: Record<string, unknown>) =>
	whatsAppChatsConnectionTest.call({} as ICredentialTestFunctions, { id: '1', name: 'test', type: 'whatsAppChatsApi', data: data as never });

test.each([
	['WAHA ok', () => wahaCredentials(gateway), 'OK', 'Connected to WAHA; session "default" is WORKING'],
	['WAHA wrong key', () => wahaCredentials(gateway, { apiKey: 'nope' }), 'Error', 'WAHA rejected the API key (HTTP 401): Unauthorized'],
	['WAHA unknown session', () => wahaCredentials(gateway, { session: 'ghost' }), 'Error', 'WAHA does not know the session "ghost" or it is not running: Session "ghost" does not exist'],
	['WAHA unreachable', () => wahaCredentials(gateway, { baseUrl: 'http://127.0.0.1:9' }), 'Error', 'Cannot reach WAHA at http://127.0.0.1:9: connection refused'],
	['WAHA bad base URL', () => wahaCredentials(gateway, { baseUrl: 'localhost:3000' }), 'Error', 'Invalid Base URL "localhost:3000": expected a plain http:// or https:// address: scheme, host, optional port and path, without "?…" or "#…", such as http://localhost:3000'],
	['Sessions API ok', () => sessionsApiCredentials(gateway), 'OK', 'Sessions API is reachable and accepted the key for session "e67a00be-ed45-4356-9488-049cabb9895d"'],
	['Sessions API wrong key', () => sessionsApiCredentials(gateway, { apiKey: 'wask_x' }), 'Error', 'Sessions API rejected the API key (HTTP 401): Invalid API key'],
	['Sessions API unknown session', () => sessionsApiCredentials(gateway, { session: '00000000-0000-4000-8000-000000000000' }), 'Error', 'Sessions API does not know the session "00000000-0000-4000-8000-000000000000"'],
	['Sessions API session not a UUID', () => sessionsApiCredentials(gateway, { session: 'default' }), 'Error', 'Invalid Session "default": expected the session UUID, e.g. e67a00be-ed45-4356-9488-049cabb9895d'],
])('%s', async (_name, credentials, status, message) => {
	expect(await check(credentials())).toEqual({ status, message });
});
