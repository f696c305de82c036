import { describe, expect, it } from 'vitest';
import {
	decideDemoSeed,
	existingDemoWarning,
	isPublicInstance
} from '../../src/lib/server/territory/demo-policy';

const LOCAL = '127.0.0.1';

describe('demo territory policy', () => {
	it('treats https, non-loopback hosts and a server listening beyond loopback as public', () => {
		const local = [
			['', '127.0.0.1'],
			['', 'localhost'],
			['', '::1'],
			['http://localhost:3000', '0.0.0.0'],
			['http://127.0.0.1:4173', '0.0.0.0'],
			['http://[::1]:3000', '0.0.0.0'],
			['http://app.localhost', '0.0.0.0']
		];
		const exposed = [
			['', '0.0.0.0'],
			['', '192.168.1.20'],
			['https://localhost', LOCAL],
			['https://assemblier.agglo-lauze.fr', LOCAL],
			['http://10.0.0.5:3000', LOCAL],
			['http://assemblier.agglo.fr', LOCAL],
			['http://127.evil.example', LOCAL],
			['http://127.0.0.1.nip.io', LOCAL],
			['pas une url', LOCAL]
		];
		expect(local.map(([origin, host]) => isPublicInstance(origin, host))).toEqual(
			local.map(() => false)
		);
		expect(exposed.map(([origin, host]) => isPublicInstance(origin, host))).toEqual(
			exposed.map(() => true)
		);
	});

	it('seeds a local start that asks for it, never a public one without SEED_DEMO=true', () => {
		expect(decideDemoSeed(null, true, '', LOCAL).seed).toBe(true);
		expect(decideDemoSeed(null, true, 'http://127.0.0.1:4173', LOCAL).seed).toBe(true);
		expect(decideDemoSeed(null, false, '', LOCAL).seed).toBe(false);
		expect(decideDemoSeed(null, true, 'https://assemblier.agglo-lauze.fr', LOCAL)).toEqual({
			seed: false,
			warning: true,
			notice: expect.stringContaining('NON installé')
		});
		expect(decideDemoSeed(null, true, '', '0.0.0.0')).toEqual({
			seed: false,
			warning: true,
			notice: expect.stringContaining('écoute sur 0.0.0.0')
		});
	});

	it('follows an explicit SEED_DEMO, and warns when it puts the demo on a public instance', () => {
		expect(decideDemoSeed(false, true, '', LOCAL).seed).toBe(false);
		expect(decideDemoSeed(true, false, '', LOCAL)).toEqual({
			seed: true,
			warning: false,
			notice: 'Territoire de démonstration installé (SEED_DEMO=true).'
		});
		expect(decideDemoSeed(true, false, 'https://assemblier.agglo-lauze.fr', LOCAL)).toEqual({
			seed: true,
			warning: true,
			notice: expect.stringContaining('ATTENTION')
		});
	});

	it('warns about demo accounts already in a database served publicly, not locally', () => {
		expect(existingDemoWarning('', LOCAL)).toBeNull();
		expect(existingDemoWarning('https://assemblier.agglo-lauze.fr', LOCAL)).toContain('ATTENTION');
	});
});
