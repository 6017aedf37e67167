/**
 * The fake WhatsApp server's abilities that the issue-13/14 branches add (labels.ts, media.ts,
 * profilePicture.ts, lidAddressing.ts), loaded when a test asks for them: the e2e branch builds on
 * its own, and its embedded stages use them once the branches are merged. Typed here as the e2e
 * stages use them; a missing ability fails the stage with the branch it comes from.
 */
import type { proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { FakeWhatsApp, InjectedMessage } from '../../fake-whatsapp';

export interface LidContact {
	phone: string;
	lid: string;
	jid: string;
}

export interface FakeMediaServer {
	readonly url: string;
	readonly requests: Array<{ path: string; headers: Record<string, unknown> }>;
	upload(plain: Buffer, type: 'image' | 'document'): Promise<{ directPath: string; url: string }>;
	close(): Promise<void>;
}

export interface LabelMutation {
	kind: 'association' | 'edit';
	labelId: string;
	chatJid?: string;
	labeled?: boolean;
}

export interface FakeServerAbilities {
	/** labels.ts (branch `labels`) */
	BUSINESS_PLATFORM: string;
	phoneEditsLabel(wa: FakeWhatsApp, label: { id: string; name: string; color: number }): Promise<void>;
	phoneLabelsChat(wa: FakeWhatsApp, labelId: string, chatJid: string, labeled?: boolean): Promise<void>;
	labelMutations(wa: FakeWhatsApp): LabelMutation[];
	/** media.ts (branch `media`) */
	startFakeMediaServer(): Promise<FakeMediaServer>;
	mediaMessage(uploaded: { directPath: string; url: string }, details: { mimetype: string; caption?: string; fileName?: string }): proto.IMessage;
	/** profilePicture.ts (branch `chatget`): `wa.profilePictures` */
	setProfilePicture(wa: FakeWhatsApp, jid: string, url: string): void;
	/** lidAddressing.ts (branch `identities`) */
	addLidContact(wa: FakeWhatsApp, phone: string, lidUser?: string): LidContact;
	injectLidMessage(wa: FakeWhatsApp, spec: { from: LidContact; text: string; pushName?: string }): Promise<InjectedMessage>;
}

function load(file: string, branch: string): Record<string, any> {
	try {
		return require(`../../fake-whatsapp/${file}`) as Record<string, any>;
	} catch (error) {
		throw new Error(`test/fake-whatsapp/${file}.ts (branch \`${branch}\`) is not there: merge that branch first (${String(error)})`);
	}
}

export function fakeServerAbilities(): FakeServerAbilities {
	const labels = load('labels', 'labels');
	const media = load('media', 'media');
	const lids = load('lidAddressing', 'identities');
	return {
		BUSINESS_PLATFORM: labels.BUSINESS_PLATFORM,
		phoneEditsLabel: labels.phoneEditsLabel,
		phoneLabelsChat: labels.phoneLabelsChat,
		labelMutations: labels.labelMutations,
		startFakeMediaServer: media.startFakeMediaServer,
		mediaMessage: media.mediaMessage,
		setProfilePicture: (wa, jid, url) => {
			const pictures = (wa as unknown as { profilePictures?: { set(jid: string, setting: { url: string }): void } }).profilePictures;
			if (!pictures) throw new Error('the fake WhatsApp server has no profilePictures (test/fake-whatsapp/profilePicture.ts, branch `chatget`): merge that branch first');
			pictures.set(jid, { url });
		},
		addLidContact: lids.addLidContact,
		injectLidMessage: lids.injectLidMessage,
	};
}
