/**
 * Evolution API instance names are free text chosen when the instance is created. They go into
 * every path (percent-encoded by the transport), so only names that cannot mean anything else pass.
 */
import { InvalidInputError } from '../errors';

const INSTANCE_NAME = /^[\p{L}\p{N}][\p{L}\p{N} _.@-]{0,99}$/u;

export function parseInstanceName(input: unknown): string {
	const value = typeof input === 'string' ? input.trim() : '';
	if (!INSTANCE_NAME.test(value)) {
		throw new InvalidInputError(
			'Instance',
			input ?? '',
			'the name of an Evolution API instance, e.g. "sales-bot" (letters, digits, spaces, _ . @ -; up to 100 characters)',
		);
	}
	return value;
}
