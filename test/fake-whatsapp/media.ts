/**
 * WhatsApp's media server, faked on 127.0.0.1: files are encrypted the way WhatsApp clients
 * upload them (Baileys' own encryptedStream: HKDF media keys, AES-256-CBC, 10-byte HMAC-SHA256
 * tail) and served by their `directPath`; `mediaMessage` builds the image/document message that
 * points at one. Records every blob request; blobs can be tampered with or made to expire (404).
 */
import { readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { loadBaileys } from './baileys';

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
	private readonly blobs = new Map<string, Buffer>();
	private counter = 0;
	private server!: http.Server;

	static async start(): Promise<FakeMediaServer> {
		const media = new FakeMediaServer();
		media.server = http.createServer((req, res) => media.handle(req, res));
		await new Promise<void>((resolve) => media.server.listen(0, '127.0.0.1', resolve));
		return media;
	}

	/** `http://127.0.0.1:<port>`: the value for WHATSAPP_CHATS_MEDIA_URL. */
	get url(): string {
		return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
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
		return {
			type,
			directPath,
			url: `https://mmg.whatsapp.net${directPath}?ccb=11-4&oh=fake&oe=fake&mms3=true`,
			mediaKey: encrypted.mediaKey,
			fileSha256: encrypted.fileSha256,
			fileEncSha256: encrypted.fileEncSha256,
			fileLength: encrypted.fileLength,
			blob,
		};
	}

	/** Flips one byte of a served blob (in the ciphertext, not its MAC). */
	tamper(directPath: string, at = 20): void {
		const blob = this.blobs.get(directPath);
		if (!blob) throw new Error(`no blob at ${directPath}`);
		const changed = Buffer.from(blob);
		changed[at] ^= 0xff;
		this.blobs.set(directPath, changed);
	}

	/** The blob is gone (as WhatsApp's media expires): 404 from now on. */
	expire(directPath: string): void {
		this.blobs.delete(directPath);
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
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
