/**
 * The text and media of a WhatsApp message body (a `proto.IMessage`, as Baileys, Evolution API
 * and the embedded store hold it), read without loading Baileys: gateway users share the rule.
 * Wrappers (disappearing, view-once, captioned documents, edits) are opened as Baileys'
 * normalizeMessageContent does.
 */

type Content = Record<string, any>;

/** Fields that wrap the real content in `{ message }`, as Baileys' normalizeMessageContent lists them. */
const WRAPPERS = [
	'ephemeralMessage',
	'viewOnceMessage',
	'documentWithCaptionMessage',
	'viewOnceMessageV2',
	'viewOnceMessageV2Extension',
	'editedMessage',
	'associatedChildMessage',
	'groupStatusMessage',
	'groupStatusMessageV2',
] as const;

export const MEDIA_MESSAGE_TYPES: readonly string[] = ['imageMessage', 'videoMessage', 'audioMessage', 'documentMessage', 'stickerMessage', 'ptvMessage'];

/** The content inside any wrappers (at most 5 deep), or null when there is none. */
export function unwrapMessage(message: unknown): Content | null {
	if (!message || typeof message !== 'object') return null;
	let content = message as Content;
	for (let depth = 0; depth < 5; depth++) {
		const wrapper = WRAPPERS.map((field) => content[field]).find((value) => value && typeof value === 'object');
		if (!wrapper?.message || typeof wrapper.message !== 'object') break;
		content = wrapper.message as Content;
	}
	return content;
}

/** Plain text, extended text, or the caption of an image, video or document; null for none. */
export function messageText(message: unknown): string | null {
	const content = unwrapMessage(message);
	if (!content) return null;
	const candidates = [
		content.conversation,
		content.extendedTextMessage?.text,
		content.imageMessage?.caption,
		content.videoMessage?.caption,
		content.documentMessage?.caption,
	];
	const text = candidates.find((value) => typeof value === 'string');
	return typeof text === 'string' ? text : null;
}

/** Whether the message carries an image, video, audio, document, sticker or video note. */
export function messageHasMedia(message: unknown): boolean {
	const content = unwrapMessage(message);
	return !!content && MEDIA_MESSAGE_TYPES.some((type) => !!content[type]);
}
