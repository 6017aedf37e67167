#!/usr/bin/env node
'use strict';
/**
 * `npm start`: build this package and run the real n8n (n8n@2.8.4, see install.sh) with it loaded
 * as a community node package, offline, on 127.0.0.1.
 *
 *   node scripts/n8n/start.js [--skip-build] [--port 5678] [--fresh] [--no-owner]
 *
 *   --skip-build   don't run `npm run build` (dist/ must exist)
 *   --port N       editor/REST/webhook port (default $N8N_PORT or 5678); task broker uses N+1
 *   --fresh        delete the local n8n data (database, credentials, workflows) first
 *   --no-owner     don't create the local owner account (you get n8n's "Set up owner" page)
 *
 * Data lives in .cache/n8n-user (N8N_USER_FOLDER). The owner account is created on first start
 * through n8n's REST API (POST /rest/owner/setup): dev@example.com / Dev-passw0rd
 * (override with N8N_DEV_OWNER_EMAIL / N8N_DEV_OWNER_PASSWORD).
 * Any N8N_* variable you set in the environment wins over the defaults here; N8N_PACKAGE_DIR
 * loads another node package folder instead of this repository (for experiments).
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const {
	ROOT,
	PACKAGE_DIR,
	N8N_VERSION,
	N8N_BIN,
	PACKAGE_JSON,
	installedVersion,
	offlineEnv,
	linkPackage,
	missingBuildOutputs,
	isPortFree,
} = require('./common');

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
	const index = args.indexOf(name);
	return index >= 0 && args[index + 1] ? args[index + 1] : fallback;
};

const USER_FOLDER = process.env.N8N_USER_FOLDER || path.join(ROOT, '.cache', 'n8n-user');
const PORT = Number(option('--port', process.env.N8N_PORT || 5678));
const OWNER = {
	email: process.env.N8N_DEV_OWNER_EMAIL || 'dev@example.com',
	password: process.env.N8N_DEV_OWNER_PASSWORD || 'Dev-passw0rd',
	firstName: 'Local',
	lastName: 'Developer',
};

const log = (message) => console.log(`[n8n-start] ${message}`);
const elapsed = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function run(command, commandArgs, options = {}) {
	const result = spawnSync(command, commandArgs, { stdio: 'inherit', cwd: ROOT, ...options });
	if (result.status !== 0) {
		throw new Error(`${command} ${commandArgs.join(' ')} failed (exit ${result.status})`);
	}
}

function request(method, url, body) {
	return new Promise((resolve, reject) => {
		const data = body === undefined ? undefined : JSON.stringify(body);
		const req = http.request(
			url,
			{
				method,
				headers: data
					? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }
					: {},
				timeout: 5000,
			},
			(res) => {
				let text = '';
				res.on('data', (chunk) => (text += chunk));
				res.on('end', () => resolve({ status: res.statusCode, text }));
			},
		);
		req.on('timeout', () => req.destroy(new Error('timeout')));
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
		if (child.exitCode !== null) throw new Error(`n8n exited with code ${child.exitCode}`);
		try {
			const { status, text } = await request('GET', `${baseUrl}/rest/settings`);
			if (status === 200 && JSON.parse(text).data) return JSON.parse(text).data;
		} catch {
			// not listening yet, or still serving the placeholder page
		}
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
	throw new Error(`n8n was not ready after ${timeoutMs / 1000} s`);
}

async function ensureOwner(baseUrl, settings) {
	if (!settings.userManagement?.showSetupOnFirstLoad) return 'exists';
	const { status, text } = await request('POST', `${baseUrl}/rest/owner/setup`, OWNER);
	if (status !== 200) throw new Error(`owner setup failed: HTTP ${status} ${text.slice(0, 300)}`);
	return 'created';
}

/** @type {import('node:child_process').ChildProcess | undefined} */
let child;

async function main() {
	const started = Date.now();

	if (installedVersion() !== N8N_VERSION) {
		log(`n8n@${N8N_VERSION} not installed yet: running scripts/n8n/install.sh (one-time, several minutes)`);
		run('bash', [path.join(__dirname, 'install.sh')]);
	}

	if (!flag('--skip-build')) {
		log('npm run build');
		const buildStart = Date.now();
		run('npm', ['run', 'build']);
		log(`build done in ${elapsed(buildStart)}`);
	}
	const missing = missingBuildOutputs();
	if (missing.length) {
		throw new Error(`build output missing (package.json "n8n" lists them): ${missing.join(', ')}`);
	}

	if (flag('--fresh')) {
		log(`--fresh: deleting ${USER_FOLDER}`);
		fs.rmSync(USER_FOLDER, { recursive: true, force: true });
	}
	fs.mkdirSync(USER_FOLDER, { recursive: true });
	const link = linkPackage(USER_FOLDER);
	log(`${PACKAGE_JSON.name} linked as community package: ${link} -> ${PACKAGE_DIR}`);

	for (const port of [PORT, PORT + 1]) {
		if (!(await isPortFree(port))) {
			throw new Error(`port ${port} on 127.0.0.1 is in use (another n8n?); use --port`);
		}
	}

	const env = {
		...process.env,
		...offlineEnv({ userFolder: USER_FOLDER, port: PORT, brokerPort: PORT + 1 }),
		// user-provided N8N_* settings win
		...Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('N8N_'))),
		N8N_USER_FOLDER: USER_FOLDER,
		N8N_PORT: String(PORT),
	};
	const baseUrl = `http://localhost:${PORT}`;

	log(`starting n8n@${N8N_VERSION} (user folder ${USER_FOLDER})`);
	const n8nStart = Date.now();
	child = spawn(N8N_BIN, ['start'], { cwd: USER_FOLDER, env, stdio: 'inherit' });

	let stopping = false;
	const stop = (signal) => {
		if (stopping) return;
		stopping = true;
		log(`stopping n8n (${signal})`);
		child.kill('SIGTERM');
		setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
	child.on('exit', (code, signal) => {
		log(`n8n exited (${signal ?? code})`);
		process.exit(code ?? process.exitCode ?? 0);
	});

	const settings = await waitUntilReady(`http://127.0.0.1:${PORT}`, child);
	log(`n8n ready in ${elapsed(n8nStart)} (total ${elapsed(started)})`);

	if (!flag('--no-owner')) {
		const owner = await ensureOwner(`http://127.0.0.1:${PORT}`, settings);
		log(
			owner === 'created'
				? `owner account created: ${OWNER.email} / ${OWNER.password}`
				: `log in with the owner account (default ${OWNER.email} / ${OWNER.password})`,
		);
	}
	log(`editor: ${baseUrl}   (Ctrl+C to stop)`);
}

main().catch((error) => {
	console.error(`[n8n-start] ${error.message}`);
	if (child && child.exitCode === null) child.kill('SIGTERM');
	process.exitCode = 1;
});
