/**
 * Runs the WhatsApp Chats triggers the way n8n does, with n8n-core's real contexts: webhook calls
 * to the WhatsApp Chats Trigger (gateways) arrive as real HTTP posts on 127.0.0.1 and go through
 * `WebhookContext`; activation and deactivation call the webhook methods through `HookContext`;
 * the WhatsApp Chats Embedded Trigger runs through `TriggerContext`. `parameters.source:
 * 'embedded'` picks the embedded node type (any other source the gateway one); it is not passed
 * on as a parameter. Executions the trigger starts are recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HookContext, TriggerContext, WebhookContext } from 'n8n-core';
import { Workflow, type IDataObject, type INode, type INodeExecutionData, type ITriggerResponse, type IWebhookData, type IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { WhatsAppChatsApi } from '../../credentials/WhatsAppChatsApi.credentials';
import { WhatsAppChatsEmbeddedTrigger } from '../../nodes/WhatsAppChatsEmbeddedTrigger/WhatsAppChatsEmbeddedTrigger.node';
import { WhatsAppChatsTrigger } from '../../nodes/WhatsAppChatsTrigger/WhatsAppChatsTrigger.node';
import { setupN8nContainer, TestCredentialsHelper, TestNodeTypes } from './n8nEngine';

export const TRIGGER_TYPE = 'n8n-nodes-whatsapp-chats.whatsAppChatsTrigger';
export const EMBEDDED_TRIGGER_TYPE = 'n8n-nodes-whatsapp-chats.whatsAppChatsEmbeddedTrigger';

setupN8nContainer();

export interface TriggerUnderTest {
	/** Where the gateway posts: the node's production webhook URL on the loopback server. */
	webhookUrl: string;
	post(body: unknown, headers?: Record<string, string>, rawBody?: string): Promise<{ status: number; body: any }>;
	/** Items of each execution the trigger started, in order. */
	executions: INodeExecutionData[][];
	activate(): Promise<{ existedBefore: boolean }>;
	deactivate(): Promise<boolean>;
	/** Embedded source: runs trigger() like an active workflow (or a manual test run); returns its response. */
	startTrigger(mode?: 'trigger' | 'manual'): Promise<ITriggerResponse>;
	staticData: IDataObject;
	close(): Promise<void>;
}

let triggerCounter = 0;

export async function startTrigger(options: { parameters: IDataObject; credentials: IDataObject }): Promise<TriggerUnderTest> {
	const { source, ...parameters } = options.parameters;
	const embedded = source === 'embedded';
	const gatewayType = new WhatsAppChatsTrigger();
	const embeddedType = new WhatsAppChatsEmbeddedTrigger();
	const type = embedded ? EMBEDDED_TRIGGER_TYPE : TRIGGER_TYPE;
	const nodeTypes = new TestNodeTypes({ [TRIGGER_TYPE]: gatewayType, [EMBEDDED_TRIGGER_TYPE]: embeddedType });
	const credentialsHelper = new TestCredentialsHelper(
		{ whatsAppChatsApi: options.credentials as never },
		{ whatsAppChatsApi: new WhatsAppChatsApi() },
	);
	const node: INode = {
		id: `trigger-${++triggerCounter}`,
		webhookId: `0c1d2e3f-0000-4000-8000-${String(triggerCounter).padStart(12, '0')}`,
		name: 'WhatsApp Chats Trigger',
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
		credentials: { whatsAppChatsApi: { id: 'test-whatsAppChatsApi', name: 'WhatsApp (test)' } },
	};
	const staticData: IDataObject = {};
	const workflow = new Workflow({ id: `wf-${triggerCounter}`, name: 'Trigger test', nodes: [node], connections: {}, nodeTypes, active: true, staticData });
	const executions: INodeExecutionData[][] = [];

	const server = http.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const additionalData = {
		credentialsHelper,
		webhookBaseUrl: `${baseUrl}/webhook`,
		webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		formWaitingBaseUrl: `${baseUrl}/form-waiting`,
		instanceBaseUrl: `${baseUrl}/`,
		restApiUrl: `${baseUrl}/rest`,
		variables: {},
		currentNodeExecutionIndex: 0,
	} as unknown as IWorkflowExecuteAdditionalData;
	const webhookData = (): IWebhookData => ({
		httpMethod: 'POST',
		node: node.name,
		path: 'whatsapp-chats',
		webhookDescription: gatewayType.description.webhooks![0],
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
	});
	const hookContext = (activation: 'activate' | 'update') =>
		new HookContext(workflow, node, additionalData, 'trigger', activation, webhookData());
	const webhookUrl = hookContext('activate').getNodeWebhookUrl('default') as string;

	server.on('request', async (req: http.IncomingMessage, res: http.ServerResponse) => {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks);
		Object.assign(req, { rawBody, body: rawBody.length ? JSON.parse(rawBody.toString('utf8')) : {} });
		const response = Object.assign(res, {
			status: (code: number) => ((res.statusCode = code), response),
			json: (value: unknown) => (res.setHeader('Content-Type', 'application/json'), res.end(JSON.stringify(value)), response),
		});
		const data = { ...additionalData, httpRequest: req, httpResponse: response } as unknown as IWorkflowExecuteAdditionalData;
		try {
			const context = new WebhookContext(workflow, node, data, 'webhook', { ...webhookData(), workflowExecuteAdditionalData: data }, [], null);
			const result = await gatewayType.webhook.call(context);
			if (result.noWebhookResponse) return;
			if (result.workflowData) executions.push(result.workflowData[0]);
			response.status(200).json({ message: result.workflowData ? 'Workflow was started' : 'Webhook call received' });
		} catch (error) {
			response.status(500).json({ error: (error as Error).message });
		}
	});

	let triggerResponse: ITriggerResponse | undefined;
	return {
		webhookUrl,
		executions,
		staticData,
		async post(body, headers = {}, rawBody) {
			const response = await fetch(webhookUrl, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', ...headers },
				body: rawBody ?? JSON.stringify(body),
			});
			return { status: response.status, body: await response.json() };
		},
		async activate() {
			const existedBefore = await gatewayType.webhookMethods.default.checkExists.call(hookContext('activate'));
			if (!existedBefore) await gatewayType.webhookMethods.default.create.call(hookContext('activate'));
			return { existedBefore };
		},
		async deactivate() {
			return await gatewayType.webhookMethods.default.delete.call(hookContext('update'));
		},
		async startTrigger(mode = 'trigger') {
			const context = new TriggerContext(workflow, node, additionalData, mode, mode === 'manual' ? 'manual' : 'activate', (data) => {
				executions.push(data[0]);
			});
			triggerResponse = await embeddedType.trigger.call(context);
			return triggerResponse;
		},
		async close() {
			await triggerResponse?.closeFunction?.();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
