/**
 * The store's file: `store.json`, sealed with the session's key (see sessionCrypto) and written
 * atomically. A file that cannot be used (inauthentic, not JSON, JSON of the wrong shape) is kept
 * aside under a new name, never deleted, and the session starts with an empty store and a notice.
 */
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { readTextFile, writeFileAtomic } from './atomicFile';
import { SealedFileError, type FileCipher } from './sessionCrypto';

/** Name the content is authenticated under (the file cannot be swapped for another one). */
const STORE_NAME = 'store.json';

export interface StoreFileContent {
	version: 1;
	chats: unknown[];
	aliases: Record<string, string>;
}

export interface LoadedStoreFile {
	saved?: StoreFileContent;
	/** Said once in Session Status when the file could not be used. */
	notice?: string;
}

export async function loadStoreFile(file: string, cipher?: FileCipher): Promise<LoadedStoreFile> {
	let text: string | undefined;
	try {
		text = await readTextFile(file);
	} catch (error) {
		// An unreadable store is only a cache: start empty (and say so).
		return { notice: `${STORE_NAME} could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); the session started with an empty store` };
	}
	if (text === undefined) return {};
	let problem: string;
	try {
		const saved: unknown = JSON.parse(cipher ? cipher.open(STORE_NAME, text) : text);
		problem = shapeProblem(saved) ?? '';
		if (!problem) return { saved: saved as StoreFileContent };
	} catch (error) {
		problem = error instanceof SealedFileError ? 'failed its integrity check (changed outside n8n or written with another Session Secret)' : 'is not valid JSON';
	}
	const aside = `${file}.bad-${new Date().toISOString().replace(/[-:.]/g, '')}`;
	try {
		await rename(file, aside);
	} catch (error) {
		return { notice: `${STORE_NAME} ${problem} and could not be moved aside (${(error as NodeJS.ErrnoException).code ?? 'error'}); the session started with an empty store` };
	}
	return {
		notice:
			`${STORE_NAME} ${problem}; it was kept as ${path.basename(aside)} in the session folder and the session started with an empty store ` +
			'(chats and messages come back as WhatsApp sends them)',
	};
}

export async function saveStoreFile(file: string, content: StoreFileContent, cipher?: FileCipher): Promise<void> {
	const text = JSON.stringify(content);
	await writeFileAtomic(file, cipher ? cipher.seal(STORE_NAME, text) : text);
}

/** What is wrong with a parsed store file, or undefined when the store can use it. */
function shapeProblem(saved: unknown): string | undefined {
	const wrong = 'is valid JSON of the wrong shape';
	if (!isObject(saved) || saved.version !== 1 || !Array.isArray(saved.chats) || !isObject(saved.aliases)) return wrong;
	if (!Object.values(saved.aliases).every((id) => typeof id === 'string')) return wrong;
	for (const chat of saved.chats) {
		if (!isObject(chat) || typeof chat.id !== 'string' || !Array.isArray(chat.messages)) return wrong;
		if (chat.lastMessage !== null && !(isObject(chat.lastMessage) && isKey(chat.lastMessage.key) && typeof chat.lastMessage.timestamp === 'number')) return wrong;
		if (!chat.messages.every((message) => isObject(message) && isKey(message.key) && typeof message.timestamp === 'number')) return wrong;
	}
	return undefined;
}

function isKey(value: unknown): boolean {
	return isObject(value) && typeof value.remoteJid === 'string' && typeof value.id === 'string' && typeof value.fromMe === 'boolean';
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
