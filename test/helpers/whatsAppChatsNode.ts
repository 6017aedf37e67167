/** Runs the WhatsApp Chats node inside n8n's real engine against a test gateway. */
import { NodeConnectionTypes, type IDataObject, type INodeExecutionData, type INodeParameters } from 'n8n-workflow';
import { WhatsAppChats } from '../../nodes/WhatsAppChats/WhatsAppChats.node';
import { WhatsAppChatsApi } from '../../credentials/WhatsAppChatsApi.credentials';
import { SESSIONS_API_ID, TEST_API_KEY, type GatewayTestServer } from '../gateway-server/GatewayTestServer';
import { EVOLUTION_INSTANCE } from '../gateway-server/evolutionRoutes';
import { MANUAL_TRIGGER_NODE_TYPE, runNode, runWorkflow, setupN8nContainer, type RunNodeResult, type RunWorkflowResult } from './n8nEngine';

// Registers the engine's container (and its clean-up hook) at file level, outside any test.
setupN8nContainer();

export const NODE_TYPE = 'n8n-nodes-whatsapp-chats.whatsAppChats';

export function wahaCredentials(gateway: GatewayTestServer, overrides: IDataObject = {}): IDataObject {
	return { connection: 'waha', baseUrl: gateway.url, session: 'default', apiKey: TEST_API_KEY, ...overrides };
}

export function evolutionCredentials(gateway: GatewayTestServer, overrides: IDataObject = {}): IDataObject {
	return { connection: 'evolution', baseUrl: gateway.url, session: EVOLUTION_INSTANCE, apiKey: TEST_API_KEY, ...overrides };
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

/**
 * Several WhatsApp Chats nodes in a row behind a Manual Trigger, in one execution (e.g. Send Text,
 * then Edit the message it sent by `{{ $json.messageId }}`). Returns the engine's result.
 */
export async function runChatsChain(options: {
	credentials: IDataObject;
	steps: Array<{ name: string; parameters: INodeParameters }>;
	input?: INodeExecutionData[];
}): Promise<RunWorkflowResult> {
	const names = ['Start', ...options.steps.map((step) => step.name)];
	const connections = Object.fromEntries(
		names.slice(0, -1).map((name, index) => [name, { main: [[{ node: names[index + 1], type: NodeConnectionTypes.Main, index: 0 }]] }]),
	);
	return await runWorkflow({
		nodes: [
			{ id: 'start', name: 'Start', type: MANUAL_TRIGGER_NODE_TYPE, typeVersion: 1, position: [0, 0], parameters: {} },
			...options.steps.map((step, index) => ({
				id: `step-${index}`,
				name: step.name,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [200 * (index + 1), 0] as [number, number],
				parameters: step.parameters,
			})),
		],
		connections,
		nodeTypes: { [NODE_TYPE]: new WhatsAppChats() },
		credentialTypes: { whatsAppChatsApi: new WhatsAppChatsApi() },
		credentials: { whatsAppChatsApi: options.credentials as never },
		input: options.input,
	});
}
