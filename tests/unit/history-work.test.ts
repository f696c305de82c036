// The history's long computations give the event loop back and run two at a time at most, so
// that a reader asking for many comparisons at once cannot stall everyone's co-writing.
import { describe, expect, it } from 'vitest';
import {
	HISTORY_WORK_AT_ONCE,
	breather,
	historyWork
} from '../../src/lib/server/documents/history-work';

describe('history work', () => {
	it('gives the event loop back during a long loop', async () => {
		let turns = 0;
		const interval = setInterval(() => turns++, 0);
		const pause = breather();
		const start = performance.now();
		// Busy steps of about a millisecond each: the loop must let the interval run.
		for (let step = 0; step < 100; step++) {
			const until = performance.now() + 1;
			while (performance.now() < until);
			await pause();
		}
		clearInterval(interval);
		expect(performance.now() - start).toBeGreaterThan(90);
		expect(turns).toBeGreaterThan(2);
	});

	it('runs at most a few at once; the others wait their turn, and all finish', async () => {
		let running = 0;
		let most = 0;
		const releases: (() => void)[] = [];
		const works = Array.from({ length: 6 }, (_, i) =>
			historyWork(async () => {
				running++;
				most = Math.max(most, running);
				await new Promise<void>((release) => releases.push(release));
				running--;
				return i;
			})
		);
		for (let round = 0; round < 6; round++) {
			await new Promise((resolve) => setImmediate(resolve));
			expect(running).toBeLessThanOrEqual(HISTORY_WORK_AT_ONCE);
			releases.shift()?.();
		}
		expect(await Promise.all(works)).toEqual([0, 1, 2, 3, 4, 5]);
		expect(most).toBe(HISTORY_WORK_AT_ONCE);
	});

	it('keeps going after a computation fails', async () => {
		await expect(historyWork(() => Promise.reject(new Error('illisible')))).rejects.toThrow();
		expect(await historyWork(async () => 'suite')).toBe('suite');
	});
});
