/**
 * The Baileys numbers of baileysConstants: equal to Baileys' own enums at run time, checked by
 * type at compile time (a wrong value does not compile), and the module loads no Baileys code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DisconnectReason, proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import ts from 'typescript';
import {
	DISCONNECT_REASON,
	MESSAGE_ACK_STATUS,
	MESSAGE_STUB_TYPE,
	PIN_IN_CHAT_TYPE,
	PROTOCOL_MESSAGE_TYPE,
	type MatchesEnum,
	type MustBeTrue,
} from '../../nodes/backends/embedded/baileysConstants';
import { loadBaileys } from '../../nodes/backends/embedded/loadBaileys';

test('every constant equals the member of the same name in Baileys\' enum', async () => {
	const B = await loadBaileys();
	const pairs: Array<[string, Record<string, number>, Record<string, unknown>]> = [
		['MESSAGE_STUB_TYPE', MESSAGE_STUB_TYPE, B.proto.WebMessageInfo.StubType],
		['PROTOCOL_MESSAGE_TYPE', PROTOCOL_MESSAGE_TYPE, B.proto.Message.ProtocolMessage.Type],
		['PIN_IN_CHAT_TYPE', PIN_IN_CHAT_TYPE, B.proto.PinInChat.Type],
		['PIN_IN_CHAT_TYPE', PIN_IN_CHAT_TYPE, B.proto.Message.PinInChatMessage.Type],
		['MESSAGE_ACK_STATUS', MESSAGE_ACK_STATUS, B.proto.WebMessageInfo.Status],
		['DISCONNECT_REASON', DISCONNECT_REASON, B.DisconnectReason],
	];
	for (const [name, ours, theirs] of pairs) {
		for (const [member, value] of Object.entries(ours)) expect([name, member, theirs[member]]).toEqual([name, member, value]);
	}
});

test('the type check refuses a wrong number and an unknown member (tsc fails on an unused @ts-expect-error)', () => {
	// @ts-expect-error REVOKE is 1 in Baileys
	type WrongNumber = MustBeTrue<MatchesEnum<{ REVOKE: 2 }, typeof proto.WebMessageInfo.StubType>>;
	// @ts-expect-error Baileys has no such disconnect reason
	type UnknownMember = MustBeTrue<MatchesEnum<{ loggedOut: 401; loggedOutTwice: 402 }, typeof DisconnectReason>>;
	type Right = MustBeTrue<MatchesEnum<{ loggedOut: 401; restartRequired: 515 }, typeof DisconnectReason>>;
	const right: Right = true;
	expect([right, null as WrongNumber | UnknownMember | null]).toEqual([true, null]);
});

test('compiled, the constants module requires nothing (Baileys stays unloaded for gateway users)', () => {
	const source = readFileSync(path.join(__dirname, '../../nodes/backends/embedded/baileysConstants.ts'), 'utf-8');
	const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
	expect(outputText).toContain('exports.DISCONNECT_REASON');
	expect(outputText).not.toMatch(/require\(|import\(/);
});
