/** Turns backend errors into the n8n errors the editor shows, tied to the item that failed. */
import { NodeApiError, NodeError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';
import { backendHints, GatewayError, InvalidInputError, UnsupportedOperationError } from '../../backends/errors';

const HINTS: Partial<Record<GatewayError['kind'], string>> = {
	unauthorized: 'Check the API key in the WhatsApp Chats credentials.',
	unknownSession: 'Check the session name in the WhatsApp Chats credentials and that the session is started.',
	unreachable: 'Check the Base URL in the credentials and that the gateway is running.',
	timeout: 'The gateway may be overloaded; raise "Timeout" in the node options or retry later.',
	rateLimited: 'Lower "Concurrency" in the node options or retry later.',
	unsupported: 'Use another operation or another backend for this one.',
	badAnswer: 'Check the Base URL in the credentials: it must point at the gateway itself, not at a login page, proxy or dashboard.',
	tooLarge: 'Ask for less (Limit), or raise "Max Response Size (MiB)" (gateway answers) or "Max Media Size (MiB)" (media files) in the node options if such answers are expected.',
};

/** Hints match the backend: the embedded connection has no gateway, Base URL or API key. */
function hintFor(error: GatewayError): string | undefined {
	const own = backendHints(error.backend);
	return own ? own[error.kind] : HINTS[error.kind];
}

export function toNodeError(node: INode, error: unknown, itemIndex: number): NodeError {
	if (error instanceof NodeError) return error;
	if (error instanceof GatewayError && error.details.httpStatus === undefined) {
		// No HTTP answer at all: NodeApiError would swap our message for a generic one.
		return new NodeOperationError(node, error.message, { itemIndex, description: hintFor(error) });
	}
	if (error instanceof GatewayError) {
		const httpCode = error.details.httpStatus !== undefined ? String(error.details.httpStatus) : undefined;
		return new NodeApiError(node, { message: error.message, ...(httpCode ? { httpCode } : {}) } as JsonObject, {
			message: error.message,
			description: [error.details.gatewayMessage && `${error.backend} said: ${error.details.gatewayMessage}`, hintFor(error)]
				.filter(Boolean)
				.join(' '),
			httpCode,
			itemIndex,
		});
	}
	if (error instanceof InvalidInputError || error instanceof UnsupportedOperationError) {
		return new NodeOperationError(node, error.message, { itemIndex });
	}
	return new NodeOperationError(node, error instanceof Error ? error : String(error), { itemIndex });
}
