/** The Sessions API dialect, exactly as its seed document describes requests and answers. */
import type { GatewayState, RecordedRequest, Route, ScriptedAnswer } from './GatewayTestServer';

const S = '([^/]+)';

function guarded(answer: (request: RecordedRequest, params: string[], state: GatewayState) => ScriptedAnswer): Route['answer'] {
	return (request, params, state) => {
		if (request.headers['x-api-key'] !== state.apiKey) return { status: 401, body: { success: false, error: 'Invalid API key' } };
		if (!state.sessions.has(params[0])) return { status: 404, body: { success: false, error: 'Session not found' } };
		return answer(request, params, state);
	};
}

const done = (message: string, jid?: string): ScriptedAnswer => ({ status: 200, body: { success: true, ...(jid ? { jid } : {}), message } });
const invalid = (error: string): ScriptedAnswer => ({ status: 400, body: { success: false, error } });

export const sessionsApiRoutes: Route[] = [
	{ method: 'GET', pattern: new RegExp(`^/sessions/${S}$`), answer: guarded((_r, [id]) => ({ status: 200, body: { success: true, id } })) },
	{ method: 'DELETE', pattern: new RegExp(`^/sessions/${S}/chats/${S}$`), answer: guarded((_r, [, jid]) => done('Chat deleted successfully', jid)) },
	{ method: 'POST', pattern: new RegExp(`^/sessions/${S}/chats/${S}/archive$`), answer: guarded((_r, [, jid]) => done('Chat archived successfully', jid)) },
	{ method: 'POST', pattern: new RegExp(`^/sessions/${S}/chats/${S}/unarchive$`), answer: guarded((_r, [, jid]) => done('Chat unarchived successfully', jid)) },
	{ method: 'POST', pattern: new RegExp(`^/sessions/${S}/chats/${S}/unread$`), answer: guarded((_r, [, jid]) => done('Chat marked as unread', jid)) },
	{ method: 'DELETE', pattern: new RegExp(`^/sessions/${S}/chats/${S}/messages/${S}$`), answer: guarded(() => done('Message deleted successfully')) },
	{
		method: 'PUT',
		pattern: new RegExp(`^/sessions/${S}/chats/${S}/messages/${S}$`),
		answer: guarded((req) => (typeof (req.body as { text?: unknown })?.text === 'string' ? done('Message edited successfully') : invalid('text is required'))),
	},
	{ method: 'POST', pattern: new RegExp(`^/sessions/${S}/chats/${S}/messages/${S}/pin$`), answer: guarded(() => done('Message pinned successfully')) },
	{ method: 'POST', pattern: new RegExp(`^/sessions/${S}/chats/${S}/messages/${S}/unpin$`), answer: guarded(() => done('Message unpinned successfully')) },
	{
		method: 'POST',
		pattern: new RegExp(`^/sessions/${S}/chats/${S}/messages/${S}/star$`),
		answer: guarded((req) => done((req.body as { star?: boolean })?.star === false ? 'Message unstarred successfully' : 'Message starred successfully')),
	},
	{
		method: 'PUT',
		pattern: new RegExp(`^/sessions/${S}/messages/${S}/reaction$`),
		answer: guarded((req) => (typeof (req.body as { chatId?: unknown })?.chatId === 'string' ? done('Reaction sent successfully') : invalid('chatId is required'))),
	},
];
