/** `npm run bench`: prints figures, each against a baseline measured in the same run. */
import { benchEmbedded } from './embedded.bench';
import { benchChatModify } from './embeddedChatModify.bench';
import { benchGateway } from './gateway.bench';
import { benchTrigger } from './trigger.bench';

async function main(): Promise<void> {
	const print = (line: string) => console.log(line);
	const only = process.argv[2];
	const benches: Record<string, (print: (line: string) => void) => Promise<void>> = {
		gateway: benchGateway,
		embedded: benchEmbedded,
		chatModify: benchChatModify,
		trigger: benchTrigger,
	};
	for (const [name, bench] of Object.entries(benches)) {
		if (only && only !== name) continue;
		await bench(print);
		print('');
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
