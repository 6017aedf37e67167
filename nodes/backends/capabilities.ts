/**
 * What a backend offers, declared once per backend: the operations it lacks, each with why and
 * what to do instead. `supports()`, the router's refusal (sent nothing, hint included) and the
 * README's "Operations per backend" table (checked by a test) all come from these maps.
 */
import { UnsupportedOperationError } from './errors';
import { OPERATION_LABELS, type Operation, type WhatsAppBackend } from './WhatsAppBackend';

export interface Capabilities {
	/** The backend's name in messages, e.g. "WAHA". */
	readonly backend: string;
	/** Operations the backend does not offer → why not and what to do instead (shown in the error). */
	readonly lacks: Readonly<Partial<Record<Operation, string>>>;
	/** README footnote marks of offered operations, e.g. `{ pinMessage: '¹' }`. */
	readonly notes?: Readonly<Partial<Record<Operation, string>>>;
}

export function offers(capabilities: Capabilities, operation: Operation): boolean {
	return !Object.prototype.hasOwnProperty.call(capabilities.lacks, operation);
}

/** The error for an operation the backend lacks (naming the backend, with its hint), or undefined. */
export function refusalOf(capabilities: Capabilities, operation: Operation): UnsupportedOperationError | undefined {
	if (offers(capabilities, operation)) return undefined;
	return new UnsupportedOperationError(capabilities.backend, OPERATION_LABELS[operation], capabilities.lacks[operation]);
}

/** The operations a capability map says a backend lacks, as a type (for the backend class's declaration). */
export type LackedOperations<C extends Capabilities> = Extract<keyof C['lacks'], Operation>;

/**
 * Gives a backend class, for each operation it lacks, a method that fails with the map's refusal:
 * callers ask `supports()` first, and one that does not still gets the hint, never "not a function".
 */
export function refuseLacking(backendClass: { prototype: object }, capabilities: Capabilities): void {
	for (const operation of Object.keys(capabilities.lacks) as Operation[]) {
		Object.defineProperty(backendClass.prototype, operation, {
			value: () => Promise.reject(refusalOf(capabilities, operation)),
			configurable: true,
			writable: true,
		});
	}
}

/** The operations of the contract a backend class leaves to `refuseLacking`. */
export type Refused<C extends Capabilities> = Pick<WhatsAppBackend, LackedOperations<C>>;
