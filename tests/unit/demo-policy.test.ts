import { describe, expect, it } from 'vitest';
import { decideDemoSeed, isPublicOrigin } from '../../src/lib/server/territory/demo-policy';

describe('demo territory policy', () => {
	it('treats https and non-loopback hosts as public, an empty ORIGIN and loopback as local', () => {
		expect(
			[
				'',
				'http://localhost:3000',
				'http://127.0.0.1:4173',
				'http://[::1]:3000',
				'http://app.localhost'
			].map(isPublicOrigin)
		).toEqual([false, false, false, false, false]);
		expect(
			[
				'https://localhost',
				'https://assemblier.agglo-lauze.fr',
				'http://10.0.0.5:3000',
				'http://assemblier.agglo.fr',
				'pas une url'
			].map(isPublicOrigin)
		).toEqual([true, true, true, true, true]);
	});

	it('seeds a local start that asks for it, never a public one without SEED_DEMO=true', () => {
		expect(decideDemoSeed(null, true, '').seed).toBe(true);
		expect(decideDemoSeed(null, true, 'http://127.0.0.1:4173').seed).toBe(true);
		expect(decideDemoSeed(null, false, '').seed).toBe(false);
		const refused = decideDemoSeed(null, true, 'https://assemblier.agglo-lauze.fr');
		expect(refused).toEqual({ seed: false, notice: expect.stringContaining('NON installé') });
	});

	it('follows an explicit SEED_DEMO, and warns when it puts the demo on a public instance', () => {
		expect(decideDemoSeed(false, true, '').seed).toBe(false);
		expect(decideDemoSeed(true, false, '')).toEqual({
			seed: true,
			notice: 'Territoire de démonstration installé (SEED_DEMO=true).'
		});
		expect(decideDemoSeed(true, false, 'https://assemblier.agglo-lauze.fr')).toEqual({
			seed: true,
			notice: expect.stringContaining('ATTENTION')
		});
	});
});
