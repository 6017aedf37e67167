/**
 * How Evolution API v2 speaks, for its backend and its webhooks alike: its name, its API key
 * header (instance names: ./instanceName), how it says it does not know an instance, what a failed 200 looks like (`error: true`, from `connect`), its
 * own verdict on archiveChat, and what a list answer is. Its error bodies
 * `{ status, error: "Not Found", response: { message: [...] } }` are read by the transport's
 * `extractGatewayMessage`, so its own words are in every error.
 */
import { GatewayError } from '../errors';

export const EVOLUTION_LABEL = 'Evolution API';
export const EVOLUTION_API_KEY_HEADER = 'apikey';

/** Evolution checks the instance before the key: a 404 naming the instance means it does not exist. */
export function explainEvolutionError(error: unknown, instance: string): unknown {
	if (!(error instanceof GatewayError) || error.kind !== 'notFound') return error;
	const words = error.details.gatewayMessage ?? '';
	if (!/instance/i.test(words)) return error;
	return new GatewayError(error.backend, 'unknownSession', `Evolution API does not know the instance "${instance}": ${words}`, error.details);
}

/**
 * Evolution reports some failures inside a 200 answer, as `{ error: true, message }` (`connect`):
 * the failure with Evolution's words, or undefined for any other body.
 */
export function evolutionFailureIn(data: unknown, what: string): GatewayError | undefined {
	if (!data || typeof data !== 'object' || (data as { error?: unknown }).error !== true) return undefined;
	const message = (data as { message?: unknown }).message;
	const said = typeof message === 'string' ? message : 'no reason given';
	return new GatewayError(EVOLUTION_LABEL, 'rejected', `${what}: ${said}`, { gatewayMessage: said, raw: data });
}

/** Evolution's own verdict on archiveChat: a 500 whose nested message says `archived: false`. */
export function isEvolutionArchiveFailure(answer: { status: number; data: unknown }): boolean {
	if (answer.status !== 500 || !answer.data || typeof answer.data !== 'object') return false;
	const message = ((answer.data as { response?: { message?: unknown } }).response ?? {}).message;
	return Array.isArray(message) && message.some((entry) => entry && typeof entry === 'object' && (entry as { archived?: unknown }).archived === false);
}

/** Evolution's list answers are JSON arrays; anything else is not what was asked for. */
export function evolutionList(data: unknown, what: string): Record<string, unknown>[] {
	if (Array.isArray(data)) return data as Record<string, unknown>[];
	throw new GatewayError(EVOLUTION_LABEL, 'rejected', `Evolution API answered the ${what} list with something that is not a list`, { raw: data });
}
