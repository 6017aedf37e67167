/** The fake server's app-state sync: decodes the client's patches and sends the phone's. */
import type { proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };

import type { Baileys } from './baileys';
import { bytes, child, children, node, type WANode } from './nodes';

/**
 * Server side of WhatsApp's app-state sync ("syncd"): archive, pin, mute, mark-read, star,
 * delete/clear chat, ... are encrypted mutations grouped into versioned collections.
 *
 * The server keeps, per collection, the ordered list of patches and the LT-hash state after them.
 * Patches the client pushes are verified and decrypted (so tests can assert on them); patches the
 * phone makes are encrypted with the same key and served when the client syncs.
 */
export interface AppStateMutation {
	/** Collection name, e.g. 'regular_low'. */
	collection: string;
	operation: 'set' | 'remove';
	/** Decoded index, e.g. ['archive', '15550002222@s.whatsapp.net']. */
	index: string[];
	value: proto.ISyncActionValue;
	/** SyncActionData.version (the action's API version). */
	apiVersion?: number;
	/** Collection version this patch produced. */
	version: number;
}

/** A phone-side change: Baileys' WAPatchCreate shape (see chatModificationToAppPatch). */
export interface AppStatePatchCreate {
	type: string;
	index: string[];
	syncAction: proto.ISyncActionValue;
	apiVersion: number;
	operation: number;
}

interface LTHashState {
	version: number;
	hash: Buffer;
	indexValueMap: Record<string, { valueMac: Uint8Array | Buffer }>;
}

interface Collection {
	state: LTHashState;
	patches: { version: number; encoded: Uint8Array }[];
	/** Highest version the client is known to have (pushed or fetched). */
	clientVersion: number;
}

type KeyLookup = (keyIdB64: string) => proto.Message.IAppStateSyncKeyData | undefined;

export class AppStateServer {
	private readonly collections = new Map<string, Collection>();

	constructor(
		private readonly B: Baileys,
		private readonly lookupKey: KeyLookup,
		private readonly onClientMutation: (m: AppStateMutation) => void,
		private readonly onClientVersion: (collection: string, version: number) => void,
	) {}

	/** Server's view of a collection: version and LT hash (what the client should also hold). */
	snapshot(name: string): { version: number; hash: Buffer } {
		const { state } = this.collection(name);
		return { version: state.version, hash: Buffer.from(state.hash) };
	}

	/**
	 * Answers a `w:sync:app:state` IQ. Every requested collection is echoed back (with its current
	 * version and any patches newer than the client's) – otherwise Baileys re-syncs forever.
	 */
	async handleSyncIq(iq: WANode): Promise<WANode[]> {
		const replies: WANode[] = [];
		for (const req of children(child(iq, 'sync'), 'collection')) {
			const name = req.attrs.name;
			const col = this.collection(name);
			const pushed = children(req, 'patch');
			if (pushed.length) {
				let base = Number(req.attrs.version ?? col.state.version);
				for (const p of pushed) {
					base = await this.applyClientPatch(name, this.B.proto.SyncdPatch.decode(bytes(p)!), base);
				}
				replies.push(node('collection', { name, version: String(col.state.version) }));
			} else {
				const from = Number(req.attrs.version ?? 0);
				const newer = col.patches.filter((p) => p.version > from);
				replies.push(
					node(
						'collection',
						{ name, version: String(col.state.version) },
						newer.length ? [node('patches', {}, newer.map((p) => node('patch', {}, p.encoded)))] : undefined,
					),
				);
			}
			this.markClientVersion(name, col.state.version);
		}
		return [node('sync', {}, replies)];
	}

	/** Encrypts a phone-side change as a new patch; the client gets it on its next sync. */
	async addPhonePatch(patch: AppStatePatchCreate, keyIdB64: string): Promise<{ collection: string; version: number }> {
		const col = this.collection(patch.type);
		const { patch: syncd, state } = await this.B.encodeSyncdPatch(patch as any, keyIdB64, col.state as any, this.getKey);
		syncd.version = { version: state.version };
		col.state = state as unknown as LTHashState;
		col.patches.push({ version: state.version, encoded: this.B.proto.SyncdPatch.encode(syncd).finish() });
		return { collection: patch.type, version: state.version };
	}

	private async applyClientPatch(name: string, patch: proto.ISyncdPatch, baseVersion: number): Promise<number> {
		const col = this.collection(name);
		const version = baseVersion + 1;
		const withVersion = { ...patch, version: { version } };
		// Full verification as the phone would do it: patch MAC, value MACs, index MACs.
		const result = await this.B.decodeSyncdPatch(withVersion, name as any, col.state as any, this.getKey, () => undefined, true);
		// Decode mutation by mutation to pair each decrypted action with its SET/REMOVE operation.
		for (const m of patch.mutations ?? []) {
			await this.B.decodeSyncdMutations(
				[m],
				this.B.newLTHashState(),
				this.getKey,
				(decoded) => {
					const action = decoded.syncAction;
					this.onClientMutation({
						collection: name,
						operation: m.operation === this.B.proto.SyncdMutation.SyncdOperation.REMOVE ? 'remove' : 'set',
						index: decoded.index,
						value: action.value ?? {},
						apiVersion: action.version ?? undefined,
						version,
					});
				},
				true,
			);
		}
		col.state = { version, hash: result.hash, indexValueMap: result.indexValueMap };
		col.patches.push({ version, encoded: this.B.proto.SyncdPatch.encode(withVersion).finish() });
		return version;
	}

	private readonly getKey = async (keyIdB64: string) => this.lookupKey(keyIdB64);

	private markClientVersion(name: string, version: number): void {
		const col = this.collection(name);
		if (version > col.clientVersion) {
			col.clientVersion = version;
			this.onClientVersion(name, version);
		}
	}

	private collection(name: string): Collection {
		let col = this.collections.get(name);
		if (!col) {
			col = { state: this.B.newLTHashState() as unknown as LTHashState, patches: [], clientVersion: 0 };
			this.collections.set(name, col);
		}
		return col;
	}
}
