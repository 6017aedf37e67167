/**
 * Loads the real Baileys ES module once per jest module registry.
 *
 * The fake server borrows Baileys' own building blocks (protobuf definitions, the binary XML
 * codec, Curve25519 helpers, app-state crypto) so that both ends speak byte-identical formats.
 * Baileys is ESM-only, so it must come in through a real dynamic `import()`.
 */
export type Baileys = typeof import('@whiskeysockets/baileys', { with: { 'resolution-mode': 'import' } });

let loading: Promise<Baileys> | undefined;

export function loadBaileys(): Promise<Baileys> {
	loading ??= import('@whiskeysockets/baileys');
	return loading;
}

/** Baileys' sender-key (group) Signal implementation; not re-exported from its index. */
export type GroupCrypto = typeof import('@whiskeysockets/baileys/lib/Signal/Group/index.js', { with: { 'resolution-mode': 'import' } });

let loadingGroup: Promise<GroupCrypto> | undefined;

export function loadGroupCrypto(): Promise<GroupCrypto> {
	loadingGroup ??= import('@whiskeysockets/baileys/lib/Signal/Group/index.js');
	return loadingGroup;
}
