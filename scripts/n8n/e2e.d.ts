/** Types for scripts/n8n/e2e.js (real n8n CLI end-to-end runs), for use from TypeScript tests. */
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	IRun,
	IRunData,
	ITaskData,
	IWorkflowBase,
} from 'n8n-workflow';

export interface E2eOptions {
	/** n8n user folder (database, config, linked nodes). Default: <repo>/.cache/n8n-e2e */
	userFolder?: string;
	/** Extra environment for the n8n process. */
	env?: Record<string, string>;
	timeoutMs?: number;
}

export interface E2eCredential {
	/** 16 alphanumeric chars like n8n's ids; generated when missing. */
	id?: string;
	name: string;
	/** Credential type name, e.g. 'whatsAppChatsApi'. */
	type: string;
	/** Plain (decrypted) values; n8n encrypts them with the instance key on import. */
	data: ICredentialDataDecryptedObject;
}

export type E2eWorkflow = Partial<IWorkflowBase> & Pick<IWorkflowBase, 'nodes' | 'connections'>;

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
	durationMs: number;
}

export interface E2eExecutionResult {
	/** The IRun n8n printed (undefined when n8n could not run the workflow at all). */
	run: IRun | undefined;
	status: IRun['status'] | 'error';
	runData: IRunData;
	error?: ExecutionError | { message: string };
	lastNodeExecuted?: string;
	outputOf(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	outputsOf(nodeName: string, runIndex?: number): INodeExecutionData[][];
	json(nodeName: string, outputIndex?: number, runIndex?: number): IDataObject[];
	taskOf(nodeName: string, runIndex?: number): ITaskData;
	errorOf(nodeName: string, runIndex?: number): ExecutionError | undefined;
	exitCode: number | null;
	stdout: string;
	stderr: string;
	durationMs: number;
}

export const DEFAULT_USER_FOLDER: string;
export function isN8nInstalled(): boolean;
/** Creates the user folder and links the package (default: this repo, must be built; null: none). */
export function prepareUserFolder(options?: { userFolder?: string; packageDir?: string | null }): string;
export function n8nCli(args: string[], options?: E2eOptions): Promise<CliResult>;
export function importCredentials(
	credentials: E2eCredential | E2eCredential[],
	options?: E2eOptions,
): Promise<Array<E2eCredential & { id: string }>>;
export function importWorkflows(workflows: E2eWorkflow | E2eWorkflow[], options?: E2eOptions): Promise<string[]>;
export function importWorkflow(workflow: E2eWorkflow, options?: E2eOptions): Promise<string>;
/** `n8n publish:workflow --id=ID` (activate; takes effect at the next `n8n start`). */
export function publishWorkflow(id: string, options?: E2eOptions): Promise<void>;
export function executeWorkflow(id: string, options?: E2eOptions): Promise<E2eExecutionResult>;
export function parseRawOutput(stdout: string): IRun | undefined;
export function runWorkflowE2E(options: {
	workflow: E2eWorkflow;
	credentials?: E2eCredential[];
	userFolder?: string;
	packageDir?: string | null;
	env?: Record<string, string>;
}): Promise<
	E2eExecutionResult & {
		workflowId: string;
		timings: { importCredentials?: number; importWorkflow: number; execute: number };
	}
>;
export function newId(length?: number): string;
