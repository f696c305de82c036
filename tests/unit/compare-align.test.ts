// The block alignment of a comparison (Myers' algorithm): its pairs are a longest common
// subsequence — checked against the plain dynamic-programming length on random block lists.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { align } from '../../src/lib/server/documents/compare';

function lcsLength(a: string[], b: string[]): number {
	const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
	for (let i = a.length - 1; i >= 0; i--)
		for (let j = b.length - 1; j >= 0; j--)
			table[i][j] =
				a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
	return table[0][0];
}

describe('block alignment', () => {
	it('pairs equal blocks, in order, as many as a longest common subsequence', () => {
		const blocks = fc.array(fc.constantFrom('p:a', 'p:b', 'p:c', 'ul:d', 'table:e'), {
			maxLength: 25
		});
		fc.assert(
			fc.property(blocks, blocks, (a, b) => {
				const pairs = align(a, b, 0, a.length, b.length);
				for (let k = 0; k < pairs.length; k++) {
					const [i, j] = pairs[k];
					expect(a[i]).toBe(b[j]);
					if (k > 0) {
						expect(i).toBeGreaterThan(pairs[k - 1][0]);
						expect(j).toBeGreaterThan(pairs[k - 1][1]);
					}
				}
				expect(pairs.length).toBe(lcsLength(a, b));
			}),
			{ numRuns: 500 }
		);
	});
});
