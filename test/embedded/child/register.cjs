// Lets a child `node` process run this repository's TypeScript directly (tests spawn helpers
// with `node -r ./test/embedded/child/register.cjs script.ts`). Same compiler options as the
// build, so `import()` of Baileys stays a real dynamic import. Compiled files are cached in the
// temp folder so that later children skip loading the compiler.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const cacheFolder = path.join(os.tmpdir(), 'whatsapp-chats-ts-cache');
let ts;

function compile(source, filename) {
	ts ??= require('typescript');
	return ts.transpileModule(source, {
		fileName: filename,
		compilerOptions: {
			module: ts.ModuleKind.Node16,
			moduleResolution: ts.ModuleResolutionKind.Node16,
			target: ts.ScriptTarget.ES2022,
			esModuleInterop: true,
			isolatedModules: true,
		},
	}).outputText;
}

require.extensions['.ts'] = function compileTypeScript(module, filename) {
	const source = fs.readFileSync(filename, 'utf-8');
	const key = crypto.createHash('sha1').update(filename).update('\0').update(source).digest('hex');
	const cached = path.join(cacheFolder, `${key}.js`);
	let output;
	try {
		output = fs.readFileSync(cached, 'utf-8');
	} catch {
		output = compile(source, filename);
		fs.mkdirSync(cacheFolder, { recursive: true });
		const temp = `${cached}.${process.pid}.tmp`;
		fs.writeFileSync(temp, output);
		fs.renameSync(temp, cached);
	}
	module._compile(output, filename);
};
