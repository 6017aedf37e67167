/**
 * WhatsApp Business labels on the fake server: the phone making, changing or deleting a label
 * (`label_edit`) and putting one on or off a chat (`label_jid`), sent to the client as app state;
 * and the label mutations the client pushed, decoded and checked for the tests to assert on.
 */
import type { AppStateMutation } from './app-state';
import type { FakeWhatsApp } from './server';

/** WhatsApp's platform names of the WhatsApp Business apps; pass as `startFakeWhatsApp({ platform })`. */
export const BUSINESS_PLATFORM = 'smba';

export interface PhoneLabel {
	id: string;
	name: string;
	/** WhatsApp's colour index, 0–19. */
	color: number;
	deleted?: boolean;
	predefinedId?: number;
}

/** A label mutation the client pushed, decoded. */
export type LabelMutation =
	| { kind: 'association'; labelId: string; chatJid: string; labeled: boolean; collection: string; version: number }
	| { kind: 'edit'; labelId: string; name: string | null; color: number | null; deleted: boolean; collection: string; version: number };

/** The phone makes or changes a label: Baileys emits `labels.edit` once the client has fetched the patch. */
export async function phoneEditsLabel(wa: FakeWhatsApp, label: PhoneLabel): Promise<void> {
	await wa.injectAppStateChange({ addLabel: { id: label.id, name: label.name, color: label.color, deleted: label.deleted ?? false, predefinedId: label.predefinedId } });
}

/** The phone puts a label on a chat (or takes it off): Baileys emits `labels.association`. */
export async function phoneLabelsChat(wa: FakeWhatsApp, labelId: string, chatJid: string, labeled = true): Promise<void> {
	await wa.injectAppStateChange(labeled ? { addChatLabel: { labelId } } : { removeChatLabel: { labelId } }, chatJid);
}

/**
 * A client mutation read as a label change, or undefined for other mutations. A label mutation
 * that does not have WhatsApp's shape (index parts, the action its index names) throws, so a test
 * never passes on a malformed one.
 */
export function labelMutationOf(mutation: AppStateMutation): LabelMutation | undefined {
	const [type, labelId, chatJid] = mutation.index;
	const base = { collection: mutation.collection, version: mutation.version };
	if (type === 'label_jid') {
		const action = mutation.value.labelAssociationAction;
		if (!labelId || !chatJid || mutation.index.length !== 3 || typeof action?.labeled !== 'boolean') {
			throw new Error(`malformed label_jid mutation: index ${JSON.stringify(mutation.index)}, value ${JSON.stringify(mutation.value)}`);
		}
		return { kind: 'association', labelId, chatJid, labeled: action.labeled, ...base };
	}
	if (type === 'label_edit') {
		const action = mutation.value.labelEditAction;
		if (!labelId || mutation.index.length !== 2 || !action) {
			throw new Error(`malformed label_edit mutation: index ${JSON.stringify(mutation.index)}, value ${JSON.stringify(mutation.value)}`);
		}
		return {
			kind: 'edit',
			labelId,
			name: action.name ?? null,
			color: typeof action.color === 'number' ? action.color : null,
			deleted: !!action.deleted,
			...base,
		};
	}
	return undefined;
}

/** Every label mutation the client pushed so far, decoded, oldest first. */
export function labelMutations(wa: FakeWhatsApp): LabelMutation[] {
	return wa.mutations.flatMap((mutation) => labelMutationOf(mutation) ?? []);
}

/** Waits for the client to push a chat-label association matching `match` (already pushed or future). */
export async function waitForChatLabelMutation(
	wa: FakeWhatsApp,
	match: { labelId: string; chatJid: string; labeled: boolean },
	timeoutMs = 5000,
): Promise<Extract<LabelMutation, { kind: 'association' }>> {
	const mutation = await wa.waitFor(
		'mutation',
		(m) => {
			const decoded = labelMutationOf(m);
			return decoded?.kind === 'association' && decoded.labelId === match.labelId && decoded.chatJid === match.chatJid && decoded.labeled === match.labeled;
		},
		timeoutMs,
	);
	return labelMutationOf(mutation) as Extract<LabelMutation, { kind: 'association' }>;
}
