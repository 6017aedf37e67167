/** The Session resource: its operation table and its Operation field. */
import type { INodeProperties } from 'n8n-workflow';
import type { OperationModule } from '../OperationModule';
import * as getQr from './getQr.operation';
import * as logout from './logout.operation';
import * as requestPairingCode from './requestPairingCode.operation';
import * as status from './status.operation';

export const operations: Record<string, OperationModule<any>> = { getQr, requestPairingCode, status, logout };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['session'] } },
		options: [
			{ name: 'Get QR', value: 'getQr', description: 'Get the QR code to link a phone', action: 'Get the pairing QR code' },
			{ name: 'Logout', value: 'logout', description: 'Unlink the WhatsApp account', action: 'Log out the session' },
			{
				name: 'Request Pairing Code',
				value: 'requestPairingCode',
				description: 'Get a code to type on the phone instead of scanning a QR',
				action: 'Request a pairing code',
			},
			{ name: 'Status', value: 'status', description: 'Show the connection state', action: 'Get the session status' },
		],
		default: 'status',
	},
	...requestPairingCode.description,
];
