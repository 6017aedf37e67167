/** Reads back the bytes of a binary property an `n8n execute` produced (filesystem mode stores them on disk). */
import fs from 'node:fs';
import path from 'node:path';
import type { IBinaryData } from 'n8n-workflow';

/** n8n 2.8.4 keeps binary data in `<user folder>/.n8n/storage` (filesystem mode) and puts `filesystem-v2:<path>` in `id`. */
export function binaryBytes(userFolder: string, binary: IBinaryData): Buffer {
	if (!binary.id) return Buffer.from(binary.data, 'base64');
	const [, relative] = /^filesystem(?:-v2)?:(.+)$/.exec(binary.id) ?? [];
	if (!relative) throw new Error(`binary data id ${binary.id} is not in filesystem mode`);
	const candidates = [path.join(userFolder, '.n8n', 'storage', relative), path.join(userFolder, '.n8n', 'binaryData', relative)];
	const found = candidates.find((file) => fs.existsSync(file));
	if (!found) throw new Error(`binary data ${binary.id} not found under ${candidates.join(' or ')}`);
	return fs.readFileSync(found);
}
