/**
 * Loading the package stays cheap (n8n loads it at start, in every process): in a fresh process,
 * loading the node and credential files and handling a webhook call load neither axios nor
 * qrcode; axios loads with the first gateway request, qrcode with the first QR image.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

jest.setTimeout(60_000);

test('axios and qrcode are loaded on first use, not when the package is loaded', async () => {
	const child = spawn(process.execPath, ['-r', path.join(__dirname, '..', 'embedded', 'child', 'register.cjs'), path.join(__dirname, 'child', 'firstUse.ts')]);
	let out = '';
	let err = '';
	child.stdout.on('data', (chunk) => (out += chunk));
	child.stderr.on('data', (chunk) => (err += chunk));
	const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
	expect(err).toBe('');
	expect(code).toBe(0);
	expect(out.trim().split('\n').map((line) => JSON.parse(line))).toEqual([
		{ step: 'package loaded', axios: false, qrcode: false },
		{ step: 'webhook call handled', axios: false, qrcode: false },
		{ step: 'gateway request sent', axios: true, qrcode: false },
		{ step: 'QR image made', axios: true, qrcode: true },
	]);
});
