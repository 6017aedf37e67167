/**
 * Loads the package the way n8n does (after n8n-workflow), handles a webhook call as the trigger
 * does, then runs a gateway request and Get QR, printing after each step whether axios and qrcode
 * are loaded.
 */
import path from 'node:path';

const loaded = (name: string) => Object.keys(require.cache).some((file) => file.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`));
const report = (step: string) => process.stdout.write(`${JSON.stringify({ step, axios: loaded('axios'), qrcode: loaded('qrcode') })}\n`);

async function main(): Promise<void> {
	require('n8n-workflow');
	// Every node and credential file package.json names for n8n, from their sources.
	const root = path.join(__dirname, '..', '..', '..');
	const { n8n } = require(path.join(root, 'package.json')) as { n8n: { nodes: string[]; credentials: string[] } };
	for (const entry of [...n8n.nodes, ...n8n.credentials]) require(path.join(root, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts')));
	report('package loaded');

	const { GatewayTestServer, TEST_API_KEY } = require('../../gateway-server/GatewayTestServer') as typeof import('../../gateway-server/GatewayTestServer');
	const gateway = await GatewayTestServer.start();
	try {
		const credentials = { connection: 'waha', baseUrl: gateway.url, session: 'default', apiKey: TEST_API_KEY, webhookSecret: 'first-use-webhook-secret' };
		const { createWebhookAdapter } = require('../../../nodes/backends/createWebhookAdapter') as typeof import('../../../nodes/backends/createWebhookAdapter');
		const adapter = createWebhookAdapter(credentials);
		const body = { id: 'evt_1', timestamp: Date.now(), event: 'session.status', session: 'default', payload: { status: 'WORKING' } };
		const delivery = { headers: {}, rawBody: Buffer.from(JSON.stringify(body)), body };
		try {
			adapter.verify(delivery, Date.now());
		} catch {
			// Unsigned: refused, as it must be; what counts here is what was loaded.
		}
		adapter.toEvents(delivery);
		report('webhook call handled');

		const { createBackend } = require('../../../nodes/backends/createBackend') as typeof import('../../../nodes/backends/createBackend');
		const backend = await createBackend(credentials);
		await backend.getSessionStatus();
		report('gateway request sent');

		const getQr = require('../../../nodes/WhatsAppChats/actions/session/getQr.operation') as typeof import('../../../nodes/WhatsAppChats/actions/session/getQr.operation');
		const ctx = { helpers: { prepareBinaryData: async (data: Buffer) => ({ data: data.toString('base64'), mimeType: 'image/png' }) } };
		const [item] = await getQr.execute(backend, undefined, ctx as never);
		if (!item.binary?.qr) throw new Error('no QR image');
		report('QR image made');
	} finally {
		await gateway.close();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
		process.exit(1);
	},
);
