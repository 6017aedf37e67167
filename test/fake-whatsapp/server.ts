/** The fake WhatsApp server: a WebSocket endpoint on loopback that real Baileys clients talk to. */
import type { AddressInfo } from 'net';
import { WebSocketServer } from 'ws';
import type { proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };

import {
	ContactDirectory,
	appStateKeyData,
	appStateKeyIdB64,
	createPhoneAccount,
	type PhoneAccount,
	type PhoneAccountOptions,
} from './account';
import { AppStateServer, type AppStateMutation, type AppStatePatchCreate } from './app-state';
import { loadBaileys, loadGroupCrypto, type Baileys, type GroupCrypto } from './baileys';
import { buildCertChain, installTestRoot, type KeyPair, type TestRoot } from './certificate';
import { ClientConnection } from './connection';
import { RemoteDevices, type OutboundMessage } from './devices';
import { makePairedCreds, type PairedCreds, type PairedCredsOptions } from './creds';
import {
	buildAppStateKeyShare,
	buildHistorySync,
	buildInboundMessage,
	buildServerSyncNotification,
	referencedKey,
	type HistorySyncSpec,
	type InboundMessageSpec,
} from './inbound';
import { answerIq, type FakeGroup, type IqContext } from './iq-handlers';
import { ProfilePictures } from './profilePicture';
import { child, node, unixSeconds, type WANode } from './nodes';
import { Recorder } from './recorder';
import { buildPairDevice, buildPairSuccess, parsePairingQr } from './pairing';
import { readReceiptOf, type ReadReceipt } from './readReceipts';

export interface ReceivedIq {
	xmlns?: string;
	type?: string;
	/** Tag of the first child, e.g. 'count', 'usync', 'sync'. */
	child?: string;
	node: WANode;
	answered: boolean;
}

/** A stanza the client sent back for something we pushed (receipt or ack). */
export interface ClientAck {
	tag: 'receipt' | 'ack';
	id: string;
	node: WANode;
}

export type KickReason = 'restart-required' | 'conflict' | 'logged-out' | 'connection-lost';

export type WaitKind = 'message' | 'mutation' | 'iq' | 'ack';

export interface FakeWhatsAppOptions extends PhoneAccountOptions {
	/** Send QR refs to a client that connects without being paired (default true). */
	autoPair?: boolean;
	/**
	 * Pre-keys the server claims to hold for the client (default 100). At <= 5 Baileys uploads
	 * new ones, which works but leaves Baileys' 30 s upload-timeout timer running (jest waits).
	 */
	preKeyCount?: number;
	/** Print every stanza (also enabled by env FAKE_WA_DEBUG=1). */
	debug?: boolean;
}

export interface InjectedMessage {
	key: { remoteJid: string; id: string; fromMe: boolean; participant?: string };
	messageTimestamp: number;
}

const S_WHATSAPP_NET = 's.whatsapp.net';

/**
 * A fake WhatsApp Web server for the real Baileys client (see README.md in this folder).
 * Create it with `startFakeWhatsApp()`.
 */
export class FakeWhatsApp {
	/** ws://127.0.0.1:<port> for Baileys' `waWebSocketUrl`. */
	readonly url: string;
	/** The account ("primary phone") this server hosts. */
	readonly phone: PhoneAccount;
	readonly contacts = new ContactDirectory();
	readonly groups = new Map<string, FakeGroup>();
	/** Contacts' profile pictures, as the `w:profile:picture` IQ answers them (none unless set). */
	readonly profilePictures = new ProfilePictures();
	/** Decrypted messages the client sent, in order. */
	get messages(): OutboundMessage[] {
		return this.messageLog.items;
	}
	/** Decoded app-state mutations the client pushed, in order. */
	get mutations(): AppStateMutation[] {
		return this.mutationLog.items;
	}
	/** IQs the client sent, in order (answered or not). */
	get iqs(): ReceivedIq[] {
		return this.iqLog.items;
	}
	/** Number of client connections accepted so far (each reconnect counts). */
	get connections(): number {
		return this.connectionCount;
	}
	/** Connections currently open. */
	get openConnections(): number {
		return [...this.conns].filter((c) => c.isOpen).length;
	}

	/** Read receipts the client sent (`readMessages`), in order; `readReceipts.waitFor(pred)` to await one. */
	readonly readReceipts = new Recorder<ReadReceipt>('a read receipt');
	private readonly messageLog = new Recorder<OutboundMessage>('an outbound message');
	private readonly mutationLog = new Recorder<AppStateMutation>('an app-state mutation');
	private readonly iqLog = new Recorder<ReceivedIq>('an iq');
	private readonly ackLog = new Recorder<ClientAck>('a receipt/ack');
	private readonly loginLog = new Recorder<ClientConnection>('a login');
	private readonly registrationLog = new Recorder<ClientConnection>('an unpaired client');
	private readonly appStateVersions = new Recorder<{ collection: string; version: number }>('an app-state sync');

	private readonly appState: AppStateServer;
	private readonly devices: RemoteDevices;
	private readonly conns = new Set<ClientConnection>();
	private readonly linkedDevices = new Set<number>();
	private readonly staticKey: KeyPair;
	/** Kicks waiting for their connection to close (resolved early on server close). */
	private readonly pendingCloses = new Set<() => void>();
	private readonly preKeyCount: { value: number };
	private readonly debug: boolean;
	private connectionCount = 0;
	private readonly welcome = new Map<number, { shareKey: boolean; history: HistorySyncSpec | false }>();
	private lastActivity = 0;
	private certChain?: Uint8Array;
	private readonly startedAt = Date.now();
	private silent = false;
	private offlineMarkerHeld = false;
	private readonly withheld: Array<{ match: (iq: ReceivedIq) => boolean; left: number }> = [];
	private deviceRemoved = false;
	private closed = false;

	constructor(
		private readonly B: Baileys,
		G: GroupCrypto,
		private readonly wss: WebSocketServer,
		private readonly root: TestRoot,
		private readonly releaseRoot: () => void,
		private readonly opts: FakeWhatsAppOptions,
	) {
		const { port } = wss.address() as AddressInfo;
		this.url = `ws://127.0.0.1:${port}/ws/chat`;
		this.phone = createPhoneAccount(B, opts);
		this.contacts.add(this.phone.pnUser, this.phone.lidUser);
		this.staticKey = B.Curve.generateKeyPair() as KeyPair;
		this.preKeyCount = { value: opts.preKeyCount ?? 100 };
		this.debug = !!opts.debug || process.env.FAKE_WA_DEBUG === '1';
		this.appState = new AppStateServer(
			B,
			(id) => (id === appStateKeyIdB64(this.phone) ? appStateKeyData(B, this.phone) : undefined),
			(m) => this.mutationLog.push(m),
			(collection, version) => this.appStateVersions.push({ collection, version }),
		);
		this.devices = new RemoteDevices(B, G, this.phone, this.contacts);
		wss.on('connection', (ws) => this.accept(ws));
	}

	// ---------------------------------------------------------------- accounts & credentials

	/** Auth state ({ creds, keys }) of a device already linked to this server's phone. */
	makePairedCreds(opts: PairedCredsOptions = {}): PairedCreds {
		return makePairedCreds(this.B, this.phone, opts);
	}

	/** Registers a contact (phone number) with an optional LID user; returns both JIDs. */
	addContact(phoneNumber: string, lid?: string): { jid: string; lid: string } {
		const { pnUser, lidUser } = this.contacts.add(phoneNumber.replace(/\D/g, ''), lid);
		return { jid: `${pnUser}@${S_WHATSAPP_NET}`, lid: `${lidUser}@lid` };
	}

	/** Makes a group known to the server (answers group-metadata IQs for it). */
	addGroup(group: FakeGroup): FakeGroup {
		this.groups.set(group.id, group);
		return group;
	}

	// ---------------------------------------------------------------- observing the client

	waitFor(kind: 'message', match?: (m: OutboundMessage) => boolean, timeoutMs?: number): Promise<OutboundMessage>;
	waitFor(kind: 'mutation', match?: (m: AppStateMutation) => boolean, timeoutMs?: number): Promise<AppStateMutation>;
	waitFor(kind: 'iq', match?: (m: ReceivedIq) => boolean, timeoutMs?: number): Promise<ReceivedIq>;
	waitFor(kind: 'ack', match?: (m: ClientAck) => boolean, timeoutMs?: number): Promise<ClientAck>;
	/** Resolves with the first recorded (or future) item of `kind` that matches. */
	waitFor(kind: WaitKind, match?: (m: any) => boolean, timeoutMs = 5000): Promise<any> {
		const recorder = { message: this.messageLog, mutation: this.mutationLog, iq: this.iqLog, ack: this.ackLog }[kind] as Recorder<any>;
		return recorder.waitFor(match, timeoutMs);
	}

	/** As waitFor, but only items recorded from now on (e.g. the ack of a stanza about to be sent). */
	waitForNew(kind: WaitKind, match?: (m: any) => boolean, timeoutMs = 5000): Promise<any> {
		const recorder = { message: this.messageLog, mutation: this.mutationLog, iq: this.iqLog, ack: this.ackLog }[kind] as Recorder<any>;
		return recorder.waitFor(match, timeoutMs, recorder.items.length);
	}

	/**
	 * Resolves once the client has been quiet for `quietMs` (nothing received). Call before ending
	 * a Baileys socket: a query answered after the socket closed leaves a Baileys timer running.
	 */
	async settle(quietMs = 150, maxMs = 3000): Promise<void> {
		const deadline = Date.now() + maxMs;
		while (Date.now() < deadline) {
			const quietFor = Date.now() - this.lastActivity;
			if (quietFor >= quietMs) return;
			await new Promise((r) => setTimeout(r, quietMs - quietFor));
		}
	}

	/** Resolves on the next completed login (from now on). */
	waitForLogin(timeoutMs = 5000): Promise<void> {
		return this.loginLog.waitFor(() => true, timeoutMs, this.loginLog.items.length).then(() => undefined);
	}

	// ---------------------------------------------------------------- phone-side actions

	/** The phone shares its app-state sync key (APP_STATE_SYNC_KEY_SHARE); resolves once the client acknowledged it. */
	async shareAppStateKey(): Promise<void> {
		const stanza = buildAppStateKeyShare(this.B, this.phone, this.phone.appStateKey.keyId, appStateKeyData(this.B, this.phone));
		await this.pushAndAwaitAck(stanza);
	}

	/**
	 * The phone pushes a (small, inline) history sync; Baileys emits messaging-history.set and, on
	 * a first login, leaves its "awaiting initial sync" buffering state.
	 */
	async pushHistorySync(spec: HistorySyncSpec = {}): Promise<void> {
		await this.pushAndAwaitAck(buildHistorySync(this.B, this.phone, spec));
	}

	/** Delivers a message from a contact (or from our own phone with fromMe) to the client. */
	async injectMessage(spec: { chat: string; text: string } & Omit<InboundMessageSpec, 'message'>): Promise<InjectedMessage>;
	async injectMessage(spec: InboundMessageSpec): Promise<InjectedMessage>;
	async injectMessage(spec: (InboundMessageSpec | ({ text: string } & Omit<InboundMessageSpec, 'message'>))): Promise<InjectedMessage> {
		const message: proto.IMessage = 'message' in spec ? spec.message : { conversation: spec.text };
		const built = buildInboundMessage(this.B, this.phone, { ...spec, message });
		await this.pushAndAwaitAck(built.stanza);
		return { key: built.key, messageTimestamp: built.messageTimestamp };
	}

	/** A contact (or our phone) edits one of their messages: client emits messages.update with editedMessage. */
	injectEdit(spec: { chat: string; id: string; text: string; from?: string; fromMe?: boolean }): Promise<InjectedMessage> {
		const P = this.B.proto.Message.ProtocolMessage;
		return this.injectMessage({
			chat: spec.chat,
			from: spec.from,
			fromMe: spec.fromMe,
			attrs: { edit: '1' },
			message: {
				protocolMessage: {
					type: P.Type.MESSAGE_EDIT,
					key: referencedKey(this.phone, spec, spec.id, 'sender'),
					editedMessage: { conversation: spec.text },
					timestampMs: Date.now(),
				},
			},
		});
	}

	/** A contact (or our phone) deletes one of their messages for everyone: messages.update with REVOKE stub. */
	injectRevoke(spec: { chat: string; id: string; from?: string; fromMe?: boolean }): Promise<InjectedMessage> {
		const P = this.B.proto.Message.ProtocolMessage;
		return this.injectMessage({
			chat: spec.chat,
			from: spec.from,
			fromMe: spec.fromMe,
			attrs: { edit: '7' },
			message: { protocolMessage: { type: P.Type.REVOKE, key: referencedKey(this.phone, spec, spec.id, 'sender') } },
		});
	}

	/**
	 * A contact (or our phone with fromMe) reacts to a message: client emits messages.reaction.
	 * `targetFromMe` is from the client's perspective (true = the reacted-to message was sent by
	 * our account); otherwise the target was written by the reactor, or in a group by
	 * `targetAuthor`. Empty text removes the reaction.
	 */
	injectReaction(spec: {
		chat: string;
		id: string;
		text: string;
		targetFromMe?: boolean;
		targetAuthor?: string;
		from?: string;
		fromMe?: boolean;
	}): Promise<InjectedMessage> {
		const target = spec.targetFromMe ? 'us' : spec.targetAuthor ?? 'sender';
		return this.injectMessage({
			chat: spec.chat,
			from: spec.from,
			fromMe: spec.fromMe,
			type: 'reaction',
			message: {
				reactionMessage: {
					key: referencedKey(this.phone, spec, spec.id, target),
					text: spec.text,
					senderTimestampMs: Date.now(),
				},
			},
		});
	}

	/**
	 * A change made on the phone (archive, pin, mute, markRead, star, delete, clear, ...). Takes
	 * the same `ChatModification` object as Baileys' `chatModify(mod, jid)` (or a raw
	 * WAPatchCreate). The patch is encrypted with the phone's app-state key, announced with a
	 * `server_sync` notification and served when the client syncs; resolves once the client has
	 * fetched it (unless `wait: false`). Needs the client to have the app-state key.
	 */
	async injectAppStateChange(
		change: Record<string, unknown> | AppStatePatchCreate,
		jid = '',
		opts: { notify?: boolean; wait?: boolean; timeoutMs?: number } = {},
	): Promise<{ collection: string; version: number }> {
		const patch = isPatchCreate(change) ? change : (this.B.chatModificationToAppPatch(change as any, jid) as unknown as AppStatePatchCreate);
		const result = await this.appState.addPhonePatch(patch, appStateKeyIdB64(this.phone));
		if (opts.notify !== false) this.requireConnection().send(buildServerSyncNotification(result.collection, result.version));
		if (opts.wait !== false && opts.notify !== false) {
			await this.appStateVersions.waitFor(
				(v) => v.collection === result.collection && v.version >= result.version,
				opts.timeoutMs ?? 5000,
			);
		}
		return result;
	}

	/** Server's state of an app-state collection (version + LT hash) to compare with the client's. */
	appStateOf(collection: string): { version: number; hash: Buffer } {
		return this.appState.snapshot(collection);
	}

	/** Sends any stanza to the current client (escape hatch). */
	send(stanza: WANode): void {
		this.requireConnection().send(stanza);
	}

	// ---------------------------------------------------------------- connection control

	/**
	 * Ends the current connection the way WhatsApp does. Baileys reports `lastDisconnect` status
	 * 515 (restart-required), 440 (conflict: replaced by another session), 401 (logged-out: device
	 * removed; later logins with the same creds fail with 401 too), 428 (connection-lost: socket
	 * dropped without a stream error). Resolves once the socket is closed.
	 */
	async kick(reason: KickReason, opts: { immediate?: boolean } = {}): Promise<void> {
		const conn = this.requireConnection(false);
		// By default let in-flight queries finish first: an answer that arrives after Baileys closed
		// would leave one of its query timers running past the test.
		if (!opts.immediate) await this.settle();
		switch (reason) {
			case 'restart-required':
				conn.send(node('stream:error', { code: '515' }));
				break;
			case 'conflict':
				conn.send(node('stream:error', {}, [node('conflict', { type: 'replaced' })]));
				break;
			case 'logged-out':
				this.deviceRemoved = true;
				conn.send(node('stream:error', { code: '401' }, [node('conflict', { type: 'device_removed' })]));
				break;
			case 'connection-lost':
				conn.terminate();
				break;
		}
		await this.closeSoon(conn);
	}

	/**
	 * While held, a login gets no `<ib><offline>` marker: Baileys keeps buffering its events (and
	 * still receipts messages) as if the offline backlog were still arriving. Inject the backlog
	 * with `injectMessage({ ..., attrs: { offline: '1' } })`, then `sendOfflineMarker` (or a kick).
	 */
	holdOfflineMarker(hold: boolean): void {
		this.offlineMarkerHeld = hold;
	}

	/** `<ib><offline count=…>`: the end of the offline backlog; Baileys flushes its buffered events. */
	sendOfflineMarker(count = 0, conn = this.requireConnection()): void {
		conn.send(node('ib', { from: S_WHATSAPP_NET }, [node('offline', { count: String(count) })]));
	}

	/**
	 * Leaves the next `count` IQs matching `match` unanswered (recorded with answered: false), as if
	 * WhatsApp lost them; the server answers every other IQ as usual.
	 */
	withholdAnswers(match: (iq: ReceivedIq) => boolean, count = 1): void {
		this.withheld.push({ match, left: count });
	}

	/** While silent the server records IQs but never answers them (client queries hang until their own timeout). */
	setSilent(silent: boolean): void {
		this.silent = silent;
	}

	/**
	 * Sends QR refs to the newest unpaired client, which then emits `qr` (done automatically on
	 * connect unless `autoPair: false`). Resolves once the client acknowledged them.
	 */
	async startPairing(timeoutMs = 5000): Promise<void> {
		const unpaired = [...this.conns].filter((c) => c.isOpen && !c.loggedIn && c.payload?.devicePairingData);
		const conn = unpaired[unpaired.length - 1] ?? (await this.registrationLog.waitFor((c) => c.isOpen, timeoutMs, this.registrationLog.items.length));
		await this.sendPairDevice(conn);
	}

	/**
	 * Acts as the phone scanning `qr` (the string from Baileys' connection.update): sends
	 * pair-success with a device identity signed by the phone's account key. Baileys stores
	 * creds.me/account and answers; then, like the real server, we end the stream with 515 so the
	 * client reconnects and logs in. Resolves with the new device's JIDs.
	 */
	async completePairing(
		qr: string,
		opts: { device?: number; shareAppStateKey?: boolean; historySync?: HistorySyncSpec | false } = {},
	): Promise<{ jid: string; lid: string }> {
		const scanned = parsePairingQr(qr);
		const conn = [...this.conns].find((c) => c.isOpen && !c.loggedIn && c.clientStaticKey?.equals(scanned.noiseKey));
		if (!conn) throw new Error('fake-whatsapp: no open unpaired connection for this QR');

		const device = opts.device ?? Math.max(2, ...this.linkedDevices) + 1;
		const jid = `${this.phone.pnUser}:${device}@${S_WHATSAPP_NET}`;
		const lid = `${this.phone.lidUser}:${device}@lid`;
		const reply = await conn.query(buildPairSuccess(this.B, this.phone, scanned, { jid, lid }));
		if (!child(reply, 'pair-device-sign')) throw new Error('fake-whatsapp: client rejected pair-success');
		this.linkedDevices.add(device);
		this.deviceRemoved = false;
		// Like the real phone, greet the new device after its first login: key share + history.
		this.welcome.set(device, { shareKey: opts.shareAppStateKey !== false, history: opts.historySync ?? {} });
		conn.send(node('stream:error', { code: '515' }));
		await this.closeSoon(conn);
		return { jid, lid };
	}

	/** Stops the server: drops all clients, rejects pending waits, restores WA_CERT_DETAILS. */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		for (const finish of [...this.pendingCloses]) finish();
		for (const c of this.conns) c.terminate();
		for (const r of [this.messageLog, this.mutationLog, this.iqLog, this.ackLog, this.loginLog, this.registrationLog, this.appStateVersions, this.readReceipts]) {
			(r as Recorder<unknown>).cancel('server closed');
		}
		await new Promise<void>((resolve) => this.wss.close(() => resolve()));
		this.releaseRoot();
	}

	// ---------------------------------------------------------------- internals

	private accept(ws: import('ws').WebSocket): void {
		this.connectionCount++;
		const conn = new ClientConnection(
			this.connectionCount,
			this.B,
			ws,
			this.staticKey,
			// Signing is slow under jest (pure-JS curve25519 in a vm context), so sign the chain once.
			(serverStatic) => (this.certChain ??= buildCertChain(this.B, this.root, serverStatic)),
			{
				onReady: (c, payload) => this.onReady(c, payload),
				onNode: (c, n) => this.onNode(c, n),
				onClose: (c) => this.conns.delete(c),
				log: (event, data) => this.log(event, data),
			},
		);
		this.conns.add(conn);
	}

	private onReady(conn: ClientConnection, payload: any): void {
		if (payload.devicePairingData) {
			// Unpaired client registering: it waits for QR refs (pair-device).
			this.registrationLog.push(conn);
			if (this.opts.autoPair !== false) this.sendPairDevice(conn).catch((err) => this.log('pairing refs not delivered', err));
			return;
		}
		if (this.deviceRemoved) {
			conn.send(node('failure', { reason: '401', location: 'fake' }));
			void this.closeSoon(conn);
			return;
		}
		const user = String(payload.username);
		const device = Number(payload.device ?? 0);
		const lidUser = user === this.phone.pnUser ? this.phone.lidUser : this.contacts.lidForPn(user);
		conn.meJid = `${user}${device ? `:${device}` : ''}@${S_WHATSAPP_NET}`;
		conn.meLid = `${lidUser}${device ? `:${device}` : ''}@lid`;
		conn.loggedIn = true;
		this.linkedDevices.add(device);
		conn.send(
			node('success', {
				t: unixSeconds(),
				props: '1',
				location: 'fake',
				creation: unixSeconds(Date.now() - 86_400_000),
				lid: conn.meLid,
				display_name: this.phone.pushName,
			}),
		);
		// No offline backlog: lets Baileys leave its initial buffering state right away (unless held).
		if (!this.offlineMarkerHeld) this.sendOfflineMarker(0, conn);
		this.loginLog.push(conn);
		const welcome = this.welcome.get(device);
		if (welcome) {
			this.welcome.delete(device);
			void this.greetNewDevice(welcome).catch((err) => this.log('welcome after pairing failed', err));
		}
	}

	private async greetNewDevice(welcome: { shareKey: boolean; history: HistorySyncSpec | false }): Promise<void> {
		if (welcome.shareKey) await this.shareAppStateKey();
		if (welcome.history) await this.pushHistorySync(welcome.history);
	}

	private async sendPairDevice(conn: ClientConnection): Promise<void> {
		await conn.query(buildPairDevice());
	}

	/** Answers media-retry receipts (see media.ts: `wa.answerMediaRetries((r) => media.answerMediaRetry(r))`). */
	private mediaRetries: ((receipt: WANode) => Promise<WANode | undefined>) | undefined;

	answerMediaRetries(answer: ((receipt: WANode) => Promise<WANode | undefined>) | undefined): void {
		this.mediaRetries = answer;
	}

	private async onNode(conn: ClientConnection, stanza: WANode): Promise<void> {
		this.lastActivity = Date.now();
		switch (stanza.tag) {
			case 'iq':
				return this.onIq(conn, stanza);
			case 'message':
				return this.onClientMessage(conn, stanza);
			case 'receipt':
				conn.send(node('ack', { class: 'receipt', id: stanza.attrs.id, from: stanza.attrs.to, type: stanza.attrs.type }));
				this.ackLog.push({ tag: 'receipt', id: stanza.attrs.id, node: stanza });
				// A media-retry request (Baileys' updateMediaMessage): the phone's answer, if a media server was attached.
				if (stanza.attrs.type === 'server-error' && this.mediaRetries) {
					const reply = await this.mediaRetries(stanza);
					if (reply) conn.send(reply);
				}
				this.recordReadReceipt(stanza);
				return;
			case 'ack':
				this.ackLog.push({ tag: 'ack', id: stanza.attrs.id, node: stanza });
				return;
			default:
				// presence, chatstate, ib (unified_session), call, ...: nothing to do.
				return;
		}
	}

	private recordReadReceipt(stanza: WANode): void {
		const read = readReceiptOf(stanza);
		if (read) this.readReceipts.push(read);
	}

	private async onIq(conn: ClientConnection, iq: WANode): Promise<void> {
		const record: ReceivedIq = {
			xmlns: iq.attrs.xmlns,
			type: iq.attrs.type,
			child: Array.isArray(iq.content) ? iq.content[0]?.tag : undefined,
			node: iq,
			answered: false,
		};
		const withhold = this.withheld.find((w) => w.left > 0 && w.match(record));
		if (withhold) withhold.left--;
		if (!this.silent && !withhold) {
			try {
				conn.send(await answerIq(this.iqContext(), iq));
				record.answered = true;
			} catch (err) {
				this.log('iq handler failed', err);
				conn.send(node('iq', { id: iq.attrs.id, type: 'error', from: S_WHATSAPP_NET }, [node('error', { code: '500', text: String(err) })]));
			}
		}
		this.iqLog.push(record);
	}

	private async onClientMessage(conn: ClientConnection, stanza: WANode): Promise<void> {
		const message = await this.devices.decrypt(stanza, conn.meJid ?? 'unknown@s.whatsapp.net');
		conn.send(node('ack', { class: 'message', id: stanza.attrs.id, from: stanza.attrs.to, t: unixSeconds() }));
		this.messageLog.push(message);
	}

	private iqContext(): IqContext {
		return {
			B: this.B,
			phone: this.phone,
			contacts: this.contacts,
			appState: this.appState,
			groups: this.groups,
			peerFor: (jid) => this.devices.peerFor(jid),
			ownDevices: () => [{ id: 0 }, ...[...this.linkedDevices].filter((d) => d !== 0).map((id) => ({ id, keyIndex: 1 }))],
			preKeyCount: this.preKeyCount,
			profilePictures: this.profilePictures,
		};
	}

	private async pushAndAwaitAck(stanza: WANode, timeoutMs = 5000): Promise<void> {
		const conn = this.requireConnection();
		const acked = this.ackLog.waitFor((a) => a.id === stanza.attrs.id, timeoutMs);
		conn.send(stanza);
		await acked;
	}

	/** The most recent logged-in, open connection. */
	private requireConnection(loggedIn = true): ClientConnection {
		const open = [...this.conns].filter((c) => c.isOpen && (!loggedIn || c.loggedIn));
		const conn = open[open.length - 1];
		if (!conn) throw new Error('fake-whatsapp: no client connected');
		return conn;
	}

	/** Waits for the client to close after a stream error; forces it after a grace period. */
	private closeSoon(conn: ClientConnection, graceMs = 1000): Promise<void> {
		if (conn.state === 'closed') return Promise.resolve();
		return new Promise<void>((resolve) => {
			const started = Date.now();
			const finish = () => {
				clearInterval(poll);
				this.pendingCloses.delete(finish);
				resolve();
			};
			const poll = setInterval(() => {
				if (conn.state === 'closed') return finish();
				if (Date.now() - started >= graceMs) {
					conn.terminate();
					finish();
				}
			}, 10);
			this.pendingCloses.add(finish);
		});
	}

	private log(event: string, data?: unknown): void {
		if (!this.debug) return;
		const text =
			data && typeof data === 'object' && 'tag' in (data as object) ? this.B.binaryNodeToString(data as any) : data instanceof Error ? data.stack : data;
		// eslint-disable-next-line no-console
		console.log(`[fake-wa] +${Date.now() - this.startedAt}ms ${event}`, text ?? '');
	}
}

function isPatchCreate(change: Record<string, unknown> | AppStatePatchCreate): change is AppStatePatchCreate {
	return 'syncAction' in change && 'index' in change && 'type' in change;
}

/** Starts a fake WhatsApp server on 127.0.0.1 (random port) and installs its test root into Baileys. */
export async function startFakeWhatsApp(opts: FakeWhatsAppOptions = {}): Promise<FakeWhatsApp> {
	// Sequential on purpose: jest's ESM loader can fail on concurrent imports of a shared graph.
	const B = await loadBaileys();
	const G = await loadGroupCrypto();
	const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
	await new Promise<void>((resolve, reject) => {
		wss.once('listening', () => resolve());
		wss.once('error', reject);
	});
	const { root, release } = installTestRoot(B);
	return new FakeWhatsApp(B, G, wss, root, release, opts);
}
