/** The shape every `<op>.operation.ts` exports: capability, description, readInput, execute. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { Operation, WhatsAppBackend } from '../../backends/WhatsAppBackend';

/**
 * One node operation. Input is read and checked for every item first (`readInput`), so bad input
 * stops a batch before anything is sent; `execute` then does the I/O through the backend.
 */
export interface OperationModule<Input = unknown> {
	/** The backend operation it needs; backends that lack it are named in the error. */
	capability: Operation;
	description: INodeProperties[];
	readInput(ctx: IExecuteFunctions, itemIndex: number): Input;
	execute(backend: WhatsAppBackend, input: Input, ctx: IExecuteFunctions): Promise<INodeExecutionData[]>;
}
