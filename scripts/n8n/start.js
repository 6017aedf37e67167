#!/usr/bin/env node
'use strict';
/**
 * `npm start`: build this package and run the real n8n (n8n@2.8.4, see install.sh) with it loaded
 * as a community node package, offline, on 127.0.0.1.
 *
 *   node scripts/n8n/start.js [--skip-build] [--port 5678] [--fresh] [--no-owner] [--no-credential]
 *
 *   --skip-build   don't run `npm run build` (dist/ must exist)
 *   --port N       editor/REST/webhook port (default $N8N_PORT or 5678); task broker uses N+1
 *   --fresh        delete the local n8n data (database, credentials, workflows) first
 *   --no-owner     don't create the local owner account (you get n8n's "Set up owner" page)
 *   --no-credential  don't create the example credential "WhatsApp Chats account" (embedded
 *                  connection) that a fresh instance otherwise gets
 *
 * n8n itself is installed on the first run into .cache/n8n (N8N_CACHE_DIR), see install.sh.
 * Data lives in .cache/n8n-user (N8N_USER_FOLDER). The owner account is created on first start
 * through n8n's REST API (POST /rest/owner/setup): dev@example.com / Dev-passw0rd
 * (override with N8N_DEV_OWNER_EMAIL / N8N_DEV_OWNER_PASSWORD).
 * Any N8N_* variable you set in the environment wins over the defaults here; N8N_PACKAGE_DIR
 * loads another node package folder instead of this repository (for experiments).
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
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
const { DEV_OWNER, DEFAULT_CREDENTIAL, waitUntilReady, ensureOwner, ensureDefaultCredential, RestSession } = require('./server');

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
	const index = args.indexOf(name);
	return index >= 0 && args[index + 1] ? args[index + 1] : fallback;
};

const USER_FOLDER = process.env.N8N_USER_FOLDER || path.join(ROOT, '.cache', 'n8n-user');
const PORT = Number(option('--port', process.env.N8N_PORT || 5678));
const OWNER = DEV_OWNER;

const log = (message) => console.log(`[n8n-start] ${message}`);
const elapsed = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function run(command, commandArgs, options = {}) {
	const result = spawnSync(command, commandArgs, { stdio: 'inherit', cwd: ROOT, ...options });
	if (result.status !== 0) {
		throw new Error(`${command} ${commandArgs.join(' ')} failed (exit ${result.status})`);
	}
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
		const api = `http://127.0.0.1:${PORT}`;
		const owner = await ensureOwner(api, settings, OWNER);
		log(
			owner === 'created'
				? `owner account created: ${OWNER.email} / ${OWNER.password}`
				: `log in with the owner account (default ${OWNER.email} / ${OWNER.password})`,
		);
		if (!flag('--no-credential')) {
			try {
				const credential = await ensureDefaultCredential(await RestSession.login(api, OWNER));
				log(
					credential.created
						? `credential "${credential.name}" created: connection Embedded (Baileys), session "default"`
						: `credential "${credential.name}" already exists (kept between starts)`,
				);
			} catch (error) {
				// e.g. the owner's password was changed in the editor: nothing to set up then
				log(`no example credential set up: ${error.message}`);
			}
		}
	}
	const line = '-'.repeat(64);
	console.log(
		[
			'',
			line,
			`  n8n ${N8N_VERSION} with ${PACKAGE_JSON.name} is running`,
			'',
			`  editor:       ${baseUrl}`,
			...(flag('--no-owner') ? [] : [`  log in with:  ${OWNER.email} / ${OWNER.password}`]),
			`  nodes:        WhatsApp Chats, WhatsApp Chats Trigger (gateways), WhatsApp Chats Embedded Trigger (search "WhatsApp Chats")`,
			...(flag('--no-owner') || flag('--no-credential')
				? []
				: [`  first steps:  "${DEFAULT_CREDENTIAL.name}" is embedded: pair it with WhatsApp Chats → Session → Get QR,`, '                then start workflows with the WhatsApp Chats Embedded Trigger']),
			`  examples:     ${path.join(ROOT, 'examples')} (Workflows > Import from File)`,
			'  stop:         Ctrl+C',
			line,
			'',
		].join('\n'),
	);
}

main().catch((error) => {
	console.error(`[n8n-start] ${error.message}`);
	if (child && child.exitCode === null) child.kill('SIGTERM');
	process.exitCode = 1;
});
