import { beforeAll, describe, expect, it } from 'vitest';
import { login } from '../../src/lib/server/auth/login';
import { LoginThrottle, THROTTLE_DEFAULTS } from '../../src/lib/server/auth/throttle';
import { validateSessionToken } from '../../src/lib/server/auth/session';
import type { Db } from '../../src/lib/server/db';
import { freshDb } from '../helpers/db';
import { buildTerritory, buildUser, TEST_PASSWORD, type TestUser } from '../helpers/factories';

let db: Db;
let user: TestUser;
beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	user = await buildUser(db, territory, territory.epciId);
});

describe('login', () => {
	it('opens a valid session for the right password, e-mail case and spaces ignored', async () => {
		const result = await login(
			db,
			new LoginThrottle(),
			`  ${user.email.toUpperCase()} `,
			TEST_PASSWORD,
			'10.0.0.1'
		);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect((await validateSessionToken(db, result.token)).user?.id).toBe(user.id);
	});

	it('refuses a wrong password and an unknown account alike', async () => {
		const throttle = new LoginThrottle();
		expect(await login(db, throttle, user.email, 'faux', '10.0.0.1')).toEqual({
			ok: false,
			reason: 'invalid'
		});
		expect(await login(db, throttle, 'personne@nulle.part', TEST_PASSWORD, '10.0.0.1')).toEqual({
			ok: false,
			reason: 'invalid'
		});
	});
});

describe('login throttling', () => {
	it('locks an account after 5 failures, even with the right password, until the window passes', async () => {
		const throttle = new LoginThrottle();
		const t0 = Date.now();
		for (let i = 0; i < THROTTLE_DEFAULTS.maxFailuresPerAccount; i++) {
			expect((await login(db, throttle, user.email, `faux-${i}`, `10.0.1.${i}`, t0)).ok).toBe(
				false
			);
		}
		const blocked = await login(db, throttle, user.email, TEST_PASSWORD, '10.0.9.9', t0 + 1000);
		expect(blocked).toMatchObject({ ok: false, reason: 'throttled' });
		if (!blocked.ok && blocked.reason === 'throttled')
			expect(blocked.retryAfterMs).toBe(THROTTLE_DEFAULTS.windowMs - 1000);
		const later = await login(
			db,
			throttle,
			user.email,
			TEST_PASSWORD,
			'10.0.9.9',
			t0 + THROTTLE_DEFAULTS.windowMs
		);
		expect(later.ok).toBe(true);
	});

	it('blocks an IP that guesses across many accounts, without blocking other IPs', () => {
		const throttle = new LoginThrottle();
		const now = Date.now();
		for (let i = 0; i < THROTTLE_DEFAULTS.maxFailuresPerIp; i++)
			throttle.recordFailure(`victime${i}@agglo.test`, '192.0.2.7', now);
		expect(throttle.retryAfterMs('nouvelle@agglo.test', '192.0.2.7', now)).toBe(
			THROTTLE_DEFAULTS.windowMs
		);
		expect(throttle.retryAfterMs('nouvelle@agglo.test', '192.0.2.8', now)).toBe(0);
	});

	it('a success clears the account counter', () => {
		const throttle = new LoginThrottle();
		for (let i = 0; i < 4; i++) throttle.recordFailure('dgs@commune.test', '192.0.2.1');
		throttle.recordSuccess('dgs@commune.test');
		throttle.recordFailure('dgs@commune.test', '192.0.2.1');
		expect(throttle.retryAfterMs('dgs@commune.test', '192.0.2.1')).toBe(0);
	});

	it('keeps memory bounded under a flood of random accounts', () => {
		const throttle = new LoginThrottle({ ...THROTTLE_DEFAULTS, maxKeys: 100 });
		for (let i = 0; i < 1000; i++)
			throttle.recordFailure(`x${i}@flood.test`, `198.51.100.${i % 250}`);
		expect(
			(throttle as unknown as { counters: Map<string, unknown> }).counters.size
		).toBeLessThanOrEqual(100);
	});
});
