/**
 * The only place that loads Baileys. It is an ES module that costs ~0.5 s and ~100 MB, so it is
 * imported on first use of an embedded session, never when the node loads for a gateway user.
 * This must stay a real dynamic `import()` (module node16 keeps it as is): a `require()` would
 * give a second module instance in test runners and skip Node's ESM cache.
 */
export type Baileys = typeof import('@whiskeysockets/baileys', { with: { 'resolution-mode': 'import' } });

let loading: Promise<Baileys> | undefined;

export function loadBaileys(): Promise<Baileys> {
	loading ??= import('@whiskeysockets/baileys').catch((error: unknown) => {
		loading = undefined;
		throw error;
	});
	return loading;
}

/** Whether this process has loaded (or is loading) Baileys; for the bench and tests. */
export function isBaileysLoaded(): boolean {
	return loading !== undefined;
}
