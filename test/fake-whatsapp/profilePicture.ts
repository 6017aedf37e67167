/**
 * The profile-picture IQ (`<iq xmlns="w:profile:picture" type="get" target=jid><picture type query="url"/></iq>`,
 * what Baileys' `profilePictureUrl` sends): a contact given a picture gets `<picture url id type/>`,
 * one hiding it 401 not-authorized, any other 404 item-not-found, as WhatsApp answers.
 */
import { iqError, iqResult } from './iq-handlers';
import { child, node, type WANode } from './nodes';

export type ProfilePictureSetting = { url: string; id?: string } | 'hidden';

export class ProfilePictures {
	private readonly byJid = new Map<string, ProfilePictureSetting>();

	/** `null` removes the picture (the contact then has none). */
	set(jid: string, setting: ProfilePictureSetting | null): void {
		if (setting === null) this.byJid.delete(jid);
		else this.byJid.set(jid, setting);
	}

	answer(iq: WANode): WANode {
		if (iq.attrs.type !== 'get') return iqResult(iq);
		const setting = this.byJid.get(iq.attrs.target ?? '');
		if (setting === 'hidden') return iqError(iq, 401, 'not-authorized');
		if (!setting) return iqError(iq, 404, 'item-not-found');
		const type = child(iq, 'picture')?.attrs.type ?? 'preview';
		return iqResult(iq, [node('picture', { id: setting.id ?? '1700000000', type, url: setting.url, direct_path: new URL(setting.url).pathname })]);
	}
}
