/**
 * An unpaired embedded session says so wherever a user meets it (issue 9): the credential test is
 * an error (n8n shows only those) with "not paired yet" and "Session → Get QR"; activating the
 * embedded trigger, or a manual "listen for test event", fails at once saying nothing can arrive.
 * And the hints under errors match the backend: never the gateway ones for the embedded connection.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CredentialTestContext } from 'n8n-core';
import type { ICredentialsDecrypted } from 'n8n-workflow';
import { whatsAppChatsConnectionTest } from '../../nodes/WhatsAppChats/methods/credentialTest';
import { GatewayTestServer } from '../gateway-server/GatewayTestServer';
import { startTrigger } from '../helpers/n8nTrigger';
import { chat, runChatsNode, wahaCredentials } from '../helpers/whatsAppChatsNode';
import { eventually, injectStored, startWorld, tempFolder, writePairedAuth, type EmbeddedWorld } from './world';

jest.setTimeout(30_000);

let world: EmbeddedWorld;
let pairedFolder: string;
beforeAll(async () => {
	world = await startWorld({ paired: false });
	pairedFolder = await tempFolder('wa-unpaired-test-paired-');
	await writePairedAuth(world.wa, pairedFolder);
});
afterAll(async () => await world?.close());

const credentialTest = (data: Record<string, unknown>) =>
	whatsAppChatsConnectionTest.call(new CredentialTestContext(), { id: '1', name: 'test', type: 'whatsAppChatsApi', data } as ICredentialsDecrypted as never);

describe('credential test', () => {
	test('an unpaired session is an error that says how to pair, and connects nothing', async () => {
		const result = await credentialTest(world.credentials);
		expect(result.status).toBe('Error');
		expect(result.message).toContain('The embedded session "test" is not paired yet');
		expect(result.message).toContain('Session → Get QR');
		expect(world.wa.connections).toBe(0);
	});

	test('a paired session that connects is OK', async () => {
		const result = await credentialTest({ ...world.credentials, authFolder: pairedFolder });
		expect(result).toEqual({ status: 'OK', message: 'Connected to WhatsApp as 15550001111@s.whatsapp.net (embedded session "test")' });
	});

	test('the test does not keep the session open afterwards (its lock is free at once)', async () => {
		await credentialTest({ ...world.credentials, authFolder: pairedFolder });
		// Test settings keep an idle session 60 s after an execution; after a credential test it closes now.
		await eventually(() => !existsSync(path.join(pairedFolder, 'session.lock')), 2000, 'the lock to be released');
		await eventually(() => world.wa.openConnections === 0, 2000, 'the connection to close');
	});
});

describe('embedded trigger on an unpaired session', () => {
	const notPaired = /^No events can arrive from the embedded session, so the trigger does not listen: The embedded session "test" is not paired yet .*Session → Get QR/;

	test('activation fails with the reason, and lets go of the session', async () => {
		const trigger = await startTrigger({ credentials: world.credentials, parameters: { source: 'embedded' } });
		const connectionsBefore = world.wa.connections;
		try {
			await expect(trigger.startTrigger('trigger')).rejects.toThrow(notPaired);
			await eventually(() => !existsSync(path.join(world.folder, 'session.lock')), 2000, 'the lock to be released');
			expect(world.wa.connections).toBe(connectionsBefore);
		} finally {
			await trigger.close();
		}
	});

	test('a manual "listen for test event" fails at once instead of waiting forever', async () => {
		const trigger = await startTrigger({ credentials: world.credentials, parameters: { source: 'embedded' } });
		try {
			const started = Date.now();
			await expect(trigger.startTrigger('manual')).rejects.toThrow(notPaired);
			expect(Date.now() - started).toBeLessThan(2000);
		} finally {
			await trigger.close();
		}
	});
});

describe('hints match the backend', () => {
	const gatewayHints = /API key|Base URL|gateway/i;

	test('embedded, not paired: a pairing hint, no API key', async () => {
		const result = await runChatsNode({ credentials: world.credentials, parameters: { resource: 'chat', operation: 'getMany', returnAll: true } as never });
		expect(result.error?.message).toContain('is not paired yet');
		expect(result.error?.description).toBe(
			'Pair the session: run the WhatsApp Chats node with Session → Get QR and scan the QR in WhatsApp → Settings → Linked devices.',
		);
	});

	test('embedded, timeout: about the connection and the phone, not an overloaded gateway', async () => {
		const credentials = { ...world.credentials, authFolder: pairedFolder };
		const jid = '15553000001@s.whatsapp.net';
		expect((await runChatsNode({ credentials, parameters: { resource: 'session', operation: 'status' } as never })).output[0].json).toMatchObject({ connected: true });
		await injectStored({ ...world, folder: pairedFolder }, { chat: jid, text: 'hello' });
		await world.wa.settle();
		world.wa.setSilent(true);
		try {
			const result = await runChatsNode({ credentials, parameters: { resource: 'chat', operation: 'archive', chatId: chat(jid), options: { timeout: 500 } } as never });
			expect(result.error?.message).toContain('WhatsApp did not complete archive');
			expect(result.error?.description).toBe(
				'WhatsApp or the phone answered slowly: check the internet connection of the n8n server and that the phone is online, then retry or raise "Timeout" in the node options.',
			);
			expect(result.error?.description).not.toMatch(gatewayHints);
		} finally {
			world.wa.setSilent(false);
			await world.wa.settle();
		}
	});

	describe('gateway', () => {
		let gateway: GatewayTestServer;
		beforeAll(async () => (gateway = await GatewayTestServer.start()));
		afterAll(async () => await gateway.close());

		test('wrong API key: the API key hint', async () => {
			const result = await runChatsNode({
				credentials: wahaCredentials(gateway, { apiKey: 'wrong' }),
				parameters: { resource: 'chat', operation: 'archive', chatId: chat('919988066776') } as never,
			});
			expect(result.error?.description).toContain('Check the API key in the WhatsApp Chats credentials.');
		});

		test('timeout: the gateway hint', async () => {
			gateway.respond('POST', { delayMs: 1500 });
			const result = await runChatsNode({
				credentials: wahaCredentials(gateway),
				parameters: { resource: 'chat', operation: 'archive', chatId: chat('919988066776'), options: { timeout: 300, maxRetries: 0 } } as never,
			});
			expect(result.error?.description).toContain('The gateway may be overloaded; raise "Timeout" in the node options or retry later.');
		});
	});
});
