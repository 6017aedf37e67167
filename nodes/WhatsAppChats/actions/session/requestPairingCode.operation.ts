/** Session → Request Pairing Code: pairing by phone number instead of a QR code. */
import { updateDisplayOptions, type IDataObject } from 'n8n-workflow';
import { parsePhoneDigits } from '../../../backends/ids';
import type { OperationModule } from '../OperationModule';

export const capability = 'requestPairingCode';

export const description = updateDisplayOptions({ show: { resource: ['session'], operation: ['requestPairingCode'] } }, [
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		default: '',
		required: true,
		placeholder: '+91 99880-66776',
		description: 'The phone number of the WhatsApp account to link, with country code',
	},
]);

export const readInput: OperationModule<string>['readInput'] = (ctx, itemIndex) =>
	parsePhoneDigits(String(ctx.getNodeParameter('phoneNumber', itemIndex, '')), 'Phone Number');

export const execute: OperationModule<string>['execute'] = async (backend, phoneNumber) => {
	const { code, raw } = await backend.requestPairingCode(phoneNumber);
	return [{ json: { success: true, phoneNumber, code, raw: raw as IDataObject } }];
};
