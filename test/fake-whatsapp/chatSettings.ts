/**
 * The chat settings in app-state mutations, decoded to plain values tests can compare exactly:
 * mute (`['mute', jid]`: muted, end in milliseconds, -1 for always), pin (`['pin_v1', jid]`) and
 * mark read/unread (`['markChatAsRead', jid]`: the read flag and the message range it covers).
 */
import type { AppStateMutation } from './app-state';

export type ChatSetting =
	| { kind: 'mute'; jid: string; muted: boolean; muteEndTimestamp: number | null; collection: string }
	| { kind: 'pin'; jid: string; pinned: boolean; collection: string }
	| {
			kind: 'markRead';
			jid: string;
			read: boolean;
			/** The range's messages (keys) and last message time, as the client sent them. */
			messages: Array<{ id: string; remoteJid: string; fromMe: boolean; timestamp: number | null }>;
			lastMessageTimestamp: number | null;
			collection: string;
	  };

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** The mutation as a chat setting, or undefined when it is another kind of change. */
export function chatSettingOf(mutation: AppStateMutation): ChatSetting | undefined {
	const [name, jid] = mutation.index;
	const { value, collection } = mutation;
	if (name === 'mute' && value.muteAction) {
		return { kind: 'mute', jid, muted: !!value.muteAction.muted, muteEndTimestamp: num(value.muteAction.muteEndTimestamp), collection };
	}
	if (name === 'pin_v1' && value.pinAction) return { kind: 'pin', jid, pinned: !!value.pinAction.pinned, collection };
	if (name === 'markChatAsRead' && value.markChatAsReadAction) {
		const range = value.markChatAsReadAction.messageRange;
		return {
			kind: 'markRead',
			jid,
			read: !!value.markChatAsReadAction.read,
			messages: (range?.messages ?? []).map((m) => ({
				id: String(m.key?.id),
				remoteJid: String(m.key?.remoteJid),
				fromMe: !!m.key?.fromMe,
				timestamp: num(m.timestamp),
			})),
			lastMessageTimestamp: num(range?.lastMessageTimestamp),
			collection,
		};
	}
	return undefined;
}
