/** One client connection of the fake server: Noise handshake, then encrypted binary nodes. */
import { randomBytes } from 'crypto';
import type { WebSocket } from 'ws';

import type { Baileys } from './baileys';
import type { KeyPair } from './certificate';
import { FrameReader, ServerHandshake, frame, type TransportState } from './noise';
import type { WANode } from './nodes';

/**
 * One client WebSocket: runs the Noise handshake, then exchanges encrypted binary nodes.
 * Everything protocol-specific above the transport is delegated to the server via callbacks.
 */
export interface ConnectionCallbacks {
	/** Handshake done; `payload` is the decoded proto.ClientPayload (login or registration). */
	onReady(conn: ClientConnection, payload: any): void;
	onNode(conn: ClientConnection, node: WANode): Promise<void>;
	onClose(conn: ClientConnection): void;
	log(event: string, data?: unknown): void;
}

export class ClientConnection {
	/** 'open' once the handshake completed; 'closed' after the socket closed. */
	state: 'hello' | 'finish' | 'open' | 'closed' = 'hello';
	/** Client's static Noise key (creds.noiseKey.public). */
	clientStaticKey?: Buffer;
	payload?: any;
	/** Linked-device JID after login, e.g. '15550001111:2@s.whatsapp.net'. */
	meJid?: string;
	meLid?: string;
	loggedIn = false;

	private readonly reader = new FrameReader();
	private readonly handshake: ServerHandshake;
	private transport?: TransportState;
	private queue: Promise<void> = Promise.resolve();
	private readonly pendingIqs = new Map<string, { resolve: (n: WANode) => void; reject: (e: Error) => void }>();

	constructor(
		readonly id: number,
		private readonly B: Baileys,
		private readonly ws: WebSocket,
		staticKey: KeyPair,
		certChain: (serverStatic: Buffer) => Uint8Array,
		private readonly callbacks: ConnectionCallbacks,
	) {
		this.handshake = new ServerHandshake(B, staticKey, certChain);
		ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
			const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
			// Frames must be handled strictly in order (node decoding is async), so chain them.
			this.queue = this.queue.then(() => this.onData(buf)).catch((err) => this.fail(err));
		});
		ws.on('close', () => {
			this.state = 'closed';
			for (const pending of this.pendingIqs.values()) pending.reject(new Error('connection closed'));
			this.pendingIqs.clear();
			this.callbacks.onClose(this);
		});
		ws.on('error', (err) => this.callbacks.log('ws error', err));
	}

	get isOpen(): boolean {
		return this.state === 'open';
	}

	/** Encrypts and sends one binary node. Silently drops it if the socket is gone. */
	send(node: WANode): void {
		if (!this.transport || this.state !== 'open') return;
		this.callbacks.log('send', node);
		const encoded = this.B.encodeBinaryNode(node as any);
		this.ws.send(frame(this.transport.encrypt(encoded)));
	}

	/** Sends an IQ to the client and resolves with its reply (matched by id). */
	query(node: WANode, timeoutMs = 10_000): Promise<WANode> {
		node.attrs.id ??= newStanzaId();
		const id = node.attrs.id;
		return new Promise<WANode>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.pendingIqs.delete(id);
				reject(new Error(`fake-whatsapp: client did not answer iq ${id}`));
			}, timeoutMs);
			this.pendingIqs.set(id, {
				resolve: (n) => {
					clearTimeout(timer);
					resolve(n);
				},
				reject: (e) => {
					clearTimeout(timer);
					reject(e);
				},
			});
			this.send(node);
		});
	}

	close(): void {
		if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close();
	}

	terminate(): void {
		this.ws.terminate();
	}

	private async onData(data: Buffer): Promise<void> {
		if (this.state === 'closed') return;
		for (const f of this.reader.push(data)) {
			await this.onFrame(f);
		}
	}

	private async onFrame(data: Buffer): Promise<void> {
		switch (this.state) {
			case 'hello': {
				this.ws.send(frame(this.handshake.hello(data)));
				this.state = 'finish';
				return;
			}
			case 'finish': {
				const result = this.handshake.finish(data);
				this.transport = result.transport;
				this.clientStaticKey = result.clientStaticKey;
				this.payload = this.B.proto.ClientPayload.decode(result.payload);
				this.state = 'open';
				this.callbacks.onReady(this, this.payload);
				return;
			}
			case 'open': {
				const plain = this.transport!.decrypt(data);
				const node = (await this.B.decodeBinaryNode(plain)) as unknown as WANode;
				this.callbacks.log('recv', node);
				if (node.tag === 'iq' && (node.attrs.type === 'result' || node.attrs.type === 'error')) {
					const pending = this.pendingIqs.get(node.attrs.id);
					if (pending) {
						this.pendingIqs.delete(node.attrs.id);
						pending.resolve(node);
						return;
					}
				}
				await this.callbacks.onNode(this, node);
				return;
			}
			default:
				return;
		}
	}

	private fail(err: unknown): void {
		this.callbacks.log('connection error', err);
		this.terminate();
	}
}

export function newStanzaId(): string {
	return randomBytes(8).toString('hex').toUpperCase();
}
