/**
 * What counts as one reaction emoji: every emoji sequence WhatsApp offers (UTS #51 shapes:
 * keycaps, flags and subdivision flags, skin tones, ZWJ sequences, presentation selectors), and
 * nothing that is text (letters, bare digits, several emoji in a row).
 */

/** A pictograph, but not a lone regional indicator (those only count in pairs, as a flag). */
const PICTOGRAPH = String.raw`(?!\p{Regional_Indicator})[\p{Extended_Pictographic}\p{Emoji_Presentation}]`;
/** Text or emoji presentation selector, then an optional skin tone, then (rarely) a selector again. */
const PICTOGRAPH_WITH_MODIFIERS = String.raw`${PICTOGRAPH}[\u{FE0E}\u{FE0F}]?\p{Emoji_Modifier}?\u{FE0F}?`;
const ELEMENT = [
	// Keycap: 0-9, # or *, the emoji selector (often dropped by keyboards), then the enclosing keycap.
	String.raw`[0-9#*]\u{FE0F}?\u{20E3}`,
	// Country flag: two regional indicators.
	String.raw`\p{Regional_Indicator}{2}`,
	// Subdivision flag (England, Scotland, Wales): black flag, tag letters, cancel tag.
	String.raw`\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}`,
	PICTOGRAPH_WITH_MODIFIERS,
].join('|');

const SINGLE_EMOJI = new RegExp(String.raw`^(?:${ELEMENT})(?:\u{200D}(?:${ELEMENT}))*$`, 'u');

/** Whether `value` is exactly one emoji (one possibly joined sequence), as a reaction needs. */
export function isSingleEmoji(value: string): boolean {
	return SINGLE_EMOJI.test(value);
}
