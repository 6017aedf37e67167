/**
 * README "Install", the way that works before the package is on npm: `npm pack`, then the
 * README's own shell steps (read from README.md) lay the tarball out in a fresh `~/.n8n/nodes`
 * like n8n's community-package installer does; the real n8n 2.8.4 started on that folder loads
 * the three nodes and the credential type.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request, startN8nServer, type RunningN8n } from '../../scripts/n8n/server';
import { freshUserFolder, logTiming, requireN8n, ROOT } from './helpers/e2e';

const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const timings: Record<string, number> = {};
let n8n: RunningN8n | undefined;
let home: string;

/** The shell block of the README's Install section, without its first line (install + build + pack: done by `npm run test:e2e`). */
function readmeInstallSteps(): string {
	const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
	const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('\n## ', readme.indexOf('## Install') + 1));
	const block = /```sh\n([\s\S]*?)```/.exec(install)?.[1];
	if (!block) throw new Error('README.md has no shell block under "## Install"');
	const [first, ...rest] = block.trimEnd().split('\n');
	expect(first).toMatch(/^npm install && npm run build && npm pack\b/);
	return rest.join('\n');
}

beforeAll(async () => {
	requireN8n();
	const folder = freshUserFolder('install');
	home = path.join(folder, 'home');
	fs.mkdirSync(home);
	let t = Date.now();
	const tarball = execFileSync('npm', ['pack', '--pack-destination', folder, '--silent'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
	expect(tarball).toBe(`${PACKAGE.name}-${PACKAGE.version}.tgz`);
	timings['npm pack'] = Date.now() - t;
	t = Date.now();
	// a fresh home folder, but the usual npm cache
	const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, npm_config_cache: process.env.npm_config_cache || path.join(os.homedir(), '.npm') };
	delete env.NODE_ENV;
	execFileSync('bash', ['-euo', 'pipefail', '-c', readmeInstallSteps()], { cwd: folder, env, stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
	timings['README install steps (npm install of the dependencies)'] = Date.now() - t;
	t = Date.now();
	// the user folder n8n uses by default is $HOME; no link to this repository anywhere
	n8n = await startN8nServer({ userFolder: home });
	timings['n8n start (ready)'] = Date.now() - t;
});

afterAll(async () => {
	logTiming('install', timings);
	await n8n?.stop();
});

test('the package is laid out as n8n’s installer does it: own folder, its dependencies inside, listed in nodes/package.json', () => {
	const nodes = path.join(home, '.n8n', 'nodes');
	const installed = path.join(nodes, 'node_modules', PACKAGE.name);
	expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
	const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
	expect(manifest.devDependencies).toBeUndefined();
	expect(manifest.peerDependencies).toBeUndefined();
	for (const dependency of Object.keys(PACKAGE.dependencies)) {
		expect(fs.existsSync(path.join(installed, 'node_modules', dependency, 'package.json'))).toBe(true);
	}
	// n8n-workflow comes from n8n itself
	expect(fs.existsSync(path.join(installed, 'node_modules', 'n8n-workflow'))).toBe(false);
	expect(JSON.parse(fs.readFileSync(path.join(nodes, 'package.json'), 'utf8')).dependencies).toEqual({ [PACKAGE.name]: PACKAGE.version });
});

test('n8n 2.8.4 loads the three nodes and the credential type from it', async () => {
	const rest = await n8n!.ownerSession();
	const nodeTypes = (await rest.get('/types/nodes.json')) as Array<{ name: string }>;
	const names = nodeTypes.map((type) => type.name).filter((name) => name.startsWith(`${PACKAGE.name}.`));
	// n8n adds an AI-tool variant of the action node (usableAsTool)
	const expected = ['whatsAppChats', 'whatsAppChatsEmbeddedTrigger', 'whatsAppChatsTool', 'whatsAppChatsTrigger'];
	expect(names.sort()).toEqual(expected.map((name) => `${PACKAGE.name}.${name}`));
	const credentialTypes = (await rest.get('/types/credentials.json')) as Array<{ name: string }>;
	expect(credentialTypes.map((type) => type.name)).toContain('whatsAppChatsApi');
	const icon = await request('GET', `${n8n!.baseUrl}/icons/${PACKAGE.name}/dist/nodes/WhatsAppChats/whatsapp.svg`);
	expect(icon.status).toBe(200);
});
