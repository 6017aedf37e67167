/** Session → Get QR: the pairing QR code as text and as a PNG. */
import type { IDataObject } from 'n8n-workflow';
import type { OperationModule } from '../OperationModule';

export const capability = 'getQr';

export const description = [];

export const readInput: OperationModule<void>['readInput'] = () => undefined;

/** The QR text plus a PNG of it as binary data, so n8n shows a scannable image. */
export const execute: OperationModule<void>['execute'] = async (backend, _input, ctx) => {
	const { qr, raw } = await backend.getQr();
	// qrcode is loaded here, on first use, not when n8n loads the package.
	const { toBuffer } = require('qrcode') as typeof import('qrcode');
	const png = await toBuffer(qr, { type: 'png', margin: 2, width: 320 });
	return [
		{
			json: { success: true, qr, raw: raw as IDataObject },
			binary: { qr: await ctx.helpers.prepareBinaryData(png, 'whatsapp-qr.png', 'image/png') },
		},
	];
};
