/** WAHA's dialect, as in the seed's "Chats" page and WAHA's OpenAPI slice (2024.9) plus newer routes. */
import type { GatewayState, RecordedRequest, Route, ScriptedAnswer } from './GatewayTestServer';

const S = '([^/]+)';

/** Key and session checks come first, as WAHA does them. */
function guarded(
	answer: (request: RecordedRequest, params: string[], state: GatewayState) => ScriptedAnswer,
	sessionFrom: (request: RecordedRequest, params: string[]) => string = (_, params) => params[0],
): Route['answer'] {
	return (request, params, state) => {
		if (request.headers['x-api-key'] !== state.apiKey) {
			return { status: 401, body: { statusCode: 401, message: 'Unauthorized' } };
		}
		const session = sessionFrom(request, params);
		if (!state.sessions.has(session)) {
			return { status: 404, body: { statusCode: 404, message: `Session "${session}" does not exist`, error: 'Not Found' } };
		}
		return answer(request, params, state);
	};
}

const ok = (body: unknown = {}, status = 200): ScriptedAnswer => ({ status, body });
const bodySession = (request: RecordedRequest) => String((request.body as { session?: unknown })?.session ?? '');

function page<T>(list: T[], query: Record<string, string>): T[] {
	const offset = Number(query.offset ?? 0);
	const limit = query.limit === undefined ? list.length : Number(query.limit);
	return list.slice(offset, offset + limit);
}

export function wahaMessagesOf(state: GatewayState, chatId: string): Array<Record<string, unknown>> {
	return (
		state.messages.get(chatId) ?? [
			{ id: `true_${chatId}_3EB0AAAA0001`, timestamp: 1_700_000_100, from: chatId, fromMe: true, body: 'hello', hasMedia: false },
			{ id: `false_${chatId}_3EB0AAAA0002`, timestamp: 1_700_000_200, from: chatId, fromMe: false, body: 'hi there', hasMedia: false },
		]
	);
}

/** One message by bare id in any chat, on engines that offer it; others answer as for a route they lack. */
function messageById(request: RecordedRequest, id: string, state: GatewayState): ScriptedAnswer {
	if (!state.wahaMessageById) return { status: 404, body: { statusCode: 404, message: `Cannot GET ${request.path}`, error: 'Not Found' } };
	for (const messages of state.messages.values()) {
		const found = messages.find((message) => String(message.id).split('_')[2] === decodeURIComponent(id));
		if (found) return ok(found);
	}
	return { status: 404, body: { statusCode: 404, message: 'Message not found', error: 'Not Found' } };
}

/** `POST /api/sendText` (MessageTextRequest): answers the new message as WEBJS does, and keeps it in the chat. */
function sendText(request: RecordedRequest, state: GatewayState): ScriptedAnswer {
	const body = (request.body ?? {}) as { chatId?: unknown; text?: unknown; reply_to?: unknown; linkPreview?: unknown };
	const problems = [
		...(typeof body.chatId === 'string' ? [] : ['chatId must be a string']),
		...(typeof body.text === 'string' ? [] : ['text must be a string']),
		...(body.reply_to === undefined || body.reply_to === null || typeof body.reply_to === 'string' ? [] : ['reply_to must be a string']),
		...(body.linkPreview === undefined || typeof body.linkPreview === 'boolean' ? [] : ['linkPreview must be a boolean value']),
	];
	if (problems.length) return { status: 400, body: { statusCode: 400, message: problems, error: 'Bad Request' } };
	const chatId = String(body.chatId);
	const messages = wahaMessagesOf(state, chatId);
	const bare = `3EB0SENT${String(messages.length).padStart(8, '0')}`;
	const message = { id: `true_${chatId}_${bare}`, timestamp: 1_700_010_000 + messages.length, from: '15550001111@c.us', fromMe: true, to: chatId, body: body.text, hasMedia: false, ack: 1 };
	state.messages.set(chatId, [...messages, message]);
	return ok(message, 201);
}

export const wahaRoutes: Route[] = [
	{ method: 'GET', pattern: new RegExp(`^/api/${S}/chats/all/messages/${S}$`), answer: guarded((req, [, id], state) => messageById(req, id, state)) },
	{ method: 'GET', pattern: new RegExp(`^/api/${S}/chats$`), answer: guarded((req, _p, state) => ok(page(state.chats, req.query))) },
	{
		method: 'GET',
		pattern: new RegExp(`^/api/${S}/chats/${S}/messages$`),
		answer: guarded((req, [, chatId], state) => ok(page(wahaMessagesOf(state, chatId), req.query))),
	},
	{ method: 'POST', pattern: new RegExp(`^/api/${S}/chats/${S}/archive$`), answer: guarded((_r, [, id]) => ok({ id, archived: true }, 201)) },
	{ method: 'POST', pattern: new RegExp(`^/api/${S}/chats/${S}/unarchive$`), answer: guarded((_r, [, id]) => ok({ id, archived: false }, 201)) },
	{ method: 'POST', pattern: new RegExp(`^/api/${S}/chats/${S}/unread$`), answer: guarded((_r, [, id]) => ok({ id, unread: true }, 201)) },
	{ method: 'DELETE', pattern: new RegExp(`^/api/${S}/chats/${S}$`), answer: guarded(() => ok({})) },
	{ method: 'DELETE', pattern: new RegExp(`^/api/${S}/chats/${S}/messages$`), answer: guarded(() => ok({})) },
	{
		method: 'PUT',
		pattern: new RegExp(`^/api/${S}/chats/${S}/messages/${S}$`),
		answer: guarded((req) =>
			typeof (req.body as { text?: unknown })?.text === 'string' ? ok({}) : { status: 400, body: { statusCode: 400, message: ['text must be a string'] } },
		),
	},
	{ method: 'DELETE', pattern: new RegExp(`^/api/${S}/chats/${S}/messages/${S}$`), answer: guarded(() => ok({})) },
	{ method: 'POST', pattern: new RegExp(`^/api/${S}/chats/${S}/messages/${S}/pin$`), answer: guarded(() => ok({ success: true }, 201)) },
	{ method: 'POST', pattern: new RegExp(`^/api/${S}/chats/${S}/messages/${S}/unpin$`), answer: guarded(() => ok({ success: true }, 201)) },
	{ method: 'POST', pattern: /^\/api\/sendText$/, answer: guarded((req, _p, state) => sendText(req, state), bodySession) },
	{ method: 'PUT', pattern: /^\/api\/reaction$/, answer: guarded(() => ok({}), bodySession) },
	{ method: 'PUT', pattern: /^\/api\/star$/, answer: guarded(() => ok({}), bodySession) },
	{ method: 'GET', pattern: new RegExp(`^/api/${S}/auth/qr$`), answer: guarded(() => ok({ value: '2@fakeQrRef,fakeNoiseKey,fakeIdentityKey,fakeAdvSecret' })) },
	{ method: 'POST', pattern: new RegExp(`^/api/${S}/auth/request-code$`), answer: guarded(() => ok({ code: 'ABCD-EFGH' }, 201)) },
	{
		method: 'GET',
		pattern: new RegExp(`^/api/sessions/${S}$`),
		answer: guarded((_r, [name], state) =>
			ok({ name, status: 'WORKING', me: { id: '15550001111@c.us', pushName: 'Test' }, config: state.sessionConfigs.get(name) ?? {} }),
		),
	},
	{
		method: 'PUT',
		pattern: new RegExp(`^/api/sessions/${S}$`),
		answer: guarded((req, [name], state) => {
			const config = (req.body as { config?: Record<string, unknown> })?.config ?? {};
			state.sessionConfigs.set(name, config);
			return ok({ name, status: 'WORKING', config });
		}),
	},
];
