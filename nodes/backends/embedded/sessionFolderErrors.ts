/**
 * The errors about an embedded session's folder and files (missing secret, a folder that is a
 * file or someone else's, another credential's secret, damaged files), worded for the person
 * reading them in n8n. They name the credential field to change and never carry key material.
 */
import path from 'node:path';

/** A session folder or file that cannot be used as it is; the message says what to do. */
export class SessionFolderError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SessionFolderError';
	}
}

interface FolderRef {
	session: string;
	folder: string;
	custom: boolean;
}

/** `the Auth Folder "/abs"` (the user typed it) or the default folder relative to the n8n user folder. */
export function describeFolder(paths: FolderRef): string {
	return paths.custom
		? `the Auth Folder "${paths.folder}"`
		: `the session folder "whatsapp-chats/${path.basename(paths.folder)}" in the n8n user folder`;
}

const CHOOSE_FOLDER = 'set Auth Folder in the WhatsApp Chats credential to a new or empty folder, or leave Auth Folder empty to keep the session in the n8n user folder';

export function folderIsFileError(paths: FolderRef): SessionFolderError {
	return new SessionFolderError(
		paths.custom
			? `The Auth Folder "${paths.folder}" is a file, not a folder: ${CHOOSE_FOLDER}`
			: `The embedded session "${paths.session}" cannot use ${describeFolder(paths)}: a file has that name. Move that file away, or set Auth Folder in the WhatsApp Chats credential`,
	);
}

export function folderNotCreatedError(paths: FolderRef, code: string | undefined): SessionFolderError {
	const why =
		code === 'ENOTDIR' || code === 'EEXIST'
			? 'a part of its path is a file, not a folder'
			: code === 'EACCES' || code === 'EPERM'
				? 'n8n is not allowed to write there (permission denied)'
				: code === 'EROFS'
					? 'the disk is read-only'
					: `the system refused (${code ?? 'unknown error'})`;
	return new SessionFolderError(
		paths.custom
			? `The Auth Folder "${paths.folder}" cannot be created: ${why}. ${upper(CHOOSE_FOLDER)}`
			: `The folder of the embedded session "${paths.session}" cannot be created in the n8n user folder: ${why}. ` +
					'Check that the n8n user folder (N8N_USER_FOLDER) is writable by n8n, or set Auth Folder in the WhatsApp Chats credential',
	);
}

export function folderUnreadableError(paths: FolderRef, code: string | undefined): SessionFolderError {
	const why = code === 'EACCES' || code === 'EPERM' ? 'n8n is not allowed to read it (permission denied)' : `the system refused (${code ?? 'unknown error'})`;
	return new SessionFolderError(
		`The embedded session "${paths.session}" cannot read ${describeFolder(paths)}: ${why}. ` +
			'Give the user n8n runs as access to it, or set Auth Folder in the WhatsApp Chats credential to a new or empty folder',
	);
}

export function foreignFolderError(paths: FolderRef, example: string): SessionFolderError {
	return new SessionFolderError(
		`${upper(describeFolder(paths))} already holds files that WhatsApp Chats did not create (such as "${example}"), ` +
			`so the embedded session "${paths.session}" does not use it and changes nothing in it: ${CHOOSE_FOLDER}`,
	);
}

export function otherSecretError(paths: FolderRef): SessionFolderError {
	return new SessionFolderError(
		`${upper(describeFolder(paths))} belongs to an embedded session with another Session Secret, so this credential cannot open, read or delete it. ` +
			'Use the credential that paired that session; to pair this credential on its own, leave its Auth Folder empty or choose a new folder',
	);
}

export function damagedFileError(paths: FolderRef, file: string): SessionFolderError {
	return new SessionFolderError(
		`The auth state of the embedded session "${paths.session}" (${file} in ${describeFolder(paths)}) failed its integrity check: ` +
			'it was changed outside n8n or written with another Session Secret. Restore the folder from a backup, ' +
			'or delete creds.json and the keys folder there and pair again with Session → Get QR',
	);
}

export function unreadableFileError(paths: FolderRef, file: string, problem: string): SessionFolderError {
	return new SessionFolderError(
		`The auth state of the embedded session "${paths.session}" (${file} in ${describeFolder(paths)}) ${problem}. ` +
			`Delete ${file} and the keys folder there and pair again with Session → Get QR`,
	);
}

function upper(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
