/**
 * WhatsApp's media server, faked on 127.0.0.1: files are encrypted the way WhatsApp clients
 * upload them (Baileys' own encryptedStream: HKDF media keys, AES-256-CBC, 10-byte HMAC-SHA256
 * tail) and served by their `directPath`; `mediaMessage` builds the image/document message that
 * points at one. Records every blob request; blobs can be tampered with or made to expire (404).
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { startLoopbackServer, type LoopbackServer } from '../gateway-server/loopbackServer';
import { loadBaileys } from './baileys';
import { bytes, child, node, unixSeconds, type WANode } from './nodes';

export type FakeMediaType = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export interface UploadedMedia {
	type: FakeMediaType;
	/** Path on the media host, e.g. `/v/t62.7119-24/…enc` (what WhatsApp puts in `directPath`). */
	directPath: string;
	/** The URL WhatsApp would give: its own CDN host (the node is pointed here by WHATSAPP_CHATS_MEDIA_URL). */
	url: string;
	mediaKey: Uint8Array;
	fileSha256: Uint8Array;
	fileEncSha256: Uint8Array;
	fileLength: number;
	/** The encrypted blob as served. */
	blob: Buffer;
}

export interface BlobRequest {
	path: string;
	headers: http.IncomingHttpHeaders;
}

export class FakeMediaServer {
	readonly requests: BlobRequest[] = [];
	/** Message ids the phone was asked to re-upload the media of (media-retry receipts it could read). */
	readonly reuploads: string[] = [];
	private readonly blobs = new Map<string, Buffer>();
	private readonly uploads: UploadedMedia[] = [];
	/** Expired blobs, by their old path, that the phone still has and uploads again when asked. */
	private readonly expired = new Map<string, Buffer>();
	private counter = 0;
	private loopback!: LoopbackServer;

	static async start(): Promise<FakeMediaServer> {
		const media = new FakeMediaServer();
		media.loopback = await startLoopbackServer((req, res) => media.handle(req, res));
		return media;
	}

	/** `http://127.0.0.1:<port>`: the value for WHATSAPP_CHATS_MEDIA_URL. */
	get url(): string {
		return this.loopback.url;
	}

	/** Encrypts `plain` as a WhatsApp client uploads it and serves the blob. */
	async upload(plain: Buffer, type: FakeMediaType): Promise<UploadedMedia> {
		const B = await loadBaileys();
		const encrypted = await B.encryptedStream(plain, type);
		let blob: Buffer;
		try {
			blob = await readFile(encrypted.encFilePath);
		} finally {
			await rm(encrypted.encFilePath, { force: true });
		}
		const directPath = `/v/t62.7119-24/${++this.counter}_${Buffer.from(encrypted.fileEncSha256).toString('hex').slice(0, 16)}.enc`;
		this.blobs.set(directPath, blob);
		const uploaded: UploadedMedia = {
			type,
			directPath,
			url: `https://mmg.whatsapp.net${directPath}?ccb=11-4&oh=fake&oe=fake&mms3=true`,
			mediaKey: encrypted.mediaKey,
			fileSha256: encrypted.fileSha256,
			fileEncSha256: encrypted.fileEncSha256,
			fileLength: encrypted.fileLength,
			blob,
		};
		this.uploads.push(uploaded);
		return uploaded;
	}

	/** Flips one byte of a served blob (in the ciphertext, not its MAC). */
	tamper(directPath: string, at = 20): void {
		const blob = this.blobs.get(directPath);
		if (!blob) throw new Error(`no blob at ${directPath}`);
		const changed = Buffer.from(blob);
		changed[at] ^= 0xff;
		this.blobs.set(directPath, changed);
	}

	/**
	 * The blob is gone (as WhatsApp's media expires): 404 from now on. With `phoneKeepsIt`, the phone
	 * still has the file and uploads it again (to a new path) when a media-retry receipt asks.
	 */
	expire(directPath: string, options: { phoneKeepsIt?: boolean } = {}): void {
		const blob = this.blobs.get(directPath);
		this.blobs.delete(directPath);
		if (blob && options.phoneKeepsIt) this.expired.set(directPath, blob);
	}

	/**
	 * The phone's answer to a media-retry receipt (`<receipt type="server-error">`, Baileys'
	 * updateMediaMessage): it finds the media by decrypting the receipt with each media key it
	 * knows (as only the holder of the key can), uploads the file again and sends the
	 * `mediaretry` notification with the new path, encrypted with the media's retry key (AES-GCM).
	 * A media the phone no longer has gets the notification with result NOT_FOUND.
	 */
	async answerMediaRetry(receipt: WANode): Promise<WANode | undefined> {
		const B = await loadBaileys();
		const id = receipt.attrs.id;
		const encrypted = child(receipt, 'encrypt');
		const ciphertext = bytes(child(encrypted, 'enc_p'));
		const iv = bytes(child(encrypted, 'enc_iv'));
		const rmr = child(receipt, 'rmr');
		if (!id || !ciphertext || !iv || !rmr) return undefined;
		const retryKeyOf = (upload: UploadedMedia) => Buffer.from(B.hkdf(Buffer.from(upload.mediaKey), 32, { info: 'WhatsApp Media Retry Notification' }));
		const upload = this.uploads.find((candidate) => {
			try {
				return B.proto.ServerErrorReceipt.decode(B.aesDecryptGCM(ciphertext, retryKeyOf(candidate), iv, Buffer.from(id))).stanzaId === id;
			} catch {
				return false;
			}
		});
		if (!upload) return undefined;
		this.reuploads.push(id);
		const blob = this.expired.get(upload.directPath);
		const { ResultType } = B.proto.MediaRetryNotification;
		let directPath: string | undefined;
		if (blob) {
			this.expired.delete(upload.directPath);
			directPath = `/v/t62.7119-24/${++this.counter}_reupload.enc`;
			this.blobs.set(directPath, blob);
		}
		const notification = B.proto.MediaRetryNotification.encode({ stanzaId: id, directPath, result: blob ? ResultType.SUCCESS : ResultType.NOT_FOUND }).finish();
		const answerIv = randomBytes(12);
		const answer = B.aesEncryptGCM(notification, retryKeyOf(upload), answerIv, Buffer.from(id));
		return node('notification', { from: receipt.attrs.to, type: 'mediaretry', id, t: unixSeconds() }, [
			node('rmr', { ...rmr.attrs }),
			node('encrypt', {}, [node('enc_p', {}, answer), node('enc_iv', {}, answerIv)]),
		]);
	}

	async close(): Promise<void> {
		await this.loopback.close();
	}

	private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
		const path = (req.url ?? '/').split('?')[0];
		this.requests.push({ path, headers: req.headers });
		const blob = req.method === 'GET' ? this.blobs.get(path) : undefined;
		if (!blob) {
			res.writeHead(404).end();
			return;
		}
		res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': blob.length });
		res.end(blob);
	}
}

export async function startFakeMediaServer(): Promise<FakeMediaServer> {
	return await FakeMediaServer.start();
}

/** The message WhatsApp delivers for an uploaded file: `imageMessage`, `documentMessage`, … pointing at it. */
export function mediaMessage(
	uploaded: UploadedMedia,
	details: { mimetype: string; caption?: string; fileName?: string; fileLength?: number },
): proto.IMessage {
	const media = {
		url: uploaded.url,
		directPath: uploaded.directPath,
		mediaKey: uploaded.mediaKey,
		fileSha256: uploaded.fileSha256,
		fileEncSha256: uploaded.fileEncSha256,
		fileLength: details.fileLength ?? uploaded.fileLength,
		mimetype: details.mimetype,
		mediaKeyTimestamp: Math.floor(Date.now() / 1000),
		...(details.caption ? { caption: details.caption } : {}),
		...(details.fileName ? { fileName: details.fileName, title: details.fileName } : {}),
	};
	return { [`${uploaded.type}Message`]: media } as proto.IMessage;
}
