import { describe, expect, it } from 'vitest';
import { COLLAB_DEFAULTS, readConfig } from '../../src/lib/server/config';

describe('configuration', () => {
	it('reads the environment it is given, defaults from COLLAB_DEFAULTS', () => {
		const config = readConfig({ PORT: '4321', COLLAB_UNLOAD_DELAY_MS: '250' });
		expect([config.port, config.collabUnloadDelayMs, config.collabCompactEvery]).toEqual([
			4321,
			250,
			COLLAB_DEFAULTS.compactEvery
		]);
		expect(config.seedDemo).toBeNull();
	});

	it('refuses values it cannot read, naming the variable', () => {
		expect(() => readConfig({ PORT: 'trois mille' })).toThrow(/PORT/);
		expect(() => readConfig({ SEED_DEMO: 'oui' })).toThrow(/SEED_DEMO/);
	});
});
