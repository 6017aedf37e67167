// n8n's community-node lint rules (eslint-plugin-n8n-nodes-base), as flat config.
const n8nNodesBase = require('eslint-plugin-n8n-nodes-base');
const tsParser = require('@typescript-eslint/parser');

const languageOptions = { parser: tsParser, parserOptions: { sourceType: 'module', ecmaVersion: 'latest' } };

module.exports = [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', '.cache/**'] },
	{
		files: ['package.json'],
		languageOptions: { parser: tsParser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: { ...n8nNodesBase.configs.community.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		languageOptions,
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// The documentation URL points at this package's README, not at n8n's docs site.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions,
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
		},
	},
	{
		// Versioned-node layout as in n8n's own v2 nodes: the description lives in actions/.
		files: ['nodes/**/actions/versionDescription.ts', 'nodes/**/triggerDescription.ts'],
		rules: {
			'n8n-nodes-base/node-filename-against-convention': 'off',
			// NodeConnectionTypes.Main is the typed spelling of 'main' in n8n-workflow 2.
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
		},
	},
];
