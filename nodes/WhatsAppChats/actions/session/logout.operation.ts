/** Session → Logout: unlinks the session's device from the WhatsApp account. */
import type { IDataObject } from 'n8n-workflow';
import type { OperationModule } from '../OperationModule';

export const capability = 'logout';

export const description = [];

export const readInput: OperationModule<void>['readInput'] = () => undefined;

export const execute: OperationModule<void>['execute'] = async (backend) => {
	const { raw } = await backend.logout();
	return [{ json: { success: true, loggedOut: true, raw: raw as IDataObject } }];
};
