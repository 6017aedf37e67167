/** Tests of chat and message id parsing: phone numbers, JIDs, serialized ids, bad input. */
import { InvalidInputError } from '../../nodes/backends/errors';
import { parseChatId, parseMessageId, parsePhoneDigits, toCus } from '../../nodes/backends/ids';

describe('chat ids', () => {
	test.each([
		['+91 99880-66776', '919988066776@s.whatsapp.net'],
		['0091 99880 66776', '919988066776@s.whatsapp.net'],
		['(919) 988.066.776', '919988066776@s.whatsapp.net'],
		['919988066776@c.us', '919988066776@s.whatsapp.net'],
		['919988066776@s.whatsapp.net', '919988066776@s.whatsapp.net'],
		['120363012345678901@g.us', '120363012345678901@g.us'],
		['919988066776-1600000000@g.us', '919988066776-1600000000@g.us'],
		['123456789012345@lid', '123456789012345@lid'],
		['120363000000000000@newsletter', '120363000000000000@newsletter'],
		[' 919988066776@C.US ', '919988066776@s.whatsapp.net'],
	])('%s is %s', (input, jid) => {
		expect(parseChatId(input).jid).toBe(jid);
	});

	test.each(['', '   ', 'abc', '+91 99', '12345678901234567890', '../x', 'a/b?c#d', '123@evil.com', '12/3@c.us', '123@c.us/../x', '%2e%2e'])(
		'%j is refused with the field, value and expectation',
		(input) => {
			expect(() => parseChatId(input)).toThrow(InvalidInputError);
			expect(() => parseChatId(input)).toThrow(/Invalid Chat .*expected a phone number in international format/);
		},
	);

	test('WAHA notation', () => {
		expect(toCus('919988066776@s.whatsapp.net')).toBe('919988066776@c.us');
		expect(toCus('1@g.us')).toBe('1@g.us');
	});

	test('phone numbers', () => {
		expect(parsePhoneDigits('+1 (555) 000-1111')).toBe('15550001111');
		expect(() => parsePhoneDigits('+1 555 CALL NOW')).toThrow('Invalid Phone Number "+1 555 CALL NOW"');
	});
});

describe('message ids', () => {
	const chat = parseChatId('123@c.us');

	test('bare ids', () => {
		expect(parseMessageId('3EB0C767D26A1A8E', chat)).toEqual({ chat, id: '3EB0C767D26A1A8E' });
	});

	test('WAHA serialized ids carry fromMe and the participant', () => {
		expect(parseMessageId('true_123@c.us_AAA', chat)).toEqual({ chat, id: 'AAA', fromMe: true, participant: undefined });
		const group = parseChatId('123-456@g.us');
		expect(parseMessageId('false_123-456@g.us_AAA_789@c.us', group)).toEqual({
			chat: group,
			id: 'AAA',
			fromMe: false,
			participant: '789@s.whatsapp.net',
		});
	});

	test('a serialized id of another chat is refused', () => {
		expect(() => parseMessageId('true_999@c.us_AAA', chat)).toThrow(
			'Invalid Message ID "true_999@c.us_AAA": expected a message of the chat 123@s.whatsapp.net (this id belongs to 999@s.whatsapp.net)',
		);
	});

	test.each(['', '../AAA', 'AAA/../../x', 'a?b', 'a#b', 'AAA%2F', '.', '..', 'true_123@c.us_../x'])('%j is refused', (input) => {
		expect(() => parseMessageId(input, chat)).toThrow(InvalidInputError);
	});
});
