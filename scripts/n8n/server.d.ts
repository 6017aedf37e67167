/** Types for scripts/n8n/server.js (a running `n8n start`), for use from TypeScript tests. */
import type { ChildProcess } from 'node:child_process';
import type { IncomingHttpHeaders } from 'node:http';
import type { IRun, IDataObject } from 'n8n-workflow';

export interface OwnerAccount {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export const DEV_OWNER: OwnerAccount;

export interface HttpAnswer {
	status: number | undefined;
	headers: IncomingHttpHeaders;
	text: string;
	json: any;
}

export function request(
	method: string,
	url: string,
	options?: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number },
): Promise<HttpAnswer>;

export function waitUntilReady(baseUrl: string, child?: ChildProcess, timeoutMs?: number): Promise<IDataObject>;
export function ensureOwner(baseUrl: string, settings: IDataObject, owner?: OwnerAccount): Promise<'created' | 'exists'>;

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: IRun['status'];
	finished: boolean;
	mode: string;
	startedAt: string;
	stoppedAt: string | null;
}

export interface ExecutionDetails extends ExecutionSummary {
	/** The IRun's `data` (decoded from n8n's flatted encoding). */
	data: IRun['data'];
	workflowData: IDataObject;
}

/** The embedded-mode credential `npm start` creates on a fresh instance. */
export const DEFAULT_CREDENTIAL: { name: string; type: 'whatsAppChatsApi'; data: IDataObject };
export function ensureDefaultCredential(
	rest: RestSession,
	credential?: { name: string; type: string; data: IDataObject },
): Promise<{ id: string; name: string; created: boolean }>;

export class RestSession {
	readonly baseUrl: string;
	static login(baseUrl: string, account?: { email: string; password: string }): Promise<RestSession>;
	call(method: string, pathAndQuery: string, body?: unknown): Promise<any>;
	get(pathAndQuery: string): Promise<any>;
	post(pathAndQuery: string, body?: unknown): Promise<any>;
	executions(workflowId: string): Promise<ExecutionSummary[]>;
	execution(id: string): Promise<ExecutionDetails>;
}

export interface RunningN8n {
	child: ChildProcess;
	port: number;
	baseUrl: string;
	settings: IDataObject;
	readyMs: number;
	output(): string;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	stop(): Promise<void>;
	ownerSession(owner?: OwnerAccount): Promise<RestSession>;
}

export function startN8nServer(options: {
	userFolder: string;
	port?: number;
	env?: Record<string, string>;
	echo?: boolean;
	readyTimeoutMs?: number;
}): Promise<RunningN8n>;
