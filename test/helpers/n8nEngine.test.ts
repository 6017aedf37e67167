/**
 * Proves test/helpers/n8nEngine.ts runs nodes in n8n-core's real WorkflowExecute:
 * expressions, credentials via ICredentialsHelper, pairedItem, onError/continueOnFail,
 * failing executions, authenticated HTTP requests, multiple outputs and static data.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { runNode, runWorkflow } from './n8nEngine';

const TYPE = 'n8n-nodes-test.greeter';

/** Test-only credential type: generic header auth + a default value. */
class GreeterApi implements ICredentialType {
	name = 'greeterApi';
	displayName = 'Greeter API';
	properties: ICredentialType['properties'] = [
		{ displayName: 'Token', name: 'token', type: 'string', default: '' },
		{ displayName: 'Prefix', name: 'prefix', type: 'string', default: 'Hello' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
	];
	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.token}}' } },
	};
}

/**
 * Test-only node: reads `name` (usually an expression) per item, reads credentials,
 * throws for the item named "boom", optionally calls an HTTP endpoint with authentication.
 */
class Greeter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Greeter',
		name: 'greeter',
		group: ['transform'],
		version: 1,
		description: 'test node',
		defaults: { name: 'Greeter' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['greeted', 'skipped'],
		credentials: [{ name: 'greeterApi', required: true }],
		properties: [
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
			{ displayName: 'Call API', name: 'callApi', type: 'boolean', default: false },
			{ displayName: 'Punctuation', name: 'punctuation', type: 'string', default: '!' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const credentials = await this.getCredentials<{
			token: string;
			prefix: string;
			baseUrl: string;
		}>('greeterApi');
		const greeted: INodeExecutionData[] = [];
		const skipped: INodeExecutionData[] = [];
		const counter = this.getWorkflowStaticData('node');
		for (let i = 0; i < items.length; i++) {
			try {
				const name = this.getNodeParameter('name', i) as string;
				if (name === 'boom') {
					throw new NodeOperationError(this.getNode(), `Cannot greet "${name}"`, { itemIndex: i });
				}
				if (name === '') {
					skipped.push({ json: { skipped: true }, pairedItem: { item: i } });
					continue;
				}
				const json: IDataObject = {
					greeting: `${credentials.prefix} ${name}${this.getNodeParameter('punctuation', i) as string}`,
					token: credentials.token,
				};
				if (this.getNodeParameter('callApi', i) as boolean) {
					json.api = (await this.helpers.httpRequestWithAuthentication.call(this, 'greeterApi', {
						method: 'GET',
						url: `${credentials.baseUrl}/echo`,
						json: true,
					})) as IDataObject;
				}
				counter.greeted = ((counter.greeted as number) ?? 0) + 1;
				greeted.push({ json, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					greeted.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [greeted, skipped];
	}
}

const nodeTypes = { [TYPE]: new Greeter() };
const credentialTypes = { greeterApi: new GreeterApi() };
const credentials = { greeterApi: { token: 'secret-token' } };

const trigger: INode = {
	id: 't',
	name: 'When clicking ‘Execute workflow’',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function greeterNode(overrides: Partial<INode> = {}): INode {
	return {
		id: 'g',
		name: 'Greeter',
		type: TYPE,
		typeVersion: 1,
		position: [200, 0],
		parameters: { name: '={{ $json.first }} {{ $json.last.toUpperCase() }}' },
		credentials: { greeterApi: { id: '1', name: 'Greeter account' } },
		...overrides,
	};
}

const connections = {
	[trigger.name]: { main: [[{ node: 'Greeter', type: NodeConnectionTypes.Main, index: 0 }]] },
};

describe('n8nEngine (real n8n-core WorkflowExecute)', () => {
	it('evaluates expressions, reads credentials (with type defaults) and links pairedItem', async () => {
		const result = await runWorkflow({
			nodes: [trigger, greeterNode()],
			connections,
			nodeTypes,
			credentials,
			credentialTypes,
			input: [{ json: { first: 'Ada', last: 'Lovelace' } }, { json: { first: 'Alan', last: 'Turing' } }],
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.executionOrder).toEqual([trigger.name, 'Greeter']);
		expect(result.json('Greeter')).toEqual([
			{ greeting: 'Hello Ada LOVELACE!', token: 'secret-token' },
			{ greeting: 'Hello Alan TURING!', token: 'secret-token' },
		]);
		expect(result.outputOf('Greeter').map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
		]);
		// the trigger passes the input through; the engine assigns pairedItem itself there
		expect(result.outputOf(trigger.name).map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
		]);
		expect(result.taskOf('Greeter').source).toEqual([
			{ previousNode: trigger.name, previousNodeOutput: 0, previousNodeRun: 0 },
		]);
		expect(result.credentialsHelper.requested).toEqual([
			{ type: 'greeterApi', nodeCredentials: { id: '1', name: 'Greeter account' } },
		]);
		expect(result.staticData).toMatchObject({ 'node:Greeter': { greeted: 2 } });
	});

	it('routes items to the second output and evaluates $node / $items expressions downstream', async () => {
		const result = await runWorkflow({
			nodes: [
				trigger,
				greeterNode({ parameters: { name: '={{ $json.first ?? "" }}' } }),
				{
					id: 'n',
					name: 'After skip',
					type: 'n8n-nodes-base.noOp',
					typeVersion: 1,
					position: [400, 100],
					parameters: {},
				},
				{
					id: 'm',
					name: 'Echo',
					type: TYPE,
					typeVersion: 1,
					position: [400, 0],
					parameters: {
						name: "={{ $('Greeter').item.json.greeting }} / {{ $items(\"When clicking ‘Execute workflow’\").length }}",
						punctuation: '?',
					},
				},
			],
			connections: {
				...connections,
				Greeter: {
					main: [
						[{ node: 'Echo', type: NodeConnectionTypes.Main, index: 0 }],
						[{ node: 'After skip', type: NodeConnectionTypes.Main, index: 0 }],
					],
				},
			},
			nodeTypes,
			credentials,
			credentialTypes,
			input: [{ json: { first: 'Ada' } }, { json: {} }],
		});

		expect(result.status).toBe('success');
		expect(result.json('Greeter', 0)).toEqual([{ greeting: 'Hello Ada!', token: 'secret-token' }]);
		expect(result.outputOf('Greeter', 1)).toEqual([{ json: { skipped: true }, pairedItem: { item: 1 } }]);
		expect(result.json('After skip')).toEqual([{ skipped: true }]);
		// "Echo" had no credentials in its JSON: assigned automatically (assignCredentials default)
		expect(result.json('Echo')).toEqual([{ greeting: 'Hello Hello Ada! / 2?', token: 'secret-token' }]);
	});

	it("puts the error on the item with onError: 'continueRegularOutput'", async () => {
		const result = await runNode({
			node: {
				type: TYPE,
				parameters: { name: '={{ $json.name }}' },
				onError: 'continueRegularOutput',
			},
			nodeTypes,
			credentials,
			credentialTypes,
			input: [{ json: { name: 'Grace' } }, { json: { name: 'boom' } }, { json: { name: 'Linus' } }],
		});

		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.output.map((item) => item.json)).toEqual([
			{ greeting: 'Hello Grace!', token: 'secret-token' },
			{ error: 'Cannot greet "boom"' },
			{ greeting: 'Hello Linus!', token: 'secret-token' },
		]);
		expect(result.output.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
	});

	it("routes failed items to the error output with onError: 'continueErrorOutput'", async () => {
		class SingleOutputGreeter extends Greeter {
			description = { ...new Greeter().description, outputs: [NodeConnectionTypes.Main] };
		}
		const result = await runNode({
			node: { type: TYPE, parameters: { name: '={{ $json.name }}' }, onError: 'continueErrorOutput' },
			nodeTypes: { [TYPE]: new SingleOutputGreeter() },
			credentials,
			credentialTypes,
			input: [{ json: { name: 'Grace' } }, { json: { name: 'boom' } }],
		});
		expect(result.status).toBe('success');
		// n8n adds an "Error" output and moves items whose json has `error` there, merged with
		// the json of the input item they are paired with
		expect(result.json('Node', 0)).toEqual([{ greeting: 'Hello Grace!', token: 'secret-token' }]);
		expect(result.json('Node', 1)).toEqual([{ name: 'boom', error: 'Cannot greet "boom"' }]);
		expect(result.outputOf('Node', 1)[0].pairedItem).toEqual({ item: 1 });
	});

	it('surfaces a thrown error in the result when the node does not continue', async () => {
		const result = await runNode({
			node: { type: TYPE, parameters: { name: '={{ $json.name }}' } },
			nodeTypes,
			credentials,
			credentialTypes,
			input: [{ json: { name: 'Grace' } }, { json: { name: 'boom' } }],
		});

		expect(result.status).toBe('error');
		// WorkflowExecute stores a plain copy of the error (own props + message/stack), like n8n's DB
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Cannot greet "boom"',
			node: expect.objectContaining({ name: 'Node', type: TYPE }),
		});
		expect(result.errorOf('Node')?.message).toBe('Cannot greet "boom"');
		expect(result.run.data.resultData.lastNodeExecuted).toBe('Node');
		expect(result.output).toEqual([]);
	});

	it('fails like n8n when a required credential is missing', async () => {
		const result = await runNode({
			node: { type: TYPE, parameters: { name: 'x' } },
			nodeTypes,
			input: [{ json: {} }],
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Node does not have any credentials set');
	});

	it('authenticates real HTTP requests with the credential type (generic auth)', async () => {
		const server = http.createServer((req, res) => {
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ path: req.url, authorization: req.headers.authorization }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		try {
			const result = await runNode({
				node: { type: TYPE, parameters: { name: 'Ada', callApi: true } },
				nodeTypes,
				credentials: {
					greeterApi: { token: 't0k', prefix: 'Hi', baseUrl: `http://127.0.0.1:${port}` },
				},
				credentialTypes,
			});
			expect(result.error).toBeUndefined();
			expect(result.output[0].json).toEqual({
				greeting: 'Hi Ada!',
				token: 't0k',
				api: { path: '/echo', authorization: 'Bearer t0k' },
			});
		} finally {
			server.closeAllConnections(); // n8n's HTTP agent keeps connections alive
			server.close();
		}
	});
});
