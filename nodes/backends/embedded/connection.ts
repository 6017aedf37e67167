/**
 * The life of one embedded session in this process: its lock, auth state, store and the current
 * Baileys socket. Reconnects by the policy of reconnectPolicy (a new socket per reconnect, same
 * auth and store) and tells waiting operations (through stateWaiter) when the socket is open or
 * why it cannot be. Pairing (QR, pairing code) is in pairing; sharing and lifetime (reference
 * counts, linger) are SessionRegistry's job.
 */
import type { BaileysEventMap, WASocket } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { rm } from 'node:fs/promises';
import { GatewayError } from '../errors';
import { canonicalJid } from '../ids';
import type { SessionStatus } from '../WhatsAppBackend';
import { FileAuthState } from './authState';
import { DISCONNECT_REASON } from './baileysConstants';
import { makeBaileysLogger, type QuietLogger } from './baileysLogger';
import type { ChatChange } from './ChatChange';
import { decodeBaileysEvents } from './decodeBaileysEvents';
import { describeNetworkFailure, EMBEDDED_LABEL, failedError, notPairedError, replacedError, storageError, unreachableError } from './embeddedErrors';
import { loadBaileys, type Baileys } from './loadBaileys';
import type { SessionPaths } from './paths';
import { decideOnDisconnect, describeDisconnect } from './reconnectPolicy';
import { prepareSessionFolder } from './sessionFolder';
import { requestPairingCode, waitForPairingQr, type PairingView } from './pairing';
import { SessionLock, type LockUse } from './sessionLock';
import { StateWaiter } from './stateWaiter';
import { embeddedSettings, whatsAppWebUrl, type EmbeddedSettings } from './settings';
import { ChatStore } from './store';
import { applyChangesToStore } from './storeFeed';
import { formatSeconds, withTimeout } from './withTimeout';

export type ConnectionState =
	| 'notPaired'
	| 'connecting'
	| 'pairing'
	| 'open'
	| 'reconnecting'
	| 'replaced'
	| 'loggedOut'
	| 'failed'
	| 'closed';

export type BaileysEvents = Partial<BaileysEventMap>;

/** What triggerFeed (the trigger) hears: each batch's decoded changes (raw map too), and our own state changes. */
export interface SessionListener {
	onEvents?(events: BaileysEvents): void;
	/** The batch decoded once for the store and every listener (never called with no change). */
	onChanges?(changes: readonly ChatChange[]): void;
	onState?(state: ConnectionState): void;
}

export class SessionConnection {
	private sock: WASocket | undefined;
	private state: ConnectionState = 'notPaired';
	private failure: GatewayError | undefined;
	private reconnectAttempt = 0;
	private reconnectTimer: NodeJS.Timeout | undefined;
	private lastDisconnect: { code: number | undefined; at: string } | undefined;
	private qr: { value: string; at: number } | undefined;
	private readonly waiter = new StateWaiter();
	private readonly listeners = new Set<SessionListener>();
	private readonly logger: QuietLogger;
	private closing = false;
	private wiping: Promise<void> | undefined;
	/** The last connection attempt never reached WhatsApp (name lookup, refused, TLS, timeout); cleared once it does. */
	private unreachable: GatewayError | undefined;
	private attemptReachedWhatsApp = false;
	/** The last failed write of the auth state (the store keeps its own). */
	private authWriteFailure: { file: string; error: Error; at: string } | undefined;
	private ownJid: { from: string; jid: string } | undefined;

	private constructor(
		readonly paths: SessionPaths,
		private readonly B: Baileys,
		private auth: FileAuthState,
		private storeRef: ChatStore,
		private readonly lock: SessionLock,
		private readonly settings: EmbeddedSettings,
	) {
		this.logger = makeBaileysLogger(paths.session);
	}

	/** Takes the lock first (a second process fails before loading anything), then loads Baileys and the files. */
	static async start(paths: SessionPaths): Promise<SessionConnection> {
		// A new session has no folder yet: make it (0700, with parents) before the lock goes in it;
		// refuse a file, someone else's folder or another secret's session before touching anything.
		prepareSessionFolder(paths);
		const lock = SessionLock.acquire(paths.lock, paths.session);
		try {
			const settings = embeddedSettings();
			const B = await loadBaileys();
			const auth = await FileAuthState.open(paths, B);
			const store = await ChatStore.open(paths.store, settings.store, paths.access.cipher);
			const connection = new SessionConnection(paths, B, auth, store, lock, settings);
			if (auth.isPaired) connection.connect();
			return connection;
		} catch (error) {
			lock.release();
			throw error;
		}
	}

	get session(): string {
		return this.paths.session;
	}

	get store(): ChatStore {
		return this.storeRef;
	}

	get isPaired(): boolean {
		return this.auth.isPaired;
	}

	get currentState(): ConnectionState {
		return this.state;
	}

	/** Pairs Baileys knows for the person chats of the store whose other id the store lacks. */
	private async learnBaileysLidMappings(store: ChatStore): Promise<void> {
		try {
			for (const chat of store.listChats({ limit: store.limits.maxChats, offset: 0 })) {
				if (!/@(s\.whatsapp\.net|lid)$/.test(chat.id)) continue;
				const known = store.identities.identify(chat.id);
				if (known.phone && known.lid) continue;
				const pair = await this.baileysLidMapping(chat.id);
				if (pair) store.learnIdentity(pair.lid, pair.pn);
			}
		} catch (error) {
			this.logger.warn(error, 'reading Baileys LID mappings failed');
		}
	}

	/**
	 * What Baileys 7 itself knows of a person's other id (its LID mapping, kept in the auth state's
	 * `lid-mapping` keys, including pairs learnt from device look-ups that come with no event):
	 * through `signalRepository.lidMapping.getPNForLID` on an open socket for a LID, read locally
	 * (never a USync to WhatsApp) for a phone number. Undefined when it knows nothing.
	 */
	async baileysLidMapping(jid: string): Promise<{ lid: string; pn: string } | undefined> {
		const [user, server] = jid.split('@');
		const sock = this.state === 'open' ? this.sock : undefined;
		if (server === 'lid') {
			const pn = sock ? await sock.signalRepository.lidMapping.getPNForLID(jid) : (await this.auth.keys.get('lid-mapping', [`${user}_reverse`]))[`${user}_reverse`];
			return pn ? { lid: jid, pn: pn.includes('@') ? pn : `${pn}@s.whatsapp.net` } : undefined;
		}
		const lidUser = (await this.auth.keys.get('lid-mapping', [user]))[user];
		return typeof lidUser === 'string' && lidUser ? { lid: `${lidUser}@lid`, pn: jid } : undefined;
	}

	/** The open socket, waiting for a (re)connect up to `timeoutMs`; fails fast when it cannot open. */
	async whenOpen(timeoutMs: number): Promise<WASocket> {
		await this.wiping;
		this.retryNowIfUnreachable();
		return await this.waiter.waitUntil(
			() => {
				if (this.state === 'open' && this.sock) return this.sock;
				this.throwIfCannotOpen();
				return undefined;
			},
			timeoutMs,
			() =>
				new GatewayError(
					EMBEDDED_LABEL,
					'timeout',
					`The embedded session "${this.session}" could not connect to WhatsApp within ${formatSeconds(timeoutMs)} ` +
						`(${this.state}${this.lastDisconnect?.code ? `, last disconnect code ${this.lastDisconnect.code}` : ''}); check the network and retry`,
				),
		);
	}

	/** The current pairing QR (text), starting a pairing socket when needed (see pairing). */
	async pairingQr(timeoutMs: number): Promise<{ qr: string; at: number }> {
		return await waitForPairingQr(this.pairingView(), timeoutMs);
	}

	/** Asks WhatsApp for an 8-character code to type on the phone (see pairing). */
	async pairingCode(phoneDigits: string, timeoutMs: number): Promise<string> {
		return await requestPairingCode(this.pairingView(), phoneDigits, timeoutMs);
	}

	/** Unlinks this device from the phone and deletes the keys. */
	async logout(timeoutMs: number): Promise<void> {
		const sock = await this.whenOpen(timeoutMs);
		await withTimeout(sock.logout(), timeoutMs, `the logout of the embedded session "${this.session}"`);
		// Baileys ends the socket with 401 (logged out): the usual handler wipes the keys.
		await this.waiter.waitUntil(
			() => (this.state === 'loggedOut' && !this.wiping ? true : undefined),
			timeoutMs,
			() => new GatewayError(EMBEDDED_LABEL, 'timeout', `The logout of the embedded session "${this.session}" did not finish in time`),
		);
	}

	/** Own account JID when paired (remembered per account: read for every event batch). */
	get me(): string | null {
		const me = this.auth.isPaired ? this.auth.creds.me?.id : undefined;
		if (!me) return null;
		if (this.ownJid?.from !== me) this.ownJid = { from: me, jid: canonicalJid(this.B.jidNormalizedUser(me)) ?? this.B.jidNormalizedUser(me) };
		return this.ownJid.jid;
	}

	/** The phone's platform WhatsApp gave at pairing (`smba` / `smbi`: WhatsApp Business), when known. */
	get accountPlatform(): string | null {
		return this.auth.isPaired ? (this.auth.creds.platform ?? null) : null;
	}

	status(): SessionStatus {
		return {
			state: this.state,
			connected: this.state === 'open',
			me: this.me,
			appStateKeysReady: this.auth.isPaired && !!this.auth.creds.myAppStateKeyId,
			storage: this.storageStatus(),
			raw: {
				session: this.session,
				encryptedAtRest: true,
				paired: this.auth.isPaired,
				pushName: this.auth.isPaired ? (this.auth.creds.me?.name ?? null) : null,
				lastDisconnect: this.lastDisconnect ?? null,
				reconnectAttempts: this.reconnectAttempt,
				error: this.failure?.message ?? null,
				store: this.storeRef.size,
				storeNotice: this.storeRef.notice ?? null,
				recentWarnings: [...this.logger.recent],
			},
		};
	}

	/** Session Status showed the store's notice: it is said once. */
	acknowledgeStoreNotice(): void {
		this.storeRef.notice = undefined;
	}

	/** Waits up to `timeoutMs` for the state to leave connecting/reconnecting (for Status). */
	async settledState(timeoutMs: number): Promise<ConnectionState> {
		this.retryNowIfUnreachable();
		try {
			return await this.waiter.waitUntil(
				() => (this.unreachable || (this.state !== 'connecting' && this.state !== 'reconnecting') ? this.state : undefined),
				timeoutMs,
				() => new Error('still connecting'),
			);
		} catch {
			return this.state;
		}
	}

	/**
	 * After a call on `sock` was abandoned at its timeout: a fresh socket at once. Baileys cannot
	 * cancel the abandoned work, which keeps its app-state lock and the key-store transaction every
	 * send shares until Baileys' own query timeout, and may then commit an app-state version
	 * WhatsApp never confirmed. Failing the old socket's pending queries (the way a broken
	 * WebSocket does) ends all of it there; its buffered events are still delivered (onEvents).
	 */
	replaceSocket(sock: WASocket, why: string): void {
		if (this.closing || sock !== this.sock) return;
		this.sock = undefined;
		this.setState('reconnecting');
		const abandoned = Object.assign(new Error(`Connection Closed: ${why}`), { output: { statusCode: DISCONNECT_REASON.connectionClosed } });
		try {
			sock.ws.emit('error', abandoned);
		} catch {
			// already closed
		}
		sock.end(abandoned).catch(() => undefined);
		this.connect();
	}

	/** Set while the last attempt could not reach WhatsApp at all. */
	get unreachableError(): GatewayError | undefined {
		return this.unreachable;
	}

	/**
	 * For a listener (the trigger): fails at once when nothing can arrive (not paired, WhatsApp
	 * unreachable, replaced, stopped); waits up to `timeoutMs` for the socket to open, then
	 * keeps listening even if it is still connecting.
	 */
	async readyToListen(timeoutMs: number): Promise<void> {
		try {
			await this.whenOpen(timeoutMs);
		} catch (error) {
			if (!(error instanceof GatewayError) || error.kind !== 'timeout') throw error;
		}
	}

	/** What the lock tells other processes about this session's use here. */
	describeUse(use: LockUse): void {
		this.lock.describeUse(use);
	}

	/** Session Status' `storage`: fine, or the last write that failed (store or auth state). */
	storageStatus(): { ok: boolean; error: string | null; at: string | null } {
		const failure = this.storageFailure();
		return failure ? { ok: false, error: failure.describe, at: failure.at } : { ok: true, error: null, at: null };
	}

	/**
	 * Before an operation that needs the store: when a write failed, tries it again now; fails
	 * with an error saying what could not be written while it still fails.
	 */
	async checkStorage(): Promise<void> {
		if (this.storeRef.lastWriteFailure) await this.storeRef.flush().catch(() => undefined);
		// A creds write that works again means the disk has room again (Baileys rewrites keys itself).
		if (this.authWriteFailure) await this.auth.saveCreds().then(() => (this.authWriteFailure = undefined), () => undefined);
		const failure = this.storageFailure();
		if (failure) throw storageError(this.session, failure.file, failure.error);
	}

	private storageFailure(): { file: string; error: Error; at: string; describe: string } | undefined {
		const store = this.storeRef.lastWriteFailure;
		const auth = this.authWriteFailure;
		const latest = store && (!auth || store.at >= auth.at) ? { file: 'store.json', ...store } : auth;
		return latest ? { ...latest, describe: storageError(this.session, latest.file, latest.error).message } : undefined;
	}

	subscribe(listener: SessionListener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Ends the socket and writes everything; the lock is released last. */
	async close(): Promise<void> {
		if (this.closing) return;
		this.closing = true;
		clearTimeout(this.reconnectTimer);
		const sock = this.sock;
		this.sock = undefined;
		try {
			await sock?.end(undefined);
		} catch {
			// already closed
		}
		// Whatever fails to be written here, the lock is released: no session stays locked in this process.
		try {
			await this.wiping;
			await this.storeRef.close().catch((error: unknown) => this.logger.error(error, 'saving the local store at close failed'));
			await this.auth.close();
		} finally {
			// Never in the way of the release below.
			await this.lock.flushUse().catch(() => undefined);
			this.lock.release();
			this.setState('closed');
		}
	}

	// ------------------------------------------------------------------ socket lifecycle

	private connect(): void {
		if (this.closing) return;
		if (!this.auth.isPaired && this.auth.creds.me) {
			// A pairing-code attempt set `me` without completing: register afresh, do not log in.
			delete this.auth.creds.me;
			this.auth.creds.pairingCode = undefined;
		}
		const url = whatsAppWebUrl();
		const sock = this.B.makeWASocket({
			auth: { creds: this.auth.creds, keys: this.keysNotingFailures(this.auth) },
			logger: this.logger,
			markOnlineOnConnect: false,
			syncFullHistory: false,
			printQRInTerminal: false,
			defaultQueryTimeoutMs: this.settings.queryTimeoutMs,
			connectTimeoutMs: this.settings.connectTimeoutMs,
			getMessage: async (key) => {
				const text = key.remoteJid && key.id ? this.storeRef.findMessage(this.B.jidNormalizedUser(key.remoteJid), key.id)?.text : undefined;
				return typeof text === 'string' ? { conversation: text } : undefined;
			},
			...(url ? { waWebSocketUrl: url } : {}),
		});
		this.sock = sock;
		this.qr = undefined;
		this.attemptReachedWhatsApp = false;
		this.setState(this.state === 'reconnecting' ? 'reconnecting' : 'connecting');
		// Late events of this socket go to the store it was made for (not a fresh one after a logout).
		const store = this.storeRef;
		sock.ev.process(async (events) => this.onEvents(sock, store, events));
	}

	private onEvents(sock: WASocket, store: ChatStore, events: BaileysEvents): void {
		// Baileys destroys its event buffer right after announcing the close, dropping what it held
		// back until the offline marker although it already receipted those messages (WhatsApp will
		// not send them again): deliver them first (flush() re-enters here with the buffered map).
		if (events['connection.update']?.connection === 'close' && sock.ev.isBuffering()) sock.ev.flush();
		const creds = events['creds.update'];
		if (creds && sock === this.sock) {
			Object.assign(this.auth.creds, creds);
			this.auth.saveCreds().then(
				() => (this.authWriteFailure = undefined),
				(error: unknown) => {
					this.authWriteFailure = { file: 'creds.json', error: error as Error, at: new Date().toISOString() };
					this.logger.error(error, 'saving the auth state failed');
				},
			);
		}
		let changes: ChatChange[] = [];
		try {
			changes = decodeBaileysEvents(this.B, events, {
				me: this.me,
				now: Math.floor(Date.now() / 1000),
				labelName: (id) => store.getLabel(id)?.name ?? null,
			});
		} catch (error) {
			this.logger.warn(error, 'decoding Baileys events failed');
		}
		try {
			applyChangesToStore(store, changes);
		} catch (error) {
			this.logger.warn(error, 'local store update failed');
		}
		// Baileys 7 keeps a history sync's LID ↔ phone pairs in its own mapping store only (its event
		// buffer drops `lidPnMappings`): the store asks it about the chats it holds.
		if (events['messaging-history.set']) void this.learnBaileysLidMappings(store);
		const update = events['connection.update'];
		if (update && sock === this.sock) this.onConnectionUpdate(sock, update);
		for (const listener of this.listeners) {
			try {
				listener.onEvents?.(events);
			} catch (error) {
				this.logger.warn(error, 'event listener failed');
			}
			try {
				if (changes.length) listener.onChanges?.(changes);
			} catch (error) {
				this.logger.warn(error, 'event listener failed');
			}
		}
	}

	/** The auth state's key store, noting a failed key write for Status (the error still reaches Baileys). */
	private keysNotingFailures(auth: FileAuthState): FileAuthState['keys'] {
		auth.onWriteBehindFailure = (error) => (this.authWriteFailure = { file: 'the signal keys', error, at: new Date().toISOString() });
		return {
			get: (type, ids) => auth.keys.get(type, ids),
			set: async (data) => {
				try {
					await auth.keys.set(data);
				} catch (error) {
					this.authWriteFailure = { file: 'the signal keys', error: error as Error, at: new Date().toISOString() };
					throw error;
				}
			},
		};
	}

	private onConnectionUpdate(sock: WASocket, update: NonNullable<BaileysEvents['connection.update']>): void {
		if (update.qr || update.connection === 'open') {
			this.attemptReachedWhatsApp = true;
			this.unreachable = undefined;
		}
		if (update.qr) {
			this.qr = { value: update.qr, at: Date.now() };
			this.setState('pairing');
		}
		if (update.connection === 'open') {
			this.reconnectAttempt = 0;
			this.failure = undefined;
			this.setState('open');
		}
		if (update.connection === 'close') {
			const code = (update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
			this.onClose(sock, code, update.lastDisconnect?.error);
		}
	}

	private onClose(sock: WASocket, code: number | undefined, error?: unknown): void {
		if (this.closing || sock !== this.sock) return;
		this.sock = undefined;
		this.lastDisconnect = { code, at: new Date().toISOString() };
		const network = this.attemptReachedWhatsApp ? undefined : describeNetworkFailure(error);
		if (network) {
			// Waiting operations fail now with what went wrong instead of at their timeout.
			this.unreachable = unreachableError(this.session, whatsAppHost(), network.failure, network.detail);
			if (!this.auth.isPaired) {
				// Nothing to keep up while pairing: the next Get QR tries again.
				this.failure = this.unreachable;
				this.setState('failed');
				return;
			}
			this.waiter.notify(); // also when the state stays "reconnecting"
		}
		const decision = decideOnDisconnect(code, this.reconnectAttempt, this.settings);
		if (decision.action === 'reconnect') {
			this.reconnectAttempt++;
			this.setState('reconnecting');
			this.reconnectTimer = setTimeout(() => this.connect(), decision.delayMs);
			this.reconnectTimer.unref();
			return;
		}
		switch (decision.reason) {
			case 'replaced':
				this.failure = replacedError(this.session);
				this.setState('replaced');
				return;
			case 'loggedOut':
				this.failure = notPairedError(this.session, true);
				this.wiping = this.forgetAccount().finally(() => {
					this.wiping = undefined;
					this.waiter.notify();
				});
				this.setState('loggedOut');
				return;
			case 'failed':
				this.failure = failedError(this.session, code, describeDisconnect(code));
				this.setState('failed');
		}
	}

	/** After a logout: delete keys and store, start over with fresh creds (ready for pairing). */
	private async forgetAccount(): Promise<void> {
		try {
			await this.auth.wipe();
			await this.storeRef.close();
			await rm(this.paths.store, { force: true });
			this.auth = await FileAuthState.open(this.paths, this.B);
			this.storeRef = await ChatStore.open(this.paths.store, this.settings.store, this.paths.access.cipher);
		} catch (error) {
			this.logger.error(error, 'wiping the auth state failed');
		}
	}

	/** What pairing reads of this connection (live values, the socket's life stays here). */
	private pairingView(): PairingView {
		return {
			session: this.session,
			waiter: this.waiter,
			wiping: () => this.wiping,
			pairedAs: () => (this.auth.isPaired ? (this.auth.creds.me?.id ?? '') : undefined),
			qr: () => (this.state === 'pairing' ? this.qr : undefined),
			socket: () => this.sock,
			startPairing: () => this.startPairing(),
			throwIfPairingFailed: () => this.throwIfPairingFailed(),
		};
	}

	/** Starts a socket for pairing when there is none (not paired, logged out, or stopped). */
	private startPairing(): void {
		if (this.auth.isPaired || this.sock || this.state === 'reconnecting') return;
		this.failure = undefined;
		this.unreachable = undefined;
		this.reconnectAttempt = 0;
		this.setState('connecting');
		this.connect();
	}

	/** A paired session waiting for its next reconnect after WhatsApp was unreachable: try now, for the caller waiting. */
	private retryNowIfUnreachable(): void {
		if (!this.unreachable || this.sock || this.closing || !this.auth.isPaired || this.state !== 'reconnecting') return;
		clearTimeout(this.reconnectTimer);
		this.unreachable = undefined;
		this.connect();
	}

	private throwIfCannotOpen(): void {
		if (!this.auth.isPaired) throw this.state === 'loggedOut' ? (this.failure ?? notPairedError(this.session, true)) : notPairedError(this.session);
		if (this.unreachable) throw this.unreachable;
		if (this.state === 'replaced' || this.state === 'failed') throw this.failure ?? failedError(this.session, undefined, this.state);
		if (this.state === 'closed') throw new GatewayError(EMBEDDED_LABEL, 'unreachable', `The embedded session "${this.session}" was closed; retry`);
	}

	private throwIfPairingFailed(): void {
		if (this.unreachable) throw this.unreachable;
		if (this.state === 'replaced' || this.state === 'failed') throw this.failure ?? failedError(this.session, undefined, this.state);
		if (this.state === 'closed') throw new GatewayError(EMBEDDED_LABEL, 'unreachable', `The embedded session "${this.session}" was closed; retry`);
	}

	// ------------------------------------------------------------------ waiting for state

	private setState(state: ConnectionState): void {
		if (this.state === state) return;
		this.state = state;
		this.waiter.notify();
		for (const listener of this.listeners) {
			try {
				listener.onState?.(state);
			} catch (error) {
				this.logger.warn(error, 'state listener failed');
			}
		}
	}
}

/** The WhatsApp Web host this process connects to, for error messages. */
function whatsAppHost(): string {
	const url = whatsAppWebUrl();
	if (!url) return 'web.whatsapp.com';
	try {
		return new URL(url).host;
	} catch {
		return url;
	}
}
