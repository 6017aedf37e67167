/** The fake server's answers to the IQs Baileys sends. */
import type { ContactDirectory, PhoneAccount } from './account';
import type { AppStateServer } from './app-state';
import type { Baileys } from './baileys';
import { bytes, child, children, node, unixSeconds, type WANode } from './nodes';
import type { ProfilePictures } from './profilePicture';
import type { SignalPeer } from './signal-peer';

/**
 * Answers the IQs (request/response stanzas) Baileys sends. Anything not listed gets an empty
 * `result`, so an unknown query never hangs the client; `setSilent(true)` on the server is the
 * way to simulate a server that does not answer.
 */
export interface FakeGroup {
	/** '123456789-987654321@g.us' */
	id: string;
	subject: string;
	/** Participant phone-number JIDs (without device). Our own account is added automatically. */
	participants: string[];
	creation?: number;
}

export interface IqContext {
	B: Baileys;
	phone: PhoneAccount;
	contacts: ContactDirectory;
	appState: AppStateServer;
	groups: Map<string, FakeGroup>;
	peerFor(jid: string): SignalPeer;
	/** Device ids of our account: 0 (phone) plus linked devices. */
	ownDevices(): { id: number; keyIndex?: number }[];
	/** Pre-keys the client has on the server (what `encrypt`/`count` reports). */
	preKeyCount: { value: number };
	profilePictures: ProfilePictures;
}

const S_WHATSAPP_NET = 's.whatsapp.net';

/** Replies come from the entity the IQ was addressed to ('@s.whatsapp.net' is the server itself). */
function replyFrom(iq: WANode): string {
	const to = iq.attrs.to;
	return !to || to === `@${S_WHATSAPP_NET}` ? S_WHATSAPP_NET : to;
}

export function iqResult(iq: WANode, content?: WANode[]): WANode {
	return node('iq', { id: iq.attrs.id, type: 'result', from: replyFrom(iq) }, content);
}

export function iqError(iq: WANode, code: number, text: string): WANode {
	return node('iq', { id: iq.attrs.id, type: 'error', from: replyFrom(iq) }, [
		node('error', { code: String(code), text }),
	]);
}

export async function answerIq(ctx: IqContext, iq: WANode): Promise<WANode> {
	const xmlns = iq.attrs.xmlns;
	const first = Array.isArray(iq.content) ? iq.content[0] : undefined;
	switch (xmlns) {
		case 'encrypt':
			return answerEncrypt(ctx, iq, first);
		case 'usync':
			return answerUsync(ctx, iq);
		case 'w:sync:app:state':
			return iqResult(iq, await ctx.appState.handleSyncIq(iq));
		case 'abt':
			return iqResult(iq, [node('props', { protocol: '1' })]);
		case 'privacy':
			if (iq.attrs.type === 'get' && first?.tag === 'privacy') {
				const categories = ['last', 'online', 'profile', 'status', 'groupadd', 'readreceipts', 'calladd', 'messages'];
				return iqResult(iq, [node('privacy', {}, categories.map((name) => node('category', { name, value: 'all' })))]);
			}
			return iqResult(iq);
		case 'blocklist':
			return iqResult(iq, iq.attrs.type === 'get' ? [node('list', {})] : undefined);
		case 'w:m':
			return iqResult(iq, [
				node('media_conn', { auth: 'fake-media-auth', ttl: '3600' }, [node('host', { hostname: '127.0.0.1' })]),
			]);
		case 'w:profile:picture':
			return ctx.profilePictures.answer(iq);
		case 'w:g2':
			return answerGroup(ctx, iq, first);
		default:
			// passive, w:p (ping), md, w:stats, dirty bits, status, presence-ish settings, ...
			return iqResult(iq);
	}
}

function answerEncrypt(ctx: IqContext, iq: WANode, first: WANode | undefined): WANode {
	switch (first?.tag) {
		case 'count':
			return iqResult(iq, [node('count', { value: String(ctx.preKeyCount.value) })]);
		case 'digest':
			// Baileys only checks that a digest node exists; otherwise it re-uploads pre-keys.
			return iqResult(iq, [node('digest', {}, [node('type', {}, Buffer.from([5]))])]);
		case 'key': {
			// Pre-key bundle fetch: one bundle per requested device, from the fake device's identity.
			const users = children(first, 'user').map((u) => ctx.peerFor(u.attrs.jid).bundleNode(u.attrs.jid));
			return iqResult(iq, [node('list', {}, users)]);
		}
		default:
			if (iq.attrs.type === 'set' && child(iq, 'list')) {
				// Pre-key upload.
				ctx.preKeyCount.value += children(child(iq, 'list'), 'key').length;
			}
			return iqResult(iq);
	}
}

/**
 * USync: the client's directory lookup (devices, LID, "is on WhatsApp", status, ...). Every user
 * gets a `<lid val=..>` when asked, otherwise Baileys cannot address its Signal sessions.
 */
function answerUsync(ctx: IqContext, iq: WANode): WANode {
	const usync = child(iq, 'usync');
	const protocols = children(child(usync, 'query')).map((p) => p.tag);
	const users = children(child(usync, 'list'), 'user').map((user) => {
		let jid = user.attrs.jid;
		if (!jid) {
			const phone = bytes(child(user, 'contact'))?.toString('utf-8') ?? '';
			jid = `${phone.replace(/\D/g, '')}@${S_WHATSAPP_NET}`;
		}
		const decoded = ctx.B.jidDecode(jid);
		const isLid = decoded?.server === 'lid';
		const userPart = decoded?.user ?? '';
		const isMe = isLid ? userPart === ctx.phone.lidUser : userPart === ctx.phone.pnUser;
		const content: WANode[] = [];
		for (const protocol of protocols) {
			switch (protocol) {
				case 'devices': {
					const devices = isMe ? ctx.ownDevices() : [{ id: 0 }];
					content.push(
						node('devices', {}, [
							node(
								'device-list',
								{},
								devices.map((d) =>
									node('device', { id: String(d.id), 'key-index': d.keyIndex !== undefined ? String(d.keyIndex) : undefined }),
								),
							),
						]),
					);
					break;
				}
				case 'lid':
					if (!isLid) content.push(node('lid', { val: `${isMe ? ctx.phone.lidUser : ctx.contacts.lidForPn(userPart)}@lid` }));
					break;
				case 'contact':
					content.push(node('contact', { type: 'in' }));
					break;
				case 'status':
					content.push(node('status', { t: unixSeconds() }, Buffer.from('Hey there! I am using WhatsApp.')));
					break;
				case 'disappearing_mode':
					content.push(node('disappearing_mode', { duration: '0', t: '0' }));
					break;
				default:
					break;
			}
		}
		return node('user', { jid }, content);
	});
	return iqResult(iq, [
		node('usync', { sid: usync?.attrs.sid, index: '0', last: 'true', mode: usync?.attrs.mode, context: usync?.attrs.context }, [
			node('result', {}, protocols.map((p) => node(p, {}))),
			node('list', {}, users),
		]),
	]);
}

function answerGroup(ctx: IqContext, iq: WANode, first: WANode | undefined): WANode {
	if (first?.tag === 'query') {
		const group = ctx.groups.get(iq.attrs.to);
		if (!group) return iqError(iq, 404, 'item-not-found');
		return iqResult(iq, [groupNode(ctx, group)]);
	}
	if (first?.tag === 'participating') {
		return iqResult(iq, [node('groups', {}, [...ctx.groups.values()].map((g) => groupNode(ctx, g)))]);
	}
	return iqResult(iq);
}

function groupNode(ctx: IqContext, group: FakeGroup): WANode {
	const me = `${ctx.phone.pnUser}@${S_WHATSAPP_NET}`;
	const participants = [...new Set([me, ...group.participants])];
	return node(
		'group',
		{
			id: group.id.split('@')[0],
			subject: group.subject,
			s_t: String(group.creation ?? 1700000000),
			creation: String(group.creation ?? 1700000000),
			creator: me,
			addressing_mode: 'pn',
			size: String(participants.length),
		},
		participants.map((jid) => node('participant', { jid, type: jid === me ? 'superadmin' : undefined })),
	);
}
