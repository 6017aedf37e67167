#!/usr/bin/env node
'use strict';
/**
 * End-to-end runs with the real n8n CLI (n8n@2.8.4 installed by scripts/n8n/install.sh):
 * `n8n import:credentials`, `n8n import:workflow`, `n8n execute --id=ID --rawOutput`, with this
 * package linked into the n8n user folder as a community package.
 *
 * From jest (types in e2e.d.ts):
 *   const { runWorkflowE2E, isN8nInstalled } = require('../scripts/n8n/e2e');
 *   const result = await runWorkflowE2E({ workflow, credentials: [{ id, name, type, data }] });
 *   expect(result.status).toBe('success');
 *   expect(result.json('WhatsApp')).toEqual([...]);
 *
 * From the shell:
 *   node scripts/n8n/e2e.js workflow.json [--credentials creds.json] [--user-folder DIR]
 *   node scripts/n8n/e2e.js --self-test       # built-in nodes + a throwaway custom package in /tmp
 *
 * Every CLI call boots n8n (≈4-7 s each; the first one in a new user folder also runs the database
 * migrations). Calls on the same user folder are serialized with a lock directory (SQLite).
 */
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const {
	ROOT,
	PACKAGE_DIR,
	N8N_BIN,
	N8N_VERSION,
	installedVersion,
	assertInstalled,
	offlineEnv,
	linkPackage,
	missingBuildOutputs,
	freePort,
} = require('./common');

const DEFAULT_USER_FOLDER = path.join(ROOT, '.cache', 'n8n-e2e');

function isN8nInstalled() {
	return installedVersion() === N8N_VERSION && fs.existsSync(N8N_BIN);
}

/** n8n ids: workflows <= 21 chars, credentials 16 chars alphanumeric (like n8n's nanoid). */
function newId(length = 16) {
	const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
	const bytes = crypto.randomBytes(length);
	return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
}

async function withLock(userFolder, fn) {
	const lock = path.join(userFolder, '.e2e-lock');
	const deadline = Date.now() + 10 * 60_000;
	for (;;) {
		try {
			fs.mkdirSync(lock);
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			try {
				if (Date.now() - fs.statSync(lock).mtimeMs > 5 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
			} catch {
				// removed meanwhile
			}
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

/**
 * Creates the user folder and links the package (default: this repository; it must be built:
 * `npm run build`). Pass `packageDir: null` to run n8n without it.
 */
function prepareUserFolder({ userFolder = DEFAULT_USER_FOLDER, packageDir = PACKAGE_DIR } = {}) {
	assertInstalled();
	fs.mkdirSync(userFolder, { recursive: true });
	if (packageDir) {
		const missing = missingBuildOutputs(packageDir);
		if (missing.length) {
			throw new Error(`${packageDir} is not built (missing ${missing.join(', ')}): run \`npm run build\``);
		}
		linkPackage(userFolder, packageDir);
	}
	return userFolder;
}

/** Runs `n8n <args>` with the offline environment; resolves { code, stdout, stderr, durationMs }. */
async function n8nCli(args, { userFolder = DEFAULT_USER_FOLDER, env = {}, timeoutMs = 180_000 } = {}) {
	assertInstalled();
	fs.mkdirSync(userFolder, { recursive: true });
	const brokerPort = await freePort();
	const fullEnv = {
		...process.env,
		...offlineEnv({ userFolder, brokerPort, logLevel: 'info' }),
		...env,
	};
	// jest sets NODE_ENV=test, which n8n treats specially (e.g. refuses to load nodes)
	if (fullEnv.NODE_ENV === 'test') delete fullEnv.NODE_ENV;
	return await withLock(userFolder, async () => {
		const started = Date.now();
		return await new Promise((resolve, reject) => {
			const child = spawn(N8N_BIN, args, { cwd: userFolder, env: fullEnv });
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (chunk) => (stdout += chunk));
			child.stderr.on('data', (chunk) => (stderr += chunk));
			const timer = setTimeout(() => {
				child.kill('SIGKILL');
				reject(new Error(`n8n ${args.join(' ')} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`));
			}, timeoutMs);
			child.on('error', (error) => {
				clearTimeout(timer);
				reject(error);
			});
			child.on('close', (code) => {
				clearTimeout(timer);
				resolve({ code, stdout, stderr, durationMs: Date.now() - started });
			});
		});
	});
}

function writeTempJson(userFolder, prefix, data) {
	const dir = path.join(userFolder, 'e2e-imports');
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${prefix}-${process.pid}-${newId(8)}.json`);
	fs.writeFileSync(file, JSON.stringify(data, null, 2));
	return file;
}

/**
 * Imports credentials: [{ id?, name, type, data: { ...plain values } }] (n8n encrypts plain `data`
 * with the instance key). Returns them with ids. Same id again = overwrite.
 */
async function importCredentials(credentials, options = {}) {
	const list = (Array.isArray(credentials) ? credentials : [credentials]).map((credential) => ({
		...credential,
		id: credential.id ?? newId(),
	}));
	const userFolder = options.userFolder ?? DEFAULT_USER_FOLDER;
	const file = writeTempJson(userFolder, 'credentials', list);
	try {
		const result = await n8nCli(['import:credentials', `--input=${file}`], options);
		if (result.code !== 0 || !/Successfully imported/.test(result.stdout)) {
			throw new Error(`n8n import:credentials failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
		}
		return list;
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/** Imports one or more workflows (n8n export JSON); returns their ids (generated when missing). */
async function importWorkflows(workflows, options = {}) {
	const list = (Array.isArray(workflows) ? workflows : [workflows]).map((workflow) => ({
		active: false,
		settings: { executionOrder: 'v1' },
		connections: {},
		...workflow,
		id: workflow.id ?? newId(),
		name: workflow.name ?? `e2e ${new Date().toISOString()}`,
	}));
	const userFolder = options.userFolder ?? DEFAULT_USER_FOLDER;
	const file = writeTempJson(userFolder, 'workflows', list);
	try {
		const result = await n8nCli(['import:workflow', `--input=${file}`], options);
		if (result.code !== 0 || !/Successfully imported/.test(result.stdout)) {
			throw new Error(`n8n import:workflow failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
		}
		return list.map((workflow) => workflow.id);
	} finally {
		fs.rmSync(file, { force: true });
	}
}

async function importWorkflow(workflow, options = {}) {
	return (await importWorkflows([workflow], options))[0];
}

/**
 * Publishes (activates) an imported workflow: `n8n publish:workflow --id=ID`, n8n 2.x's successor
 * of `update:workflow --active=true` (which still works, deprecated, and calls the same thing).
 * `import:workflow` always imports workflows unpublished. Takes effect when n8n (re)starts: run it
 * before `n8n start`.
 */
async function publishWorkflow(id, options = {}) {
	const result = await n8nCli(['publish:workflow', `--id=${id}`], options);
	if (result.code !== 0 || !/Publishing workflow with ID/.test(result.stdout) || /GOT ERROR/.test(result.stdout)) {
		throw new Error(`n8n publish:workflow --id=${id} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
	}
}

/**
 * Finds the IRun JSON `n8n execute --rawOutput` prints. In 2.8.4 it goes through n8n's logger at
 * level "info" (so N8N_LOG_LEVEL must be info or debug, else nothing is printed), pretty-printed
 * with 2 spaces between a line "{" and a line "}", among other log lines (task broker, runners).
 * On failure n8n prints the same JSON after "Execution was NOT successful" and exits with 1.
 */
function parseRawOutput(stdout) {
	const lines = stdout.split(/\r?\n/);
	for (let start = 0; start < lines.length; start++) {
		if (lines[start] !== '{') continue;
		for (let end = lines.length - 1; end > start; end--) {
			if (lines[end] !== '}') continue;
			try {
				const parsed = JSON.parse(lines.slice(start, end + 1).join('\n'));
				if (parsed && typeof parsed === 'object' && parsed.data?.resultData) return parsed;
			} catch {
				// keep looking
			}
		}
	}
	return undefined;
}

function makeResult(run, cli) {
	const runData = run?.data?.resultData?.runData ?? {};
	const taskOf = (nodeName, runIndex = 0) => {
		const task = runData[nodeName]?.[runIndex];
		if (!task) {
			throw new Error(
				`node "${nodeName}" has no run #${runIndex} (ran: ${Object.keys(runData).join(', ') || 'none'})` +
					(run?.data?.resultData?.error ? `; workflow error: ${run.data.resultData.error.message}` : '') +
					(run ? '' : `; n8n output:\n${cli.stdout}\n${cli.stderr}`),
			);
		}
		return task;
	};
	const outputsOf = (nodeName, runIndex = 0) =>
		(taskOf(nodeName, runIndex).data?.main ?? []).map((items) => items ?? []);
	const outputOf = (nodeName, outputIndex = 0, runIndex = 0) => outputsOf(nodeName, runIndex)[outputIndex] ?? [];
	// n8n prints its own messages after "Execution error:" / "====" when it could not run at all
	const cliError = run
		? undefined
		: (cli.stdout.split('====================================').pop() || cli.stderr).trim().split('\n')[0];
	return {
		run,
		status: run?.status ?? 'error',
		runData,
		error: run?.data?.resultData?.error ?? (cliError ? { message: cliError } : undefined),
		lastNodeExecuted: run?.data?.resultData?.lastNodeExecuted,
		outputOf,
		outputsOf,
		json: (nodeName, outputIndex, runIndex) => outputOf(nodeName, outputIndex, runIndex).map((item) => item.json),
		taskOf,
		errorOf: (nodeName, runIndex = 0) => runData[nodeName]?.[runIndex]?.error,
		exitCode: cli.code,
		stdout: cli.stdout,
		stderr: cli.stderr,
		durationMs: cli.durationMs,
	};
}

/** `n8n execute --id=ID --rawOutput`, parsed. Does not throw when the workflow fails: check `status`. */
async function executeWorkflow(id, options = {}) {
	const cli = await n8nCli(['execute', `--id=${id}`, '--rawOutput'], options);
	return makeResult(parseRawOutput(cli.stdout), cli);
}

/**
 * Prepare the user folder (link the package), import credentials + workflow, execute it.
 * Returns the executeWorkflow result plus `workflowId` and `timings` (ms per step).
 */
async function runWorkflowE2E({ workflow, credentials = [], userFolder = DEFAULT_USER_FOLDER, packageDir, env } = {}) {
	const options = { userFolder, env };
	const timings = {};
	let t = Date.now();
	prepareUserFolder({ userFolder, packageDir });
	if (credentials.length) {
		await importCredentials(credentials, options);
		timings.importCredentials = Date.now() - t;
	}
	t = Date.now();
	const workflowId = await importWorkflow(workflow, options);
	timings.importWorkflow = Date.now() - t;
	t = Date.now();
	const result = await executeWorkflow(workflowId, options);
	timings.execute = Date.now() - t;
	return { ...result, workflowId, timings };
}

// ---------------------------------------------------------------------------------------------
// Self test: proves the machinery with built-in nodes and a throwaway custom node package.
// ---------------------------------------------------------------------------------------------

function writeProbePackage(dir) {
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(path.join(dir, 'dist', 'nodes', 'Probe'), { recursive: true });
	fs.mkdirSync(path.join(dir, 'dist', 'credentials'), { recursive: true });
	// the package resolves n8n-workflow from this repository's node_modules, like the real one
	fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify(
			{
				name: 'n8n-nodes-e2e-probe',
				version: '0.0.1',
				n8n: {
					n8nNodesApiVersion: 1,
					credentials: ['dist/credentials/ProbeApi.credentials.js'],
					nodes: ['dist/nodes/Probe/Probe.node.js'],
				},
			},
			null,
			2,
		),
	);
	fs.writeFileSync(
		path.join(dir, 'dist', 'credentials', 'ProbeApi.credentials.js'),
		`'use strict';
class ProbeApi {
	constructor() {
		this.name = 'probeApi';
		this.displayName = 'Probe API';
		this.properties = [
			{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:1' },
		];
	}
}
exports.ProbeApi = ProbeApi;
`,
	);
	fs.writeFileSync(
		path.join(dir, 'dist', 'nodes', 'Probe', 'Probe.node.js'),
		`'use strict';
const { NodeOperationError } = require('n8n-workflow');
class Probe {
	constructor() {
		this.description = {
			displayName: 'Probe', name: 'probe', group: ['transform'], version: 1, description: 'e2e probe',
			defaults: { name: 'Probe' }, inputs: ['main'], outputs: ['main'],
			credentials: [{ name: 'probeApi', required: true }],
			properties: [{ displayName: 'Text', name: 'text', type: 'string', default: '' }],
		};
	}
	async execute() {
		const items = this.getInputData();
		const credentials = await this.getCredentials('probeApi');
		const out = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const text = this.getNodeParameter('text', i);
				if (text === 'boom') throw new NodeOperationError(this.getNode(), 'cannot probe ' + text, { itemIndex: i });
				out.push({ json: { text, apiKey: credentials.apiKey, baseUrl: credentials.baseUrl }, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) { out.push({ json: { error: error.message }, pairedItem: { item: i } }); continue; }
				throw error;
			}
		}
		return [out];
	}
}
exports.Probe = Probe;
`,
	);
}

async function selfTest() {
	const assert = require('node:assert/strict');
	const base = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-self-test-'));
	const userFolder = path.join(base, 'user');
	const packageDir = path.join(base, 'n8n-nodes-e2e-probe');
	writeProbePackage(packageDir);
	const manual = {
		id: 'm',
		name: 'Manual',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const items = {
		id: 'c',
		name: 'Items',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [200, 0],
		parameters: { jsCode: "return [{ json: { t: 'a' } }, { json: { t: 'boom' } }];" },
	};
	const connect = (from, to) => ({ [from]: { main: [[{ node: to, type: 'main', index: 0 }]] } });
	const report = [];
	try {
		// 1. built-in nodes only: Manual Trigger -> Set (expression) -> No Op
		let result = await runWorkflowE2E({
			userFolder,
			packageDir: null,
			workflow: {
				name: 'self-test built-in',
				nodes: [
					manual,
					{
						id: 's',
						name: 'Set',
						type: 'n8n-nodes-base.set',
						typeVersion: 3.4,
						position: [200, 0],
						parameters: {
							assignments: {
								assignments: [{ id: 'a', name: 'hello', value: "={{ 'wor' + 'ld' }}", type: 'string' }],
							},
							options: {},
						},
					},
					{ id: 'n', name: 'NoOp', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [400, 0], parameters: {} },
				],
				connections: { ...connect('Manual', 'Set'), ...connect('Set', 'NoOp') },
			},
		});
		assert.equal(result.status, 'success', result.stdout);
		assert.deepEqual(result.json('NoOp'), [{ hello: 'world' }]);
		report.push({ test: 'built-in nodes', ok: true, timings: result.timings });

		// 2. custom package (linked into .n8n/nodes/node_modules), credentials, onError=continueRegularOutput
		const credentials = [{ id: 'probeCredential1', name: 'Probe account', type: 'probeApi', data: { apiKey: 'k-123' } }];
		const probe = (extra) => ({
			id: 'p',
			name: 'Probe',
			type: 'n8n-nodes-e2e-probe.probe',
			typeVersion: 1,
			position: [400, 0],
			parameters: { text: '={{ $json.t }}' },
			credentials: { probeApi: { id: 'probeCredential1', name: 'Probe account' } },
			...extra,
		});
		result = await runWorkflowE2E({
			userFolder,
			packageDir,
			credentials,
			workflow: {
				name: 'self-test custom continue',
				nodes: [manual, items, probe({ onError: 'continueRegularOutput' })],
				connections: { ...connect('Manual', 'Items'), ...connect('Items', 'Probe') },
			},
		});
		assert.equal(result.status, 'success', result.stdout);
		assert.deepEqual(result.json('Probe'), [
			{ text: 'a', apiKey: 'k-123', baseUrl: 'http://127.0.0.1:1' },
			{ error: 'cannot probe boom' },
		]);
		assert.deepEqual(result.outputOf('Probe').map((item) => item.pairedItem), [{ item: 0 }, { item: 1 }]);
		report.push({ test: 'custom package + credentials + continueOnFail', ok: true, timings: result.timings });

		// 3. the same node failing the execution
		result = await runWorkflowE2E({
			userFolder,
			packageDir,
			workflow: {
				name: 'self-test custom error',
				nodes: [manual, items, probe()],
				connections: { ...connect('Manual', 'Items'), ...connect('Items', 'Probe') },
			},
		});
		assert.equal(result.status, 'error');
		assert.equal(result.exitCode, 1);
		assert.equal(result.error.message, 'cannot probe boom');
		assert.equal(result.errorOf('Probe').message, 'cannot probe boom');
		report.push({ test: 'failing execution', ok: true, timings: result.timings });
		console.log(JSON.stringify(report, null, 2));
		console.log('[n8n-e2e] self-test passed');
	} finally {
		fs.rmSync(base, { recursive: true, force: true });
	}
}

async function cliMain(argv) {
	if (argv.includes('--self-test')) return await selfTest();
	const file = argv.find((arg) => !arg.startsWith('--'));
	if (!file) {
		console.error('usage: node scripts/n8n/e2e.js workflow.json [--credentials creds.json] [--user-folder DIR] | --self-test');
		process.exitCode = 2;
		return;
	}
	const option = (name) => {
		const index = argv.indexOf(name);
		return index >= 0 ? argv[index + 1] : undefined;
	};
	const credentialsFile = option('--credentials');
	const result = await runWorkflowE2E({
		workflow: JSON.parse(fs.readFileSync(file, 'utf8')),
		credentials: credentialsFile ? JSON.parse(fs.readFileSync(credentialsFile, 'utf8')) : [],
		userFolder: option('--user-folder') ? path.resolve(option('--user-folder')) : DEFAULT_USER_FOLDER,
	});
	const outputs = Object.fromEntries(
		Object.keys(result.runData).map((name) => [name, result.outputsOf(name).map((items) => items.map((item) => item.json))]),
	);
	console.log(
		JSON.stringify(
			{ status: result.status, error: result.error?.message, lastNodeExecuted: result.lastNodeExecuted, timings: result.timings, outputs },
			null,
			2,
		),
	);
	if (result.status !== 'success') process.exitCode = 1;
}

module.exports = {
	DEFAULT_USER_FOLDER,
	isN8nInstalled,
	prepareUserFolder,
	n8nCli,
	importCredentials,
	importWorkflows,
	importWorkflow,
	publishWorkflow,
	executeWorkflow,
	parseRawOutput,
	runWorkflowE2E,
	newId,
};

if (require.main === module) {
	cliMain(process.argv.slice(2)).catch((error) => {
		console.error(`[n8n-e2e] ${error.stack || error.message}`);
		process.exitCode = 1;
	});
}
