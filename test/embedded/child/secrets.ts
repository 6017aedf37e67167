/** Session Secrets of the test credentials; a module of its own so child processes load nothing else. */
export const TEST_SECRET = 'test-session-secret-0123456789';
export const CRASH_SECRET = 'crash-test-session-secret';
