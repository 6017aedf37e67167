/** Label → Get Many: the account's WhatsApp Business labels, one item each (id, name, colour). */
import type { IDataObject } from 'n8n-workflow';
import { labelsOf } from '../../../backends/labels';
import type { OperationModule } from '../OperationModule';

export const capability = 'listLabels';

export const description: OperationModule['description'] = [];

export const readInput: OperationModule<null>['readInput'] = () => null;

export const execute: OperationModule<null>['execute'] = async (backend) => {
	// Read once per execution, whatever the number of input items.
	const labels = await labelsOf(backend);
	return labels.map((label) => ({ json: { ...label, raw: label.raw as IDataObject } }));
};
