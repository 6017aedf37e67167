/**
 * Crash-test child: writes creds and keys through the product's FileAuthState as fast as it can,
 * step after step, printing `ack <step>` once a step's writes resolved. The parent SIGKILLs it at
 * a random moment. Usage: node -r register.cjs authWriter.ts <authFolder> <firstStep>
 */
import { FileAuthState } from '../../../nodes/backends/embedded/authState';
import { loadBaileys } from '../../../nodes/backends/embedded/loadBaileys';
import { sessionPaths } from '../../../nodes/backends/embedded/paths';
import { CRASH_SECRET } from './secrets';
import { planStep } from './writePlan';

async function main(): Promise<void> {
	const [folder, first] = process.argv.slice(2);
	const auth = await FileAuthState.open(sessionPaths('crash', folder, CRASH_SECRET), await loadBaileys());
	for (let step = Number(first); ; step++) {
		const plan = planStep(step);
		auth.creds.additionalData = { step, filler: plan.credsFiller };
		await Promise.all([auth.saveCreds(), auth.keys.set(plan.keys as never)]);
		process.stdout.write(`ack ${step}\n`);
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
