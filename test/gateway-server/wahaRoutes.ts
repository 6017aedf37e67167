/** WAHA's dialect, as in the seed's "Chats" page and WAHA's OpenAPI slice (2024.9) plus newer routes. */
import type { GatewayState, RecordedRequest, Route, ScriptedAnswer } from './GatewayTestServer';
import { pictureOf } from './profilePictures';
import { labelStateOf } from './labelState';

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

/** `chats/overview`: `{ id, name, picture, lastMessage, _chat }` rows, newest first, filtered by `ids` when given. */
function overview(request: RecordedRequest, state: GatewayState): ScriptedAnswer {
	const ids = request.query.ids;
	const rows = state.chats
		.filter((chat) => !ids || chat.id === ids)
		.map((chat) => {
			const id = String(chat.id);
			const messages = wahaMessagesOf(state, id);
			const lastMessage = [...messages].sort((a, b) => Number(b.timestamp) - Number(a.timestamp))[0] ?? null;
			return { id, name: chat.name ?? null, picture: pictureOf(state, id), lastMessage, _chat: { ...chat } };
		});
	return ok(page(rows, request.query));
}

/** WAHA's file server (`/api/files/{session}/{name}`, behind the API key): name → bytes and type. */
const wahaFiles = new WeakMap<GatewayState, Map<string, { data: Buffer; mimetype: string }>>();

export function wahaFilesOf(state: GatewayState): Map<string, { data: Buffer; mimetype: string }> {
	let files = wahaFiles.get(state);
	if (!files) wahaFiles.set(state, (files = new Map()));
	return files;
}

/** One message by its serialized id; its `media` (url, mimetype, filename) only with downloadMedia=true, as WAHA does. */
function messageInChat(request: RecordedRequest, chatId: string, id: string, state: GatewayState): ScriptedAnswer {
	const found = wahaMessagesOf(state, chatId).find((message) => message.id === id);
	if (!found) return { status: 404, body: { statusCode: 404, message: `Message "${id}" not found`, error: 'Not Found' } };
	return ok(request.query.downloadMedia === 'true' ? found : { ...found, media: null });
}

/** WAHA's `PUT /api/{session}/labels/chats/{chatId}/`: the body's list replaces the chat's labels. */
function putChatLabels(request: RecordedRequest, chatId: string, state: GatewayState): ScriptedAnswer {
	const labels = labelStateOf(state);
	const wanted = (request.body as { labels?: unknown })?.labels;
	if (!Array.isArray(wanted) || !wanted.every((label) => typeof label?.id === 'string')) {
		return { status: 400, body: { statusCode: 400, message: ['labels must be an array of { id }'], error: 'Bad Request' } };
	}
	const unknown = wanted.find((label) => !labels.labels.some((known) => known.id === label.id));
	if (unknown) return { status: 404, body: { statusCode: 404, message: `Label "${unknown.id}" not found`, error: 'Not Found' } };
	labels.chatLabels.set(chatId, wanted.map((label) => label.id as string));
	return ok({});
}

/** `GET /api/{session}/lids/{lid}` and `/lids/pn/{phone}`: `{ lid, pn }` (pn as `@c.us`), nulls for an unknown id. */
function lidLookup(request: RecordedRequest, id: string, byPhone: boolean, state: GatewayState): ScriptedAnswer {
	if (!state.wahaLids) return { status: 404, body: { statusCode: 404, message: `Cannot GET ${request.path}`, error: 'Not Found' } };
	if (byPhone) {
		const digits = id.split('@')[0];
		const lid = [...state.wahaLids].find(([, phone]) => phone === digits)?.[0] ?? null;
		return ok({ lid, pn: `${digits}@c.us` });
	}
	const phone = state.wahaLids.get(id);
	return ok({ lid: id, pn: phone ? `${phone}@c.us` : null });
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
	{ method: 'GET', pattern: new RegExp(`^/api/${S}/lids/pn/${S}$`), answer: guarded((req, [, id], state) => lidLookup(req, id, true, state)) },
	{ method: 'GET', pattern: new RegExp(`^/api/${S}/lids/${S}$`), answer: guarded((req, [, id], state) => lidLookup(req, id, false, state)) },
	{ method: 'GET', pattern: new RegExp(`^/api/${S}/chats/overview$`), answer: guarded((req, _p, state) => overview(req, state)) },
	{ method: 'GET', pattern: new RegExp(`^/api/${S}/chats/${S}/picture$`), answer: guarded((_r, [, chatId], state) => ok({ url: pictureOf(state, chatId) })) },
	{
		method: 'GET',
		pattern: new RegExp(`^/api/files/${S}/${S}$`),
		answer: guarded((_req, [, name], state) => {
			const file = wahaFilesOf(state).get(name);
			return file ? { status: 200, body: file.data, headers: { 'Content-Type': file.mimetype } } : { status: 404, body: { statusCode: 404, message: 'File not found' } };
		}),
	},
	{
		method: 'GET',
		pattern: new RegExp(`^/api/${S}/chats/(?!all/)${S}/messages/${S}$`),
		answer: guarded((req, [, chatId, id], state) => messageInChat(req, chatId, id, state)),
	},
	{ method: 'GET', pattern: new RegExp(`^/api/${S}/labels$`), answer: guarded((_r, _p, state) => ok(labelStateOf(state).labels)) },
	{
		method: 'GET',
		pattern: new RegExp(`^/api/${S}/labels/chats/${S}/$`),
		answer: guarded((_r, [, chatId], state) => {
			const labels = labelStateOf(state);
			return ok((labels.chatLabels.get(chatId) ?? []).map((id) => labels.labels.find((label) => label.id === id)).filter(Boolean));
		}),
	},
	{ method: 'PUT', pattern: new RegExp(`^/api/${S}/labels/chats/${S}/$`), answer: guarded((req, [, chatId], state) => putChatLabels(req, chatId, state)) },
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
	{
		method: 'POST',
		pattern: new RegExp(`^/api/${S}/chats/${S}/messages/read$`),
		// WAHA answers the ids of the received messages it read (the newest `messages` of the last `days`).
		answer: guarded((req, [, chatId], state) => {
			const { messages = 30 } = (req.body ?? {}) as { messages?: number; days?: number };
			const read = wahaMessagesOf(state, chatId).filter((message) => message.fromMe === false).slice(-messages);
			return ok({ ids: read.map((message) => message.id) }, 201);
		}),
	},
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
