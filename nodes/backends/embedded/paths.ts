/**
 * Where an embedded session keeps its files. One folder per session: the auth state (creds and
 * Signal keys), the local chat store and the lock that keeps a second process out.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { InvalidInputError } from '../errors';

/** Safe as a folder name: no separators, cannot be `.` or `..`. */
const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface SessionPaths {
	session: string;
	folder: string;
	creds: string;
	keys: string;
	store: string;
	lock: string;
}

export function checkSessionName(session: string): string {
	const name = session.trim();
	if (!SESSION_NAME.test(name)) {
		throw new InvalidInputError('Session Name', session, 'a name of letters, digits, ".", "_" or "-" (up to 64), such as "default"');
	}
	return name;
}

/** n8n's own rule: `N8N_USER_FOLDER` (or the home folder) + `.n8n`. */
export function n8nUserFolder(): string {
	return path.join(process.env.N8N_USER_FOLDER || homedir(), '.n8n');
}

/** `~/.n8n/whatsapp-chats/<session>/` unless the credentials name a folder. */
export function sessionPaths(sessionName: string, authFolder?: string): SessionPaths {
	const session = checkSessionName(sessionName);
	const custom = authFolder?.trim();
	const folder = custom ? path.resolve(expandHome(custom)) : path.join(n8nUserFolder(), 'whatsapp-chats', session);
	return {
		session,
		folder,
		creds: path.join(folder, 'creds.json'),
		keys: path.join(folder, 'keys'),
		store: path.join(folder, 'store.json'),
		lock: path.join(folder, 'session.lock'),
	};
}

function expandHome(folder: string): string {
	if (folder === '~') return homedir();
	if (folder.startsWith('~/') || folder.startsWith('~\\')) return path.join(homedir(), folder.slice(2));
	return folder;
}
