/**
 * Text messages the client sent, as the recipient's device reads them (decrypted by the server):
 * the text, the quoted context of a reply (`contextInfo.stanzaId / participant / quotedMessage`)
 * and the link preview fields (`matchedText`, `title`, `description`), absent when none was sent.
 */
import type { OutboundMessage } from './devices';

export interface SentText {
	text: string | null;
	quoted: { stanzaId: string | null; participant: string | null; remoteJid: string | null; quotedText: string | null } | null;
	preview: { matchedText: string | null; title: string | null; description: string | null } | null;
}

export function sentTextOf(sent: OutboundMessage): SentText {
	const message = sent.message ?? {};
	const extended = message.extendedTextMessage;
	const text = extended?.text ?? message.conversation ?? null;
	const context = extended?.contextInfo;
	const quotedMessage = context?.quotedMessage;
	const quoted = context?.stanzaId
		? {
				stanzaId: context.stanzaId ?? null,
				participant: context.participant ?? null,
				remoteJid: context.remoteJid ?? null,
				quotedText: quotedMessage?.conversation ?? quotedMessage?.extendedTextMessage?.text ?? null,
			}
		: null;
	const hasPreview = !!(extended?.matchedText || extended?.title || extended?.description || extended?.jpegThumbnail?.length);
	const preview = hasPreview
		? { matchedText: extended?.matchedText ?? null, title: extended?.title ?? null, description: extended?.description ?? null }
		: null;
	return { text, quoted, preview };
}
