/** Shared helpers of the scripts that run the real n8n (start, e2e). */
'use strict';
/**
 * Shared bits of scripts/n8n/start.js and scripts/n8n/e2e.js: where the local n8n lives, the
 * environment that keeps it offline, and linking this package in as a community node package.
 */
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const N8N_VERSION = process.env.N8N_VERSION || '2.8.4';
const CACHE_DIR = process.env.N8N_CACHE_DIR || path.join(ROOT, '.cache', 'n8n');
const N8N_BIN = path.join(CACHE_DIR, 'node_modules', '.bin', 'n8n');
/** The node package n8n loads; another folder can be given for experiments (N8N_PACKAGE_DIR). */
const PACKAGE_DIR = path.resolve(process.env.N8N_PACKAGE_DIR || ROOT);
const PACKAGE_JSON = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));

/** Fixed, dev-only key: credentials imported with `n8n import:credentials` must be encrypted with it. */
const DEV_ENCRYPTION_KEY = 'n8n-nodes-whatsapp-chats-local-dev-key';

function installedVersion() {
	try {
		const file = path.join(CACHE_DIR, 'node_modules', 'n8n', 'package.json');
		return JSON.parse(fs.readFileSync(file, 'utf8')).version;
	} catch {
		return undefined;
	}
}

function assertInstalled() {
	const version = installedVersion();
	if (version !== N8N_VERSION || !fs.existsSync(N8N_BIN)) {
		throw new Error(
			`n8n@${N8N_VERSION} is not installed in ${CACHE_DIR} (found: ${version ?? 'nothing'}). ` +
				'Run `bash scripts/n8n/install.sh` first (about 7-8 minutes, 2.3 GB).',
		);
	}
}

/**
 * Environment for a local, offline n8n: no telemetry, no version/template/banner/license calls,
 * fixed encryption key, own user folder (database, config, nodes).
 */
function offlineEnv({ userFolder, port, brokerPort, logLevel }) {
	return {
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: DEV_ENCRYPTION_KEY,
		// no phoning home
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_SENTRY_DSN: '',
		N8N_FRONTEND_SENTRY_DSN: '',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		// loading of ~/.n8n/nodes/node_modules/n8n-nodes-* (our package) needs community packages on
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_SECURE_COOKIE: 'false',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: 'localhost',
		N8N_PROTOCOL: 'http',
		...(port ? { N8N_PORT: String(port) } : {}),
		// every n8n process (also `n8n execute`) starts a task broker for the Code node: give each its own port
		...(brokerPort ? { N8N_RUNNERS_BROKER_PORT: String(brokerPort) } : {}),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_LOG_LEVEL: logLevel || 'info',
		NO_COLOR: '1',
	};
}

/**
 * Makes n8n load this package like an installed community package: a symlink
 * `<userFolder>/.n8n/nodes/node_modules/<package name>` -> package folder. n8n 2.8.4 scans that
 * folder for `n8n-nodes-*` packages and loads the `n8n.nodes` / `n8n.credentials` files listed in
 * their package.json, with node types named `<package name>.<node name>` (the names users get
 * from npm). (N8N_CUSTOM_EXTENSIONS would name them `CUSTOM.<node name>` instead.)
 */
function linkPackage(userFolder, packageDir = PACKAGE_DIR) {
	const packageName = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).name;
	const nodeModules = path.join(userFolder, '.n8n', 'nodes', 'node_modules');
	fs.mkdirSync(nodeModules, { recursive: true });
	const link = path.join(nodeModules, ...packageName.split('/'));
	fs.mkdirSync(path.dirname(link), { recursive: true });
	let current;
	try {
		current = fs.readlinkSync(link);
	} catch {
		current = undefined;
	}
	if (current !== path.resolve(packageDir)) {
		fs.rmSync(link, { recursive: true, force: true });
		fs.symlinkSync(path.resolve(packageDir), link, 'dir');
	}
	// community package installs keep a package.json here; n8n's npm calls expect one
	const nodesPackageJson = path.join(userFolder, '.n8n', 'nodes', 'package.json');
	if (!fs.existsSync(nodesPackageJson)) {
		fs.writeFileSync(nodesPackageJson, JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
	}
	return link;
}

/** The compiled files package.json `n8n` lists that are missing (i.e. run `npm run build`). */
function missingBuildOutputs(packageDir = PACKAGE_DIR) {
	const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
	const files = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
	return files.filter((file) => !fs.existsSync(path.join(packageDir, file)));
}

function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

function isPortFree(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

module.exports = {
	ROOT,
	PACKAGE_DIR,
	N8N_VERSION,
	CACHE_DIR,
	N8N_BIN,
	PACKAGE_JSON,
	DEV_ENCRYPTION_KEY,
	installedVersion,
	assertInstalled,
	offlineEnv,
	linkPackage,
	missingBuildOutputs,
	freePort,
	isPortFree,
};
