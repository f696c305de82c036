import { afterAll } from 'vitest';

// Helpers are called from beforeAll hooks and tests, where registering another hook is not
// allowed; they queue their teardown here instead. Imported per test file (modules are isolated
// per file), so this runs after each file's tests, newest first.
const cleanups: (() => unknown | Promise<unknown>)[] = [];

export function onCleanup(fn: () => unknown | Promise<unknown>): void {
	cleanups.push(fn);
}

afterAll(async () => {
	while (cleanups.length) {
		try {
			await cleanups.pop()!();
		} catch (error) {
			console.error('cleanup failed:', error);
		}
	}
});
