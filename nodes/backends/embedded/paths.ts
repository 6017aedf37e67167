/**
 * Where an embedded session keeps its files. One folder per session: the auth state (creds and
 * Signal keys), the local chat store, the lock that keeps a second process out and the marker
 * that says the package made the folder. The default folder's name is derived from the
 * credential's Session Secret, so another credential with the same Session Name gets another folder.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { InvalidInputError } from '../errors';
import { deriveSessionKeys, type SessionKeys } from './sessionCrypto';
import { SessionFolderError } from './sessionFolderErrors';

/** Safe as a folder name: no separators, cannot be `.` or `..`. */
const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const MIN_SECRET_LENGTH = 12;
/** The file that marks a folder as one this package created (and holds the secret's key check). */
export const MARKER_FILE = '.whatsapp-chats-session.json';

export interface SessionPaths {
	session: string;
	folder: string;
	creds: string;
	keys: string;
	store: string;
	lock: string;
	marker: string;
	/** True when the credential's Auth Folder names the folder (errors may then show its path). */
	custom: boolean;
	/** Pre-encryption default folder (`whatsapp-chats/<session>/`), adopted on first open. */
	legacyFolder?: string;
	/** Keys derived from the Session Secret; never logged or printed. */
	access: SessionKeys;
}

export function checkSessionName(session: string): string {
	const name = session.trim();
	if (!SESSION_NAME.test(name)) {
		throw new InvalidInputError('Session Name', session, 'a name of letters, digits, ".", "_" or "-" (up to 64), such as "default"');
	}
	return name;
}

/** Refuses a missing or short secret without ever repeating it. */
export function checkSessionSecret(secret: string | undefined): string {
	if (!secret) {
		throw new SessionFolderError(
			'The embedded credential has no Session Secret. Edit the WhatsApp Chats credential and fill in Session Secret ' +
				`(at least ${MIN_SECRET_LENGTH} characters, e.g. from a password manager); keep a copy: it is what opens this WhatsApp session`,
		);
	}
	if (secret.length < MIN_SECRET_LENGTH) {
		throw new SessionFolderError(
			`The Session Secret of the embedded credential is too short: use at least ${MIN_SECRET_LENGTH} characters (e.g. a random one from a password manager)`,
		);
	}
	return secret;
}

/** n8n's own rule: `N8N_USER_FOLDER` (or the home folder) + `.n8n`. */
export function n8nUserFolder(): string {
	return path.join(process.env.N8N_USER_FOLDER || homedir(), '.n8n');
}

/** `~/.n8n/whatsapp-chats/<session>-<id from the secret>/` unless the credentials name a folder. */
export function sessionPaths(sessionName: string, authFolder: string | undefined, secret: string | undefined): SessionPaths {
	const session = checkSessionName(sessionName);
	const access = deriveSessionKeys(checkSessionSecret(secret), session);
	const custom = authFolder?.trim();
	const root = path.join(n8nUserFolder(), 'whatsapp-chats');
	const folder = custom ? path.resolve(expandHome(custom)) : path.join(root, `${session}-${access.folderId}`);
	return {
		session,
		folder,
		creds: path.join(folder, 'creds.json'),
		keys: path.join(folder, 'keys'),
		store: path.join(folder, 'store.json'),
		lock: path.join(folder, 'session.lock'),
		marker: path.join(folder, MARKER_FILE),
		custom: !!custom,
		...(custom ? {} : { legacyFolder: path.join(root, session) }),
		access,
	};
}

function expandHome(folder: string): string {
	if (folder === '~') return homedir();
	if (folder.startsWith('~/') || folder.startsWith('~\\')) return path.join(homedir(), folder.slice(2));
	return folder;
}
