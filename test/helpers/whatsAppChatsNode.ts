/** Runs the WhatsApp Chats node inside n8n's real engine against a test gateway. */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { WhatsAppChats } from '../../nodes/WhatsAppChats/WhatsAppChats.node';
import { WhatsAppChatsApi } from '../../credentials/WhatsAppChatsApi.credentials';
import { SESSIONS_API_ID, TEST_API_KEY, type GatewayTestServer } from '../gateway-server/GatewayTestServer';
import { runNode, setupN8nContainer, type RunNodeResult } from './n8nEngine';

// Registers the engine's container (and its clean-up hook) at file level, outside any test.
setupN8nContainer();

export const NODE_TYPE = 'n8n-nodes-whatsapp-chats.whatsAppChats';

export function wahaCredentials(gateway: GatewayTestServer, overrides: IDataObject = {}): IDataObject {
	return { connection: 'waha', baseUrl: gateway.url, session: 'default', apiKey: TEST_API_KEY, ...overrides };
}

export function sessionsApiCredentials(gateway: GatewayTestServer, overrides: IDataObject = {}): IDataObject {
	return { connection: 'sessionsApi', baseUrl: gateway.url, session: SESSIONS_API_ID, apiKey: TEST_API_KEY, ...overrides };
}

/** A Chat resource-locator value typed in the "By ID" mode. */
export const chat = (value: string) => ({ __rl: true, mode: 'id', value });

export async function runChatsNode(options: {
	credentials: IDataObject;
	parameters: INodeParameters;
	input?: INodeExecutionData[];
	continueOnFail?: boolean;
}): Promise<RunNodeResult> {
	return await runNode({
		node: {
			type: NODE_TYPE,
			name: 'WhatsApp Chats',
			parameters: options.parameters,
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		},
		nodeTypes: { [NODE_TYPE]: new WhatsAppChats() },
		credentialTypes: { whatsAppChatsApi: new WhatsAppChatsApi() },
		credentials: { whatsAppChatsApi: options.credentials as never },
		input: options.input,
	});
}
