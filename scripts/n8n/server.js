/** Starts and drives a real `n8n start` for the browser and trigger end-to-end tests. */
'use strict';
/**
 * A running `n8n start` (the real server: editor, REST API, production webhooks, trigger
 * activation), for scripts/n8n/start.js and the end-to-end tests in test/e2e.
 *
 *   const server = await startN8nServer({ userFolder, env });   // free ports, waits until ready
 *   const rest = await server.ownerSession();                  // creates the owner if needed, logs in
 *   await rest.get('/rest/executions');
 *   await server.stop();
 *
 * Types in server.d.ts.
 */
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const { CACHE_DIR, N8N_BIN, assertInstalled, offlineEnv, freePort, isPortFree } = require('./common');

const DEV_OWNER = {
	email: process.env.N8N_DEV_OWNER_EMAIL || 'dev@example.com',
	password: process.env.N8N_DEV_OWNER_PASSWORD || 'Dev-passw0rd',
	firstName: 'Local',
	lastName: 'Developer',
};

/**
 * One HTTP request; resolves { status, headers, text, json } (json: parsed body or undefined).
 * `url` may be on localhost or 127.0.0.1; n8n listens on 127.0.0.1 only.
 */
function request(method, url, { body, headers = {}, timeoutMs = 10_000 } = {}) {
	return new Promise((resolve, reject) => {
		const data = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
		const req = http.request(
			url,
			{
				method,
				headers: {
					...(data !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}),
					...headers,
				},
				timeout: timeoutMs,
			},
			(res) => {
				const chunks = [];
				res.on('data', (chunk) => chunks.push(chunk));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json;
					try {
						json = text ? JSON.parse(text) : undefined;
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode, headers: res.headers, text, json });
				});
			},
		);
		req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
		req.on('error', reject);
		req.end(data);
	});
}

/**
 * /healthz/readiness answers 200 before the REST API and editor are mounted (n8n listens early,
 * then runs migrations and loads nodes), so wait for /rest/settings to answer JSON.
 */
async function waitUntilReady(baseUrl, child, timeoutMs = 180_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child && child.exitCode !== null) throw new Error(`n8n exited with code ${child.exitCode}`);
		try {
			const { status, json } = await request('GET', `${baseUrl}/rest/settings`, { timeoutMs: 5000 });
			if (status === 200 && json?.data) return json.data;
		} catch {
			// not listening yet, or still serving the placeholder page
		}
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
	throw new Error(`n8n was not ready after ${timeoutMs / 1000} s`);
}

/** Creates the instance owner through the REST API on a fresh instance; 'created' or 'exists'. */
async function ensureOwner(baseUrl, settings, owner = DEV_OWNER) {
	if (!settings.userManagement?.showSetupOnFirstLoad) return 'exists';
	const { status, text } = await request('POST', `${baseUrl}/rest/owner/setup`, { body: owner });
	if (status !== 200) throw new Error(`owner setup failed: HTTP ${status} ${text.slice(0, 300)}`);
	return 'created';
}

/**
 * A logged-in REST session: the auth cookie plus the `browser-id` header n8n ties it to.
 * Throws on non-2xx answers; resolves the parsed JSON's `data` (n8n's REST envelope).
 */
class RestSession {
	constructor(baseUrl, cookie, browserId) {
		this.baseUrl = baseUrl;
		this.cookie = cookie;
		this.browserId = browserId;
	}

	static async login(baseUrl, { email, password } = DEV_OWNER) {
		const browserId = crypto.randomUUID();
		const res = await request('POST', `${baseUrl}/rest/login`, {
			body: { emailOrLdapLoginId: email, password },
			headers: { 'browser-id': browserId },
		});
		if (res.status !== 200) throw new Error(`login as ${email} failed: HTTP ${res.status} ${res.text.slice(0, 300)}`);
		const cookie = [].concat(res.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]).join('; ');
		return new RestSession(baseUrl, cookie, browserId);
	}

	async call(method, pathAndQuery, body) {
		const res = await request(method, `${this.baseUrl}${pathAndQuery}`, {
			body,
			headers: { cookie: this.cookie, 'browser-id': this.browserId },
		});
		if (res.status < 200 || res.status > 299) {
			throw new Error(`${method} ${pathAndQuery}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
		}
		return res.json?.data ?? res.json;
	}

	get(pathAndQuery) {
		return this.call('GET', pathAndQuery);
	}

	post(pathAndQuery, body) {
		return this.call('POST', pathAndQuery, body);
	}

	/** Executions of a workflow, newest first: [{ id, status, finished, mode, startedAt, stoppedAt, ... }]. */
	async executions(workflowId) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const page = await this.get(`/rest/executions?filter=${filter}&limit=100`);
		return page.results;
	}

	/** One execution with its run data (n8n sends `data` flatted-encoded; decoded here to an IRun's `data`). */
	async execution(id) {
		const execution = await this.get(`/rest/executions/${id}`);
		if (typeof execution.data === 'string') {
			const { parse } = require(path.join(CACHE_DIR, 'node_modules', 'flatted'));
			execution.data = parse(execution.data);
		}
		return execution;
	}
}

/**
 * The credential `npm start` creates on a fresh instance so the nodes work at once: the embedded
 * connection (WhatsApp inside n8n; pair it with the node's Session → Get QR operation).
 */
const DEFAULT_CREDENTIAL = {
	name: 'WhatsApp Chats account',
	type: 'whatsAppChatsApi',
	data: { connection: 'embedded', session: 'default', authFolder: '' },
};

/** An embedded credential needs its own random Session Secret (it opens and encrypts the session). */
function withSessionSecret(credential) {
	if (credential.data.connection !== 'embedded' || credential.data.sessionSecret) return credential;
	return { ...credential, data: { ...credential.data, sessionSecret: crypto.randomBytes(32).toString('base64url') } };
}

/**
 * Creates DEFAULT_CREDENTIAL unless the instance already has a WhatsApp Chats credential.
 * Resolves { id, name, created }.
 */
async function ensureDefaultCredential(rest, credential = DEFAULT_CREDENTIAL) {
	const existing = (await rest.get('/rest/credentials')).find((item) => item.type === credential.type);
	if (existing) return { id: existing.id, name: existing.name, created: false };
	const created = await rest.post('/rest/credentials', withSessionSecret(credential));
	return { id: created.id, name: created.name, created: true };
}

/**
 * Starts `n8n start` with the offline environment on free ports (or `port`), waits until the REST
 * API answers. Output is collected (and echoed when `echo` is set, or N8N_E2E_ECHO=1).
 */
async function startN8nServer({ userFolder, port, env = {}, echo = process.env.N8N_E2E_ECHO === '1', readyTimeoutMs = 180_000 } = {}) {
	assertInstalled();
	fs.mkdirSync(userFolder, { recursive: true });
	port = port ?? (await freePort());
	const brokerPort = await freePort();
	for (const candidate of [port, brokerPort]) {
		if (!(await isPortFree(candidate))) throw new Error(`port ${candidate} on 127.0.0.1 is in use`);
	}
	const fullEnv = {
		...process.env,
		...offlineEnv({ userFolder, port, brokerPort }),
		// what n8n registers at gateways and shows as production webhook URLs
		WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		...env,
	};
	// jest sets NODE_ENV=test, which makes n8n skip loading nodes
	if (fullEnv.NODE_ENV === 'test') delete fullEnv.NODE_ENV;

	const started = Date.now();
	const child = spawn(N8N_BIN, ['start'], { cwd: userFolder, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	const collect = (stream) => (chunk) => {
		output += chunk;
		if (echo) stream.write(chunk);
	};
	child.stdout.on('data', collect(process.stdout));
	child.stderr.on('data', collect(process.stderr));
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

	const baseUrl = `http://127.0.0.1:${port}`;
	const stop = async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
		await exited;
		clearTimeout(timer);
	};

	let settings;
	try {
		settings = await waitUntilReady(baseUrl, child, readyTimeoutMs);
	} catch (error) {
		await stop();
		throw new Error(`${error.message}\n--- n8n output ---\n${output.slice(-4000)}`);
	}
	return {
		child,
		port,
		baseUrl,
		settings,
		readyMs: Date.now() - started,
		output: () => output,
		exited,
		stop,
		/** Creates the dev owner if the instance has none, then logs in as it. */
		async ownerSession(owner = DEV_OWNER) {
			if ((await ensureOwner(baseUrl, settings, owner)) === 'created') settings.userManagement.showSetupOnFirstLoad = false;
			return await RestSession.login(baseUrl, owner);
		},
	};
}

module.exports = {
	DEV_OWNER,
	DEFAULT_CREDENTIAL,
	request,
	waitUntilReady,
	ensureOwner,
	ensureDefaultCredential,
	RestSession,
	startN8nServer,
};
