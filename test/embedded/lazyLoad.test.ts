/**
 * Gateway users never pay for the embedded mode: in a fresh node process, loading the node and
 * using a gateway loads no embedded module; creating an embedded backend loads its code but not
 * Baileys, which is imported only when a session is actually used.
 */
import { spawnChild } from './childProcess';

jest.setTimeout(30_000);

test('the node and a gateway backend load no embedded code; Baileys loads on first embedded use only', async () => {
	const child = spawnChild('gatewayOnly.ts', []);
	const { code } = await child.exited;
	expect(child.stderr()).toBe('');
	expect(code).toBe(0);
	const [gateway, created, used] = child.lines.filter(Boolean).map((line) => JSON.parse(line));
	expect(gateway).toEqual({ step: 'gateway', embeddedModules: [] });
	expect(created).toMatchObject({ step: 'embedded backend created', baileysLoaded: false });
	expect(created.embeddedModules).toContain('EmbeddedBackend.ts');
	expect(used).toMatchObject({ step: 'embedded session used', baileysLoaded: true });
});
