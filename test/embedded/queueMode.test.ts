/**
 * n8n queue mode (EXECUTIONS_MODE=queue, issue 10): an embedded session serves one process, so
 * the credential test and every "in use" / "not paired" error raised in queue mode say so: which
 * process holds the session (the main one, for the trigger) and that actions need a gateway.
 */
import { hostname } from 'node:os';
import { CredentialTestContext } from 'n8n-core';
import type { ICredentialsDecrypted } from 'n8n-workflow';
import { closeAllSessions } from '../../nodes/backends/embedded/SessionRegistry';
import { whatsAppChatsConnectionTest } from '../../nodes/WhatsAppChats/methods/credentialTest';
import { startTrigger } from '../helpers/n8nTrigger';
import { runChatsNode } from '../helpers/whatsAppChatsNode';
import { spawnChild } from './childProcess';
import { startWorld, tempFolder, type EmbeddedWorld } from './world';

jest.setTimeout(60_000);

const QUEUE_NOTE_WORKER =
	'n8n runs in queue mode (EXECUTIONS_MODE=queue) and this is its worker process: an embedded session can be connected from one process only. ' +
	'The trigger runs in the main process, while workflow executions run on the workers, so in queue mode use a gateway (WAHA or Evolution API) for the actions; ' +
	'the embedded session then serves the trigger in the main process only.';
const QUEUE_NOTE_MAIN = QUEUE_NOTE_WORKER.replace('this is its worker process', 'this is its main process');

let world: EmbeddedWorld;
let unpairedFolder: string;
beforeAll(async () => {
	world = await startWorld();
	unpairedFolder = await tempFolder('wa-queue-unpaired-');
	process.env.EXECUTIONS_MODE = 'queue';
});
afterAll(async () => {
	delete process.env.EXECUTIONS_MODE;
	await world?.close();
});
afterEach(async () => {
	await world.wa.settle();
	await closeAllSessions();
});

const credentialTest = (data: Record<string, unknown>) =>
	whatsAppChatsConnectionTest.call(new CredentialTestContext(), { id: '1', name: 'test', type: 'whatsAppChatsApi', data } as ICredentialsDecrypted as never);

test('the credential test of a connected session says what queue mode means for it', async () => {
	const result = await credentialTest(world.credentials);
	expect(result.status).toBe('Error');
	expect(result.message).toBe(`Connected to WhatsApp as 15550001111@s.whatsapp.net (embedded session "test"); however, ${QUEUE_NOTE_MAIN}`);
});

test('the credential test of an unpaired session: not paired yet, and queue mode', async () => {
	const result = await credentialTest({ ...world.credentials, authFolder: unpairedFolder });
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/^The embedded session "test" is not paired yet .*Session → Get QR/);
	expect(result.message).toContain(QUEUE_NOTE_MAIN);
});

test('an action on an unpaired session in queue mode: not paired yet, and queue mode', async () => {
	const result = await runChatsNode({
		credentials: { ...world.credentials, authFolder: unpairedFolder },
		parameters: { resource: 'chat', operation: 'getMany', returnAll: true } as never,
	});
	expect(result.error?.message).toContain('is not paired yet');
	expect(result.error?.message).toContain(QUEUE_NOTE_MAIN);
});

test('a worker using the session the main process holds for the trigger is told who holds it and why', async () => {
	const trigger = await startTrigger({ credentials: world.credentials, parameters: { source: 'embedded' } });
	await trigger.startTrigger();
	try {
		// A worker process: `n8n worker`, in queue mode.
		const child = spawnChild('sessionUser.ts', ['use', world.folder, 'worker'], { EXECUTIONS_MODE: 'queue' });
		await child.exited;
		expect(child.stderr()).toBe('');
		const result = JSON.parse(child.lines[0]);
		expect(result).toMatchObject({ ok: false, kind: 'rejected', baileysLoaded: false });
		expect(result.message).toContain(
			`is in use by another process: process ${process.pid} (n8n main process, queue mode) on host "${hostname()}", since `,
		);
		expect(result.message).toContain(', for an active trigger (until deactivated). ');
		expect(result.message).toContain(QUEUE_NOTE_WORKER);
	} finally {
		await trigger.close();
	}
});

test('without queue mode none of this is said', async () => {
	delete process.env.EXECUTIONS_MODE;
	try {
		const result = await credentialTest(world.credentials);
		expect(result).toEqual({ status: 'OK', message: 'Connected to WhatsApp as 15550001111@s.whatsapp.net (embedded session "test")' });
	} finally {
		process.env.EXECUTIONS_MODE = 'queue';
	}
});
