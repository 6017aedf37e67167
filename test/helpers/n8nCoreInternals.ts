/**
 * The one place the tests reach into n8n-core past its public exports (`import … from 'n8n-core'`).
 *
 * n8n-core's index does not export `SSHClientsManager` (checked with n8n-core as installed here and
 * n8n 2.8.4). Every node execution context creates it through `Container.get`, and its constructor
 * starts a 60 s cleanup interval that keeps jest from exiting. The engine harness (n8nEngine.ts)
 * unrefs that interval with `unrefSshCleanupTimer()`. Nothing else may import from `n8n-core/dist`.
 */
import { Container } from '@n8n/di';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

/** Creates n8n-core's SSH tunnel manager now (as a node context would) and unrefs its cleanup interval. */
export function unrefSshCleanupTimer(): void {
	const manager = Container.get(SSHClientsManager) as unknown as { cleanupTimer?: NodeJS.Timeout };
	manager.cleanupTimer?.unref();
}
