/** Session → Status: connection state, own id and (embedded) storage health. */
import type { IDataObject } from 'n8n-workflow';
import type { OperationModule } from '../OperationModule';

export const capability = 'getSessionStatus';

export const description = [];

export const readInput: OperationModule<void>['readInput'] = () => undefined;

export const execute: OperationModule<void>['execute'] = async (backend) => {
	const { raw, ...status } = await backend.getSessionStatus();
	return [{ json: { success: true, backend: backend.label, ...status, raw: raw as IDataObject } }];
};
