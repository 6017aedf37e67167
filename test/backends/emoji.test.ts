/**
 * Reaction input: every kind of emoji sequence WhatsApp offers is one emoji (keycaps, flags,
 * skin tones, ZWJ sequences), text is not; and the React operation sends what it accepts.
 */
import { isSingleEmoji } from '../../nodes/backends/emoji';
import { GatewayTestServer } from '../gateway-server/GatewayTestServer';
import { chat, runChatsNode, wahaCredentials } from '../helpers/whatsAppChatsNode';

const ACCEPTED: Record<string, string[]> = {
	'plain pictographs': ['👍', '🙏', '😂', '🔥', '🎉', '🫶', '🧿', '🆗', '©️', '™️'],
	'text-default symbols, with and without the emoji selector': ['❤️', '❤', '☺️', '✔️', '⭐', '⬆️', '↩️', '〰️'],
	keycaps: ['1️⃣', '0️⃣', '9️⃣', '#️⃣', '*️⃣', '1⃣', '🔟'],
	flags: ['🇮🇳', '🇺🇸', '🇪🇺', '🇺🇳', '🏁', '🏳️', '🏴'],
	'subdivision flags': ['🏴󠁧󠁢󠁥󠁮󠁧󠁿', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '🏴󠁧󠁢󠁷󠁬󠁳󠁿'],
	'skin tones': ['👍🏻', '👍🏼', '👍🏽', '👍🏾', '👍🏿', '✌🏽', '☝🏿', '🏽'],
	'ZWJ sequences': ['👨‍👩‍👧‍👦', '🏳️‍🌈', '🏳️‍⚧️', '🏴‍☠️', '❤️‍🔥', '❤️‍🩹', '🧑‍💻', '👩🏽‍🚀', '🧑🏻‍🤝‍🧑🏿', '🏌🏽‍♂️', '🏌️‍♀️', '👁️‍🗨️', '🐕‍🦺', '😮‍💨'],
};

const REFUSED: Record<string, string[]> = {
	words: ['ok', 'thumbs up', 'yes!', ':)', '<3', 'x'],
	'bare digits and keycap parts': ['1', '#', '*', '12', '1️', '⃣'],
	'several emoji': ['👍👍', '🇮🇳🇺🇸', '👍 🙏', '❤️❤️'],
	'emoji with text': ['👍x', 'a👍', '1️⃣2', '👍\n'],
	'broken sequences': ['🇮', '🇮🇳🇮', '‍👍', '👍‍', '👍‍‍🙏', '\u{FE0F}', '\u{E0067}\u{E007F}'],
};

describe.each(Object.entries(ACCEPTED))('accepted: %s', (_kind, list) => {
	test.each(list)('%s', (emoji) => expect(isSingleEmoji(emoji)).toBe(true));
});

describe.each(Object.entries(REFUSED))('refused: %s', (_kind, list) => {
	test.each(list)('%j', (text) => expect(isSingleEmoji(text)).toBe(false));
});

describe('the React operation', () => {
	let gateway: GatewayTestServer;
	beforeAll(async () => (gateway = await GatewayTestServer.start()));
	afterAll(async () => await gateway.close());
	beforeEach(() => gateway.reset());

	const react = async (emoji: string) =>
		await runChatsNode({
			credentials: wahaCredentials(gateway),
			parameters: { resource: 'message', operation: 'react', chatId: chat('919988066776@c.us'), messageId: 'true_919988066776@c.us_3EB0AAAA0001', emoji } as never,
		});

	test.each(['1️⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '🧑🏻‍🤝‍🧑🏿'])('sends %s to the gateway as given', async (emoji) => {
		const result = await react(emoji);
		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toMatchObject({ success: true, reaction: emoji, removed: false });
		expect(gateway.requestsTo('PUT', '/api/reaction').map((request) => (request.body as { reaction: string }).reaction)).toEqual([emoji]);
	});

	test('refuses text before sending anything', async () => {
		const result = await react('1');
		expect(result.error?.message).toContain('Invalid Emoji "1": expected a single emoji such as 👍, or empty to remove the reaction');
		expect(gateway.requests).toHaveLength(0);
	});
});
