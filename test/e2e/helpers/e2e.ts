/** Shared bits of the end-to-end stages: workflow files, credentials, user folders, waiting. */
import fs from 'node:fs';
import path from 'node:path';
import type { IDataObject, INode } from 'n8n-workflow';
import { isN8nInstalled, type E2eCredential, type E2eWorkflow } from '../../../scripts/n8n/e2e';
import { SESSIONS_API_ID, TEST_API_KEY, type GatewayTestServer } from '../../gateway-server/GatewayTestServer';
import { EVOLUTION_INSTANCE } from '../../gateway-server/evolutionRoutes';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const WORKFLOWS_DIR = path.resolve(__dirname, '..', 'workflows');
export const EXAMPLES_DIR = path.join(ROOT, 'examples');

export const NODE_TYPE = 'n8n-nodes-whatsapp-chats.whatsAppChats';
export const TRIGGER_TYPE = 'n8n-nodes-whatsapp-chats.whatsAppChatsTrigger';
export const EMBEDDED_TRIGGER_TYPE = 'n8n-nodes-whatsapp-chats.whatsAppChatsEmbeddedTrigger';

/** Fails (never skips) when n8n is missing: the e2e run is meant to prove the package in n8n. */
export function requireN8n(): void {
	if (!isN8nInstalled()) {
		throw new Error('n8n@2.8.4 is not installed: run `npm run n8n:install` (or set N8N_CACHE_DIR to an installed copy)');
	}
	for (const file of ['dist/nodes/WhatsAppChats/WhatsAppChats.node.js', 'dist/nodes/WhatsAppChats/whatsapp.svg']) {
		if (!fs.existsSync(path.join(ROOT, file))) throw new Error(`${file} is missing: run \`npm run build\``);
	}
}

/** A fresh n8n user folder for one stage: <repo>/.cache/n8n-e2e/<stage> (or under N8N_E2E_DIR). */
export function freshUserFolder(stage: string): string {
	const base = process.env.N8N_E2E_DIR || path.join(ROOT, '.cache', 'n8n-e2e');
	const folder = path.join(base, stage);
	fs.rmSync(folder, { recursive: true, force: true });
	fs.mkdirSync(folder, { recursive: true });
	return folder;
}

export function readWorkflow(file: string): E2eWorkflow {
	return JSON.parse(fs.readFileSync(file, 'utf8')) as E2eWorkflow;
}

export const e2eWorkflow = (name: string) => readWorkflow(path.join(WORKFLOWS_DIR, name));
export const example = (name: string) => readWorkflow(path.join(EXAMPLES_DIR, name));

/** Sets the credential of every WhatsApp Chats node (and trigger) of a workflow, as a user does after import. */
export function withCredential(workflow: E2eWorkflow, credential: { id?: string; name: string }, id?: string): E2eWorkflow {
	return {
		...workflow,
		...(id ? { id } : {}),
		nodes: workflow.nodes.map((node: INode) =>
			[NODE_TYPE, TRIGGER_TYPE, EMBEDDED_TRIGGER_TYPE].includes(node.type)
				? { ...node, credentials: { whatsAppChatsApi: { id: credential.id ?? null, name: credential.name } } }
				: node,
		),
	};
}

export const WAHA_CREDENTIAL_ID = 'e2eWahaGateway01';
export const SESSIONS_API_CREDENTIAL_ID = 'e2eSessionsApi01';
export const EVOLUTION_CREDENTIAL_ID = 'e2eEvolutionApi1';
export const WEBHOOK_SECRET = 'e2e-webhook-secret-5d1c';

export function wahaCredential(gateway: GatewayTestServer, data: IDataObject = {}): E2eCredential {
	return {
		id: WAHA_CREDENTIAL_ID,
		name: 'E2E WAHA gateway',
		type: 'whatsAppChatsApi',
		data: { connection: 'waha', baseUrl: gateway.url, session: 'default', apiKey: TEST_API_KEY, webhookSecret: WEBHOOK_SECRET, ...data },
	};
}

export function sessionsApiCredential(gateway: GatewayTestServer): E2eCredential {
	return {
		id: SESSIONS_API_CREDENTIAL_ID,
		name: 'E2E Sessions API gateway',
		type: 'whatsAppChatsApi',
		data: { connection: 'sessionsApi', baseUrl: gateway.url, session: SESSIONS_API_ID, apiKey: TEST_API_KEY },
	};
}

/** Evolution API: the instance name goes in the credential's session field, the key in the `apikey` header. */
export function evolutionCredential(gateway: GatewayTestServer, data: IDataObject = {}): E2eCredential {
	return {
		id: EVOLUTION_CREDENTIAL_ID,
		name: 'E2E Evolution API gateway',
		type: 'whatsAppChatsApi',
		data: { connection: 'evolution', baseUrl: gateway.url, session: EVOLUTION_INSTANCE, apiKey: TEST_API_KEY, webhookSecret: WEBHOOK_SECRET, ...data },
	};
}

/** Polls until `probe` returns something other than undefined/false; fails with `what` after timeoutMs. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value !== undefined && value !== false) return value as T;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** Prints a stage timing line (jest shows console output per file). */
export function logTiming(stage: string, timings: Record<string, number>): void {
	const parts = Object.entries(timings).map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)} s`);
	console.log(`[e2e timing] ${stage}: ${parts.join(', ')}`);
}
