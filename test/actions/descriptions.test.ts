/**
 * The action node's description, per resource (as n8n's Postgres v2 `descriptions.test.ts`): the
 * Operation options, the resource's operation table and each operation module's display options
 * name the same operations; every default is one the field accepts.
 */
import type { INodeProperties, INodePropertyCollection, INodePropertyOptions } from 'n8n-workflow';
import * as chat from '../../nodes/WhatsAppChats/actions/chat';
import * as label from '../../nodes/WhatsAppChats/actions/label';
import * as message from '../../nodes/WhatsAppChats/actions/message';
import type { OperationModule } from '../../nodes/WhatsAppChats/actions/OperationModule';
import * as session from '../../nodes/WhatsAppChats/actions/session';
import { versionDescription } from '../../nodes/WhatsAppChats/actions/versionDescription';
import { OPERATIONS } from '../../nodes/backends/WhatsAppBackend';

interface Resource {
	operations: Record<string, OperationModule<unknown>>;
	description: INodeProperties[];
}

const RESOURCES: Record<string, Resource> = { chat, label, message, session };

const operationProperty = (resource: string, resource_: Resource) =>
	resource_.description.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource)) as INodeProperties;

const optionValues = (property: INodeProperties) => (property.options as INodePropertyOptions[]).map((option) => option.value);

/** Every property below `properties`, with the path that leads to it (collections' fields included). */
function allProperties(properties: INodeProperties[], at = ''): Array<{ path: string; property: INodeProperties }> {
	return properties.flatMap((property) => {
		const path = `${at}${property.name}`;
		const nested = (property.options ?? []).flatMap((option) => {
			if ('values' in option) return allProperties((option as INodePropertyCollection).values, `${path}.${option.name}.`);
			if ('type' in option) return allProperties([option as INodeProperties], `${path}.`);
			return [];
		});
		return [{ path, property }, ...nested];
	});
}

/** Why a property's default is not one it accepts, or undefined when it is. */
function badDefault(property: INodeProperties): string | undefined {
	const value = property.default;
	if (typeof value === 'string' && value.startsWith('=')) return undefined; // an expression
	switch (property.type) {
		case 'options': {
			const values = optionValues(property);
			return values.includes(value as string) ? undefined : `${JSON.stringify(value)} is none of ${JSON.stringify(values)}`;
		}
		case 'multiOptions': {
			const values = optionValues(property);
			return Array.isArray(value) && value.every((v) => values.includes(v as string)) ? undefined : `${JSON.stringify(value)} is not a subset of ${JSON.stringify(values)}`;
		}
		case 'boolean':
			return typeof value === 'boolean' ? undefined : `${JSON.stringify(value)} is not a boolean`;
		case 'number': {
			if (typeof value !== 'number') return `${JSON.stringify(value)} is not a number`;
			const { minValue, maxValue } = property.typeOptions ?? {};
			if (minValue !== undefined && value < minValue) return `${value} is below the minimum ${minValue}`;
			if (maxValue !== undefined && value > maxValue) return `${value} is above the maximum ${maxValue}`;
			return undefined;
		}
		case 'string':
		case 'notice':
			return typeof value === 'string' ? undefined : `${JSON.stringify(value)} is not a string`;
		case 'collection':
		case 'fixedCollection':
			return value && typeof value === 'object' && !Array.isArray(value) ? undefined : `${JSON.stringify(value)} is not an object`;
		case 'resourceLocator': {
			const modes = (property.modes ?? []).map((mode) => mode.name);
			const mode = (value as { mode?: string } | undefined)?.mode;
			return mode && modes.includes(mode) ? undefined : `mode ${JSON.stringify(mode)} is none of ${JSON.stringify(modes)}`;
		}
		default:
			return undefined;
	}
}

test('the Resource options are the resources the node has tables for', () => {
	const resource = versionDescription.properties.find((p) => p.name === 'resource') as INodeProperties;
	expect(optionValues(resource).sort()).toEqual(Object.keys(RESOURCES).sort());
	expect(badDefault(resource)).toBeUndefined();
});

describe.each(Object.entries(RESOURCES))('resource %s', (resource, resource_) => {
	const operation = operationProperty(resource, resource_);

	test('has one Operation field, shown for this resource only', () => {
		expect(resource_.description.filter((p) => p.name === 'operation')).toEqual([operation]);
		expect(operation.displayOptions).toEqual({ show: { resource: [resource] } });
		expect(operation.noDataExpression).toBe(true);
	});

	test('the Operation options are the keys of the operation table', () => {
		expect(optionValues(operation).sort()).toEqual(Object.keys(resource_.operations).sort());
	});

	test('the Operation default is one of its options', () => {
		expect(badDefault(operation)).toBeUndefined();
	});

	test('every Operation option has a name, a description and an action', () => {
		for (const option of operation.options as INodePropertyOptions[]) {
			expect(option.name).toEqual(expect.any(String));
			expect(option.description).toEqual(expect.any(String));
			expect(option.action).toEqual(expect.any(String));
		}
	});

	describe.each(Object.entries(resource_.operations))('operation %s', (name, module) => {
		test('its fields (if any) are shown for this resource and this operation only', () => {
			const shown = module.description.map((property) => ({ field: property.name, show: property.displayOptions?.show }));
			expect(shown).toEqual(
				module.description.map((property) => ({ field: property.name, show: expect.objectContaining({ resource: [resource], operation: [name] }) })),
			);
		});

		test("its fields are in the resource's description, in the node", () => {
			for (const property of module.description) {
				expect(resource_.description).toContain(property);
				expect(versionDescription.properties).toContain(property);
			}
		});

		test('it needs an operation of the backend contract', () => {
			expect(OPERATIONS).toContain(module.capability);
		});

		test('every default of its fields is valid', () => {
			const bad = allProperties(module.description)
				.map(({ path, property }) => ({ path, why: badDefault(property) }))
				.filter(({ why }) => why !== undefined);
			expect(bad).toEqual([]);
		});
	});

	test('no field outside the Operation field and the operation modules', () => {
		const fromModules = new Set(Object.values(resource_.operations).flatMap((module) => module.description));
		expect(resource_.description.filter((p) => p !== operation && !fromModules.has(p))).toEqual([]);
	});
});

test("the Options collection's defaults are valid", () => {
	const options = versionDescription.properties.find((p) => p.name === 'options') as INodeProperties;
	expect(options).toBeDefined();
	const bad = allProperties([options])
		.map(({ path, property }) => ({ path, why: badDefault(property) }))
		.filter(({ why }) => why !== undefined);
	expect(bad).toEqual([]);
});
