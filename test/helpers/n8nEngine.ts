/**
 * Runs n8n nodes inside n8n-core's REAL workflow engine (`WorkflowExecute`) from jest.
 *
 * What is real: n8n-workflow's `Workflow` (parameter defaults, expression evaluation with
 * `={{ ... }}`, `$json`, `$node`, `$items()` ...), n8n-core's `WorkflowExecute` (execution order v1,
 * `pairedItem` assignment, `onError`/`continueOnFail`, `retryOnFail`, `executeOnce`, `alwaysOutputData`,
 * multiple outputs, disabled nodes), the real node execution contexts (`this.getNodeParameter`,
 * `this.getCredentials`, `this.helpers.httpRequest[WithAuthentication]`, `this.helpers.prepareBinaryData`,
 * `this.getWorkflowStaticData`, ...), the real `@n8n/di` services (InstanceSettings in a temporary
 * folder, Logger, ErrorReporter, Cipher, BinaryDataService in inline/base64 mode).
 *
 * What is replaced (as in n8n's own `nodes-testing` harness): the credentials store
 * (`TestCredentialsHelper` hands out the decrypted data you pass, keyed by credential type name,
 * after applying the credential type's defaults and authenticating requests with its
 * `authenticate` definition, generic or function) and the execution lifecycle hooks (recorded).
 *
 * Usage:
 * ```ts
 * const result = await runWorkflow({
 *   nodes: [
 *     { id: '1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
 *     { id: '2', name: 'WA', type: 'n8n-nodes-whatsapp-chats.whatsAppChats', typeVersion: 1, position: [200, 0],
 *       parameters: { chatId: '={{ $json.chat }}' }, credentials: { whatsAppChatsApi: { id: '1', name: 'WAHA' } } },
 *   ],
 *   connections: { Start: { main: [[{ node: 'WA', type: NodeConnectionTypes.Main, index: 0 }]] } },
 *   nodeTypes: { 'n8n-nodes-whatsapp-chats.whatsAppChats': new WhatsAppChats() },
 *   credentials: { whatsAppChatsApi: { baseUrl: 'http://127.0.0.1:3000', apiKey: 'k' } },
 *   credentialTypes: { whatsAppChatsApi: new WhatsAppChatsApi() },
 *   input: [{ json: { chat: '123@c.us' } }],
 * });
 * expect(result.status).toBe('success');
 * expect(result.json('WA')).toEqual([...]);
 * ```
 * or, for a single node: `await runNode({ node: { type, parameters }, nodeTypes, input, credentials })`.
 *
 * The workflow JSON accepted here is the same as n8n's export format, so a workflow can be run here
 * and with the real n8n CLI (scripts/n8n/e2e.js). `n8n-nodes-base.manualTrigger`, `n8n-nodes-base.noOp`
 * and `n8n-nodes-test.itemsSource` are provided built in (unless you pass your own implementation):
 * the manual trigger and items source emit the `input` items.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Container } from '@n8n/di';
import { CronLoggingConfig, GlobalConfig, InstanceSettingsConfig } from '@n8n/config';
import {
	BinaryDataService,
	Credentials,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	InstanceSettings,
	WorkflowExecute,
	getAdditionalKeys,
} from 'n8n-core';
import {
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
	isExpression,
} from 'n8n-workflow';
import { unrefSshCleanupTimer } from './n8nCoreInternals';
import type {
	ExecutionError,
	ExecutionStatus,
	IConnections,
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsExpressionResolveValues,
	IDataObject,
	IExecuteData,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	IRunData,
	ITaskData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';

// ---------------------------------------------------------------------------------------------
// Built-in helper node types
// ---------------------------------------------------------------------------------------------

export const MANUAL_TRIGGER_NODE_TYPE = 'n8n-nodes-base.manualTrigger';
export const NO_OP_NODE_TYPE = 'n8n-nodes-base.noOp';
export const ITEMS_SOURCE_NODE_TYPE = 'n8n-nodes-test.itemsSource';

/**
 * Passes its input items through. Used as the start node: the engine puts the `input` items on
 * its input, so downstream nodes receive them with proper `pairedItem` links.
 * (Implemented as a regular node rather than a trigger so that it can receive arbitrary items.)
 */
class PassThroughNode implements INodeType {
	description: INodeType['description'];

	constructor(name: string, displayName: string) {
		this.description = {
			displayName,
			name,
			group: ['transform'],
			version: [1, 1.1],
			description: 'Test helper: outputs its input items',
			defaults: { name: displayName },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		};
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

function builtInNodeTypes(): Record<string, INodeType> {
	return {
		[MANUAL_TRIGGER_NODE_TYPE]: new PassThroughNode('manualTrigger', 'Manual Trigger'),
		[NO_OP_NODE_TYPE]: new PassThroughNode('noOp', 'No Operation, do nothing'),
		[ITEMS_SOURCE_NODE_TYPE]: new PassThroughNode('itemsSource', 'Items Source'),
	};
}

const START_NODE_TYPES = [MANUAL_TRIGGER_NODE_TYPE, ITEMS_SOURCE_NODE_TYPE];

// ---------------------------------------------------------------------------------------------
// Node types registry (INodeTypes), as n8n's NodeTypes service does it
// ---------------------------------------------------------------------------------------------

export class TestNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType | IVersionedNodeType>) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type) {
			throw new Error(
				`Unrecognized node type: ${nodeType} (known: ${Object.keys(this.types).join(', ')})`,
			);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries(Object.keys(this.types).map((name) => [name, { className: name }]));
	}
}

// ---------------------------------------------------------------------------------------------
// Credentials helper: a small ICredentialsHelper returning the given decrypted data
// ---------------------------------------------------------------------------------------------

export class TestCredentialsHelper extends ICredentialsHelper {
	/** Every `getDecrypted` call, in order (credential type + the node credential reference). */
	readonly requested: Array<{ type: string; nodeCredentials: INodeCredentialsDetails }> = [];

	/** Credential data written back by nodes / preAuthentication (`updateCredentials`). */
	readonly updates: Array<{ type: string; data: ICredentialDataDecryptedObject }> = [];

	constructor(
		private readonly credentials: Record<string, ICredentialDataDecryptedObject>,
		private readonly credentialTypes: Record<string, ICredentialType>,
	) {
		super();
	}

	private getType(typeName: string): ICredentialType | undefined {
		return this.credentialTypes[typeName];
	}

	getParentTypes(name: string): string[] {
		const parents = this.getType(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.getType(type);
		if (!credentialType) return [];
		if (!credentialType.extends) return credentialType.properties;
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const authenticate = this.getType(typeName)?.authenticate;
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions);
		}
		// Same semantics as n8n's CredentialsHelper for `{ type: 'generic', properties: {...} }`.
		if (authenticate.type === 'generic') {
			requestOptions.headers ??= {};
			const resolve = (value: unknown): string => {
				if (!isExpression(value)) return value as string;
				const resolved = workflow.expression.getSimpleParameterValue(
					node,
					value as string,
					'internal',
					{ $credentials: credentials } as never,
					undefined,
					'',
				);
				return resolved ? String(resolved) : '';
			};
			const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
					target[outerKey] ??= {};
					target[outerKey][resolve(key)] = resolve(value);
				}
			}
		}
		return requestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.getType(typeName);
		if (typeof credentialType?.preAuthentication !== 'function') return undefined;
		const expirable = credentialType.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (expirable === undefined) return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		const output = (await credentialType.preAuthentication.call(
			helpers,
			credentials,
		)) as ICredentialDataDecryptedObject;
		if (output[expirable.name] === undefined) return undefined;
		const nodeCredentials = node.credentials?.[typeName];
		if (nodeCredentials) await this.updateCredentials(nodeCredentials, typeName, output);
		return Object.assign(credentials, output);
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<Credentials> {
		const credentials = new Credentials(
			{ id: nodeCredentials.id ?? null, name: nodeCredentials.name },
			type,
		);
		credentials.setData(this.credentials[type] ?? {});
		return credentials;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		this.requested.push({ type, nodeCredentials });
		const stored = this.credentials[type];
		if (stored === undefined) {
			throw new Error(
				`[n8nEngine] no test credentials of type "${type}" (pass them in runWorkflow({ credentials: { ${type}: {...} } }))`,
			);
		}
		const data = structuredClone(stored);
		if (raw) return data;
		// Like n8n: add the credential type's default values, then resolve expressions.
		let decrypted = data;
		const properties = this.getCredentialsProperties(type);
		if (properties.length) {
			decrypted = NodeHelpers.getNodeParameters(
				properties,
				data as INodeParameters,
				true,
				false,
				null,
				null,
			) as ICredentialDataDecryptedObject;
			if (data.oauthTokenData !== undefined) decrypted.oauthTokenData = data.oauthTokenData;
		}
		if (expressionResolveValues) {
			decrypted = expressionResolveValues.workflow.expression.getParameterValue(
				decrypted as INodeParameters,
				expressionResolveValues.runExecutionData,
				expressionResolveValues.runIndex,
				expressionResolveValues.itemIndex,
				expressionResolveValues.node.name,
				expressionResolveValues.connectionInputData,
				mode,
				getAdditionalKeys(additionalData, mode, null),
				executeData,
				false,
				decrypted,
			) as ICredentialDataDecryptedObject;
		}
		return decrypted;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.updates.push({ type, data });
		this.credentials[type] = { ...this.credentials[type], ...data };
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		await this.updateCredentials(nodeCredentials, type, { oauthTokenData: data.oauthTokenData });
	}
}

// ---------------------------------------------------------------------------------------------
// DI container setup (once per jest module registry, i.e. once per test file)
// ---------------------------------------------------------------------------------------------

let containerReady = false;

const ENCRYPTION_KEY = 'n8n-engine-test-encryption-key';

/**
 * One n8n folder shared by all test files and jest workers, holding only `.n8n/config`. Written
 * atomically up front, so InstanceSettings just reads it (no race between workers, no cleanup).
 */
function prepareUserFolder(): string {
	const userFolder = path.join(tmpdir(), 'n8n-engine-test');
	const n8nFolder = path.join(userFolder, '.n8n');
	const configFile = path.join(n8nFolder, 'config');
	mkdirSync(n8nFolder, { recursive: true });
	if (!existsSync(configFile)) {
		const temporary = `${configFile}.${process.pid}.tmp`;
		writeFileSync(temporary, JSON.stringify({ encryptionKey: ENCRYPTION_KEY }, null, '\t'));
		renameSync(temporary, configFile);
	}
	return userFolder;
}

/**
 * Registers the services n8n-core pulls from `@n8n/di` while executing nodes. InstanceSettings
 * (n8n folder, encryption key for `Credentials`) points to a temp folder; the logger is
 * silent unless N8N_LOG_LEVEL is set; binary data stays inline (base64 in the item, like n8n's
 * test harness) because the BinaryDataService is not `init()`ed with a storage manager.
 * Called by runWorkflow/runNode; call it yourself before using n8n-core services directly.
 */
export function setupN8nContainer(): void {
	if (containerReady) return;
	const userFolder = prepareUserFolder();

	const instanceSettingsConfig = Container.get(InstanceSettingsConfig);
	Object.assign(instanceSettingsConfig, {
		userHome: userFolder,
		n8nFolder: path.join(userFolder, '.n8n'),
		encryptionKey: ENCRYPTION_KEY,
		enforceSettingsFilePermissions: false,
	});

	const globalConfig = Container.get(GlobalConfig);
	globalConfig.logging.level = (process.env.N8N_LOG_LEVEL ??
		'silent') as typeof globalConfig.logging.level;
	globalConfig.logging.outputs = ['console'];

	// No "active crons" log interval (it would keep jest from exiting); cron triggers still work.
	Container.get(CronLoggingConfig).activeInterval = 0;

	// Instantiate eagerly so a failure shows up here rather than deep in a node.
	Container.get(InstanceSettings);
	Container.get(BinaryDataService);
	// Every ExecuteContext creates the SSH tunnel manager, whose constructor starts a 60 s
	// cleanup interval: unref it so jest can exit.
	// (n8n-core does not export that manager: see n8nCoreInternals.ts.)
	unrefSshCleanupTimer();
	containerReady = true;
}

// ---------------------------------------------------------------------------------------------
// runWorkflow
// ---------------------------------------------------------------------------------------------

export interface RunWorkflowOptions {
	/** Full n8n node JSON (name, type, typeVersion, position, parameters, credentials, onError...). */
	nodes: INode[];
	connections: IConnections;
	/** Node type name -> instance; merged over the built-in manualTrigger/noOp/itemsSource types. */
	nodeTypes?: Record<string, INodeType | IVersionedNodeType>;
	/** Credential type name -> decrypted data, handed out by `this.getCredentials(type)`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Credential type name -> definition (for defaults, `authenticate`, `preAuthentication`). */
	credentialTypes?: Record<string, ICredentialType>;
	/** Items fed to the start node (default: one empty item `[{ json: {} }]`). */
	input?: INodeExecutionData[];
	/**
	 * Node that receives `input`. Default: the first manualTrigger/itemsSource node, else the first
	 * node without incoming main connections.
	 */
	startNode?: string;
	/** Default 'manual' (what `n8n execute` and the editor use); 'trigger', 'webhook', ... also work. */
	mode?: WorkflowExecuteMode;
	/** Workflow settings; `executionOrder` defaults to 'v1' like new n8n workflows. */
	settings?: IWorkflowSettings;
	/** Workflow static data (`this.getWorkflowStaticData('global' | 'node')`); mutated in place. */
	staticData?: IDataObject;
	/**
	 * When a node declares a credential type for which `credentials` has data but the node JSON has
	 * no reference to it, add `{ id: 'test-<type>', name: '<type> (test)' }`. Default true.
	 */
	assignCredentials?: boolean;
	/** Workflow id/name visible to nodes ($workflow). */
	workflowId?: string;
	workflowName?: string;
}

export interface RunWorkflowResult {
	/** The raw IRun returned by WorkflowExecute. */
	run: IRun;
	status: ExecutionStatus;
	runData: IRunData;
	/** Workflow-level error (a node failed without continuing), or undefined. */
	error?: ExecutionError;
	/** Names of the nodes in the order they finished. */
	executionOrder: string[];
	/** Items of `nodeName`'s output `outputIndex` in run `runIndex` (throws if the node did not run). */
	outputOf(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** All outputs of `nodeName` in run `runIndex`. */
	outputsOf(nodeName: string, runIndex?: number): INodeExecutionData[][];
	/** Just the `json` of `outputOf(...)`. */
	json(nodeName: string, outputIndex?: number, runIndex?: number): IDataObject[];
	/** The task data of `nodeName` (error, hints, executionStatus, source...). */
	taskOf(nodeName: string, runIndex?: number): ITaskData;
	/** The error a node failed with (undefined if it did not fail). */
	errorOf(nodeName: string, runIndex?: number): ExecutionError | undefined;
	/** Credentials requests made by nodes, and data they wrote back. */
	credentialsHelper: TestCredentialsHelper;
	staticData: IDataObject;
}

function pickStartNode(nodes: INode[], connections: IConnections, requested?: string): INode {
	if (requested) {
		const node = nodes.find((n) => n.name === requested);
		if (!node) throw new Error(`[n8nEngine] startNode "${requested}" is not in nodes`);
		return node;
	}
	const byType = nodes.find((n) => START_NODE_TYPES.includes(n.type) && !n.disabled);
	if (byType) return byType;
	const withIncoming = new Set<string>();
	for (const byConnectionType of Object.values(connections)) {
		for (const outputs of Object.values(byConnectionType)) {
			for (const output of outputs ?? []) {
				for (const connection of output ?? []) withIncoming.add(connection.node);
			}
		}
	}
	const root = nodes.find((n) => !withIncoming.has(n.name) && !n.disabled);
	if (!root) throw new Error('[n8nEngine] cannot find a start node; pass startNode');
	return root;
}

function assignMissingCredentials(
	nodes: INode[],
	nodeTypes: INodeTypes,
	credentials: Record<string, ICredentialDataDecryptedObject>,
): void {
	for (const node of nodes) {
		const described = nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description
			.credentials;
		for (const { name } of described ?? []) {
			if (credentials[name] === undefined || node.credentials?.[name]) continue;
			node.credentials = {
				...node.credentials,
				[name]: { id: `test-${name}`, name: `${name} (test)` },
			};
		}
	}
}

let executionCounter = 0;

export async function runWorkflow(options: RunWorkflowOptions): Promise<RunWorkflowResult> {
	setupN8nContainer();

	const nodeTypes = new TestNodeTypes({ ...builtInNodeTypes(), ...(options.nodeTypes ?? {}) });
	const credentials = structuredClone(options.credentials ?? {});
	const credentialsHelper = new TestCredentialsHelper(credentials, options.credentialTypes ?? {});
	const nodes = structuredClone(options.nodes);
	if (options.assignCredentials !== false) assignMissingCredentials(nodes, nodeTypes, credentials);

	const mode = options.mode ?? 'manual';
	const staticData = options.staticData ?? {};
	const workflow = new Workflow({
		id: options.workflowId ?? 'test-workflow',
		name: options.workflowName ?? 'Test workflow',
		nodes,
		connections: options.connections,
		nodeTypes,
		active: false,
		staticData,
		settings: { executionOrder: 'v1', ...(options.settings ?? {}) },
	});

	const startNode = workflow.getNode(
		pickStartNode(nodes, options.connections, options.startNode).name,
	)!;

	const executionId = `test-execution-${++executionCounter}`;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, {
		id: workflow.id,
		name: workflow.name ?? 'Test workflow',
		active: false,
		activeVersionId: null,
		isArchived: false,
		nodes,
		connections: options.connections,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as never);
	const executionOrder: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		executionOrder.push(nodeName);
	});

	const baseUrl = 'http://localhost:5678';
	const additionalData: IWorkflowExecuteAdditionalData = {
		credentialsHelper,
		hooks,
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${baseUrl}/rest`,
		instanceBaseUrl: `${baseUrl}/`,
		formWaitingBaseUrl: `${baseUrl}/form-waiting`,
		webhookBaseUrl: `${baseUrl}/webhook`,
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		variables: {},
		userId: 'test-user',
		externalSecretsProxy: new ExternalSecretsProxy(),
		logAiEvent: () => {},
		executeWorkflow: async () => {
			throw new Error('[n8nEngine] executing sub-workflows is not supported in tests');
		},
		getRunExecutionData: async () => undefined,
		startRunnerTask: async () => {
			throw new Error('[n8nEngine] task runners (Code node) are not available in tests');
		},
	};

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: startNode,
					data: { main: [options.input ?? [{ json: {} }]] },
					source: null,
				},
			],
		},
	});

	const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
	// Resolves after the workflowExecuteAfter hook ran, with the same IRun.
	const run: IRun = await workflowExecute.processRunExecutionData(workflow);

	const runData = run.data.resultData.runData;
	const taskOf = (nodeName: string, runIndex = 0): ITaskData => {
		const task = runData[nodeName]?.[runIndex];
		if (!task) {
			const ran = Object.keys(runData).join(', ') || 'none';
			const error = run.data.resultData.error?.message;
			throw new Error(
				`[n8nEngine] node "${nodeName}" has no run #${runIndex} (nodes that ran: ${ran})${error ? `; workflow error: ${error}` : ''}`,
			);
		}
		return task;
	};
	const outputsOf = (nodeName: string, runIndex = 0) =>
		(taskOf(nodeName, runIndex).data?.main ?? []).map((items) => items ?? []);
	const outputOf = (nodeName: string, outputIndex = 0, runIndex = 0) =>
		outputsOf(nodeName, runIndex)[outputIndex] ?? [];

	return {
		run,
		status: run.status,
		runData,
		error: run.data.resultData.error,
		executionOrder,
		outputOf,
		outputsOf,
		json: (nodeName, outputIndex, runIndex) =>
			outputOf(nodeName, outputIndex, runIndex).map((item) => item.json),
		taskOf,
		errorOf: (nodeName, runIndex = 0) => runData[nodeName]?.[runIndex]?.error,
		credentialsHelper,
		staticData: workflow.staticData,
	};
}

// ---------------------------------------------------------------------------------------------
// runNode: one node behind a Manual Trigger
// ---------------------------------------------------------------------------------------------

export interface RunNodeOptions extends Omit<RunWorkflowOptions, 'nodes' | 'connections' | 'startNode'> {
	/** The node under test; name/id/position/typeVersion default sensibly. */
	node: Partial<INode> & Pick<INode, 'type'>;
}

export interface RunNodeResult extends RunWorkflowResult {
	/** The node's name in the workflow (default 'Node'). */
	nodeName: string;
	/** Items of the node's first output. */
	output: INodeExecutionData[];
}

/** Runs a single node as `Manual Trigger -> node` with the given input items. */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const { node: partial, ...rest } = options;
	const nodeName = partial.name ?? 'Node';
	const type = { ...builtInNodeTypes(), ...(options.nodeTypes ?? {}) }[partial.type];
	const defaultVersion = type
		? 'nodeVersions' in type
			? type.currentVersion
			: Math.max(...[type.description.version].flat())
		: 1;
	const node: INode = {
		id: 'node-under-test',
		position: [200, 0],
		parameters: {},
		typeVersion: defaultVersion,
		...partial,
		name: nodeName,
	};
	const result = await runWorkflow({
		...rest,
		nodes: [
			{
				id: 'manual-trigger',
				name: 'Manual Trigger',
				type: MANUAL_TRIGGER_NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			node,
		],
		connections: {
			'Manual Trigger': { main: [[{ node: nodeName, type: NodeConnectionTypes.Main, index: 0 }]] },
		},
		startNode: 'Manual Trigger',
	});
	const ran = result.runData[nodeName] !== undefined;
	return { ...result, nodeName, output: ran ? result.outputOf(nodeName) : [] };
}
