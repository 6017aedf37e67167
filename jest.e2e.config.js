/**
 * End-to-end tests in a real n8n (npm run test:e2e): test/e2e/*.e2e.ts, one file per stage, run
 * one after another (every stage boots n8n processes; two cores). Named *.e2e.ts so that the unit
 * test run (jest.config.js, *.test.ts) never picks them up.
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	// n8n boots per CLI command (5-13 s); a stage's beforeAll runs several of them
	testTimeout: 300_000,
	maxWorkers: 1,
	verbose: true,
};
