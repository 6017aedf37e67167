/** The Label field (a resource locator: from the list, by ID or by name) and the shape of the label operations. */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { InvalidInputError } from '../../../backends/errors';
import type { ChatRef } from '../../../backends/ids';
import { resolveLabel, type LabelRef } from '../../../backends/labels';
import type { BackendAnswer, LabelSummary, Operation, WhatsAppBackend } from '../../../backends/WhatsAppBackend';
import { chatLocator, chatResult, readChat } from '../common';
import type { OperationModule } from '../OperationModule';

export const labelLocator: INodeProperties = {
	displayName: 'Label',
	name: 'label',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The WhatsApp Business label: pick one from the list, or give its ID or its name',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchLabels', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 3',
		},
		{
			displayName: 'By Name',
			name: 'name',
			type: 'string',
			placeholder: 'e.g. New customer',
		},
	],
};

/** The Label field of one item: a label id (list or By ID) or a name; never empty. */
export function readLabel(ctx: IExecuteFunctions, itemIndex: number): LabelRef {
	const locator = ctx.getNodeParameter('label', itemIndex, {}, { extractValue: false }) as { mode?: unknown; value?: unknown } | string;
	const mode = typeof locator === 'object' && locator !== null ? locator.mode : 'id';
	const raw = typeof locator === 'object' && locator !== null ? locator.value : locator;
	const value = typeof raw === 'number' ? String(raw) : raw;
	if (typeof value !== 'string' || value.trim() === '') {
		throw new InvalidInputError('Label', raw ?? '', 'a label picked from the list, its ID (e.g. 3) or its name (e.g. New customer)');
	}
	if (mode !== 'list' && mode !== 'id' && mode !== 'name') {
		throw new InvalidInputError('Label', value, 'a label picked From List, By ID or By Name');
	}
	return { by: mode === 'name' ? 'name' : 'id', value: value.trim() };
}

export interface ChatAndLabel {
	chat: ChatRef;
	label: LabelRef;
}

/** Add to Chat and Remove from Chat: a chat and a label in; the label found (before any change), then the change. */
export function chatLabelAction(spec: {
	operation: string;
	capability: Operation;
	added: boolean;
	run: (backend: WhatsAppBackend, chat: ChatRef, label: LabelSummary) => Promise<BackendAnswer>;
}): OperationModule<ChatAndLabel> {
	return {
		capability: spec.capability,
		description: updateDisplayOptions({ show: { resource: ['label'], operation: [spec.operation] } }, [chatLocator, labelLocator]),
		readInput: (ctx, itemIndex) => ({ chat: readChat(ctx, itemIndex), label: readLabel(ctx, itemIndex) }),
		execute: async (backend, { chat, label }) => {
			const found = await resolveLabel(backend, label);
			const answer = await spec.run(backend, chat, found);
			const fields: IDataObject = {
				labelId: found.id,
				labelName: found.name,
				added: spec.added,
				changed: !answer.note,
				...(answer.note ? { note: answer.note } : {}),
			};
			return chatResult(backend, chat, fields, answer);
		},
	};
}
