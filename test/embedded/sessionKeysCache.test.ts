/**
 * The keys of an embedded session are derived once per secret and session name in a process:
 * every execution asks for them again (through sessionPaths) and gets the remembered ones, while
 * another session name or another secret still gets keys of its own.
 */
import { sessionPaths } from '../../nodes/backends/embedded/paths';
import { TEST_SECRET } from './world';

test('each execution gets the remembered keys; another name or secret gets its own', () => {
	const first = sessionPaths('cache-a', '/tmp/wa-cache', TEST_SECRET).access;
	const again = sessionPaths('cache-a', '/tmp/wa-cache', TEST_SECRET).access;
	expect(again).toBe(first);
	const otherName = sessionPaths('cache-b', '/tmp/wa-cache', TEST_SECRET).access;
	const otherSecret = sessionPaths('cache-a', '/tmp/wa-cache', `${TEST_SECRET}-other`).access;
	expect(otherName.folderId).not.toBe(first.folderId);
	expect(otherSecret.keyCheck).not.toBe(first.keyCheck);
	// The remembered cipher still opens what a freshly derived one sealed, and nothing else.
	const sealed = first.cipher.seal('keys/x.json', '{"a":1}');
	expect(again.cipher.open('keys/x.json', sealed)).toBe('{"a":1}');
	expect(() => otherSecret.cipher.open('keys/x.json', sealed)).toThrow('failed its integrity check');
});
