// Login throttling (issue 10, defect 3): an attacker must not be able to lock the owner out.
// Counters live in the database; time is given explicitly (a fake clock: `now`), so the waits are
// checked to the millisecond without sleeping.
import { beforeAll, describe, expect, it } from 'vitest';
import { login, throttledMessage } from '../../src/lib/server/auth/login';
import {
	delayAfter,
	LoginThrottle,
	normaliseSource,
	THROTTLE_DEFAULTS,
	type LoginThrottleTables
} from '../../src/lib/server/auth/throttle';
import {
	hashDeviceToken,
	KNOWN_DEVICE_DEFAULTS,
	knownDeviceFor,
	rememberDevice
} from '../../src/lib/server/auth/known-device';
import { deleteExpiredSessions, validateSessionToken } from '../../src/lib/server/auth/session';
import { readConfig } from '../../src/lib/server/config';
import type { Db } from '../../src/lib/server/db';
import { freshDb } from '../helpers/db';
import {
	buildTerritory,
	buildUser,
	TEST_PASSWORD,
	type TestTerritory,
	type TestUser
} from '../helpers/factories';

const { rules } = THROTTLE_DEFAULTS;
const SECOND = 1000;
const MINUTE = 60 * SECOND;

let db: Db;
let territory: TestTerritory;
let user: TestUser;
beforeAll(async () => {
	({ db } = await freshDb());
	territory = await buildTerritory(db);
	user = await buildUser(db, territory, territory.epciId);
});

/** A user of its own per test: counters of one test never reach another. */
function newUser(role: 'membre' | 'direction' = 'membre') {
	return buildUser(db, territory, territory.epciId, { role });
}

// Ahead of the real clock, which the first tests (and the users' sessions) run on.
let clock = Date.now() + 365 * 24 * 60 * MINUTE;
/** A moment of its own per test, far from the others' (counters are forgotten after 24 h). */
function newMorning(): number {
	clock += 48 * 60 * MINUTE;
	return clock;
}

async function counterRows() {
	return db.withTables<LoginThrottleTables>().selectFrom('login_throttle').selectAll().execute();
}

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
		// …and makes the device known for this account (and this account only).
		expect(await knownDeviceFor(db, result.device.token, user.email)).toBe(
			hashDeviceToken(result.device.token)
		);
		expect(await knownDeviceFor(db, result.device.token, 'autre@test.example')).toBeNull();
	});

	it('refuses a wrong password and an unknown account alike', async () => {
		const throttle = new LoginThrottle();
		expect(await login(db, throttle, user.email, 'faux', '10.0.0.2')).toEqual({
			ok: false,
			reason: 'invalid'
		});
		expect(await login(db, throttle, 'personne@nulle.part', TEST_PASSWORD, '10.0.0.2')).toEqual({
			ok: false,
			reason: 'invalid'
		});
	});

	it('says how long to wait, in French', () => {
		expect(throttledMessage(1)).toBe('Trop de tentatives de connexion. Réessayez dans 1 s.');
		expect(throttledMessage(30 * SECOND)).toBe(
			'Trop de tentatives de connexion. Réessayez dans 30 s.'
		);
		expect(throttledMessage(15 * MINUTE)).toBe(
			'Trop de tentatives de connexion. Réessayez dans 15 min.'
		);
	});
});

describe('the waits', () => {
	it('account + source: 5 failures free, then 1 s, 2 s, 4 s… up to 15 min', () => {
		const waits = [4, 5, 6, 7, 8, 14, 15, 40].map((n) => delayAfter(n, rules.account_source));
		expect(waits).toEqual([0, 1, 2, 4, 8, 512, 900, 900].map((s) => s * SECOND));
	});

	it('account alone only slows: at most 30 s, whatever the failures', () => {
		expect(delayAfter(9, rules.account)).toBe(0);
		expect(delayAfter(10, rules.account)).toBe(SECOND);
		expect(delayAfter(1_000_000, rules.account)).toBe(30 * SECOND);
	});
});

describe('login throttling', () => {
	it('five wrong passwords from one address: that address waits, the owner signs in from another at once', async () => {
		const dg = await newUser('direction');
		const throttle = new LoginThrottle();
		const t0 = newMorning();
		for (let i = 0; i < 5; i++)
			expect(await login(db, throttle, dg.email, `faux-${i}`, '203.0.113.66', { now: t0 })).toEqual(
				{ ok: false, reason: 'invalid' }
			);
		// The attacker: 1 s, then each further failure doubles the wait.
		expect(await login(db, throttle, dg.email, 'faux', '203.0.113.66', { now: t0 })).toEqual({
			ok: false,
			reason: 'throttled',
			retryAfterMs: SECOND
		});
		expect(
			await login(db, throttle, dg.email, 'faux', '203.0.113.66', { now: t0 + SECOND })
		).toMatchObject({ reason: 'invalid' });
		expect(
			await login(db, throttle, dg.email, 'faux', '203.0.113.66', { now: t0 + SECOND })
		).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 2 * SECOND });
		// The owner, from the town hall, with the right password: no wait at all.
		const owner = await login(db, throttle, dg.email, TEST_PASSWORD, '198.51.100.7', {
			now: t0 + SECOND
		});
		expect(owner.ok).toBe(true);
	});

	it('guessing spread over many addresses only slows the account, 30 s at most; a known device is not slowed at all', async () => {
		const dg = await newUser('direction');
		const throttle = new LoginThrottle();
		const t0 = newMorning();
		// The owner signed in on her laptop last week.
		const before = await login(db, throttle, dg.email, TEST_PASSWORD, '198.51.100.7', {
			now: t0 - 7 * 24 * 60 * MINUTE
		});
		if (!before.ok) throw new Error('sign-in failed');
		// A botnet: 16 addresses, one guess each, each after the account-wide wait.
		let now = t0;
		for (let i = 0; i < 16; i++) {
			now += 31 * SECOND;
			expect(
				await login(db, throttle, dg.email, `faux-${i}`, `192.0.2.${i}`, { now })
			).toMatchObject({ reason: 'invalid' });
		}
		const fromNewPlace = await throttle.retryAfterMs(
			db,
			{ email: dg.email, source: '198.51.100.99', knownDevice: null },
			now
		);
		expect(fromNewPlace).toBeGreaterThan(0);
		expect(fromNewPlace).toBeLessThanOrEqual(30 * SECOND);
		// On her laptop, even from an address the attacker used: signed in at once.
		const onLaptop = await login(db, throttle, dg.email, TEST_PASSWORD, '192.0.2.1', {
			now,
			deviceToken: before.device.token
		});
		expect(onLaptop.ok).toBe(true);
		// From a new place, after at most 30 s.
		expect(
			(
				await login(db, throttle, dg.email, TEST_PASSWORD, '198.51.100.99', {
					now: now + 30 * SECOND
				})
			).ok
		).toBe(true);
	});

	it('a known device passes even when its own address is under attack; its own guesses are still throttled', async () => {
		const dg = await newUser('direction');
		const throttle = new LoginThrottle();
		const t0 = newMorning();
		const first = await login(db, throttle, dg.email, TEST_PASSWORD, '203.0.113.5', { now: t0 });
		if (!first.ok) throw new Error('sign-in failed');
		// Someone on the same network (one address for the whole mairie) guesses 8 times.
		let now = t0 + MINUTE;
		for (let i = 0; i < 8; i++) {
			now += delayAfter(i, rules.account_source);
			expect(
				await login(db, throttle, dg.email, `faux-${i}`, '203.0.113.5', { now })
			).toMatchObject({ reason: 'invalid' });
		}
		expect(
			await login(db, throttle, dg.email, TEST_PASSWORD, '203.0.113.5', { now })
		).toMatchObject({ reason: 'throttled' });
		const device = await login(db, throttle, dg.email, TEST_PASSWORD, '203.0.113.5', {
			now,
			deviceToken: first.device.token
		});
		expect(device.ok).toBe(true);
		if (!device.ok) return;
		// The device cookie is replaced at each sign-in; the old value is worth nothing now.
		expect(device.device.token).not.toBe(first.device.token);
		expect(await knownDeviceFor(db, first.device.token, dg.email, now)).toBeNull();
		// The device's own guesses: 5 free, then waits, as for an address.
		for (let i = 0; i < 5; i++)
			expect(
				await login(db, throttle, dg.email, `faux-${i}`, '203.0.113.5', {
					now,
					deviceToken: device.device.token
				})
			).toMatchObject({ reason: 'invalid' });
		expect(
			await login(db, throttle, dg.email, TEST_PASSWORD, '203.0.113.5', {
				now,
				deviceToken: device.device.token
			})
		).toEqual({ ok: false, reason: 'throttled', retryAfterMs: SECOND });
	});

	it('a device cookie of another account is no pass', async () => {
		const owner = await newUser();
		const other = await newUser();
		const throttle = new LoginThrottle();
		const t0 = newMorning();
		const mine = await login(db, throttle, owner.email, TEST_PASSWORD, '203.0.113.8', { now: t0 });
		if (!mine.ok) throw new Error('sign-in failed');
		for (let i = 0; i < 5; i++)
			await login(db, throttle, other.email, `faux-${i}`, '203.0.113.8', {
				now: t0,
				deviceToken: mine.device.token
			});
		expect(
			await login(db, throttle, other.email, TEST_PASSWORD, '203.0.113.8', {
				now: t0,
				deviceToken: mine.device.token
			})
		).toMatchObject({ reason: 'throttled' });
	});

	it('spraying one password over many accounts from one address is slowed, up to 15 min; other addresses are not', async () => {
		const throttle = new LoginThrottle();
		const t0 = newMorning();
		const sprayer = '192.0.2.200';
		for (let i = 0; i < 20; i++)
			expect(
				await login(db, throttle, `victime${i}@agglo.test`, 'Printemps2026!', sprayer, { now: t0 })
			).toMatchObject({ reason: 'invalid' });
		const next = { email: 'nouvelle@agglo.test', source: sprayer, knownDevice: null };
		expect(await throttle.retryAfterMs(db, next, t0)).toBe(SECOND);
		expect(await throttle.retryAfterMs(db, { ...next, source: '192.0.2.201' }, t0)).toBe(0);
		// Keeping at it, waiting each time: the wait doubles up to 15 min.
		let now = t0;
		for (let i = 20; i < 32; i++) {
			now += delayAfter(i, rules.source);
			expect(
				await login(db, throttle, `victime${i}@agglo.test`, 'Printemps2026!', sprayer, { now })
			).toMatchObject({ reason: 'invalid' });
		}
		expect(await throttle.retryAfterMs(db, next, now)).toBe(15 * MINUTE);
		// A guess made during the wait is refused and not counted.
		expect(
			await login(db, throttle, 'x@agglo.test', 'Printemps2026!', sprayer, { now: now + MINUTE })
		).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 14 * MINUTE });
	});

	it('the counters survive a restart: a new throttle on the same database carries on', async () => {
		const dg = await newUser('direction');
		const t0 = newMorning();
		const before = new LoginThrottle();
		for (let i = 0; i < 7; i++)
			await login(db, before, dg.email, `faux-${i}`, '203.0.113.77', {
				now: t0 + delayAfter(i, rules.account_source) * 2
			});
		const restarted = new LoginThrottle();
		const attempt = { email: dg.email, source: '203.0.113.77', knownDevice: null };
		const lastAt = t0 + delayAfter(6, rules.account_source) * 2;
		expect(await restarted.retryAfterMs(db, attempt, lastAt)).toBe(4 * SECOND);
		expect(
			await login(db, restarted, dg.email, TEST_PASSWORD, '203.0.113.77', { now: lastAt })
		).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 4 * SECOND });
	});

	it('parallel guesses cannot slip past the limit together', async () => {
		const target = await newUser();
		const throttle = new LoginThrottle();
		const t0 = newMorning();
		const results = await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				login(db, throttle, target.email, `faux-${i}`, '203.0.113.90', { now: t0 })
			)
		);
		expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(5);
		expect(results.filter((r) => !r.ok && r.reason === 'throttled')).toHaveLength(15);
	});

	it('a success clears the account + source counter and takes itself back from the others', async () => {
		const target = await newUser();
		const throttle = new LoginThrottle();
		const t0 = newMorning();
		for (let i = 0; i < 4; i++)
			await login(db, throttle, target.email, `faux-${i}`, '203.0.113.91', { now: t0 });
		expect(
			(await login(db, throttle, target.email, TEST_PASSWORD, '203.0.113.91', { now: t0 })).ok
		).toBe(true);
		for (let i = 0; i < 4; i++)
			await login(db, throttle, target.email, `faux-${i}`, '203.0.113.91', { now: t0 });
		const attempt = { email: target.email, source: '203.0.113.91', knownDevice: null };
		expect(await throttle.retryAfterMs(db, attempt, t0)).toBe(0);
		// 8 failures on the account, not 9: the right password did not count.
		for (let i = 0; i < 2; i++)
			await login(db, throttle, target.email, `faux-${i}`, `203.0.114.${i}`, { now: t0 });
		expect(await throttle.retryAfterMs(db, { ...attempt, source: '203.0.115.1' }, t0)).toBe(SECOND);
	});

	it('forgets counters with time and keeps the table bounded', async () => {
		const throttle = new LoginThrottle();
		const t0 = newMorning();
		for (let i = 0; i < 30; i++)
			await login(db, throttle, `flood${i}@flood.test`, 'faux', `198.18.0.${i}`, { now: t0 });
		const attempt = { email: 'flood0@flood.test', source: '198.18.0.0', knownDevice: null };
		expect((await counterRows()).length).toBeGreaterThanOrEqual(90);
		// 24 h without a failure: forgotten, then deleted at the next write…
		const later = t0 + 24 * 60 * MINUTE;
		expect(await throttle.retryAfterMs(db, attempt, later)).toBe(0);
		await login(db, throttle, 'flood0@flood.test', 'faux', '198.18.0.0', { now: later });
		expect((await counterRows()).every((row) => Number(row.expires_at) > later)).toBe(true);
		// …or at start-up, with the expired sessions.
		await deleteExpiredSessions(db, later + 24 * 60 * MINUTE);
		expect(await counterRows()).toHaveLength(0);
	});

	it('stores no e-mail or address in clear', async () => {
		const t0 = newMorning();
		await login(db, new LoginThrottle(), 'secret.person@agglo.test', 'faux', '203.0.113.250', {
			now: t0
		});
		const dump = JSON.stringify(await counterRows());
		expect(dump).not.toContain('secret.person');
		expect(dump).not.toContain('203.0.113.250');
	});

	it('remembers a bounded number of devices per user', async () => {
		const target = await newUser();
		const t0 = newMorning();
		for (let i = 0; i < KNOWN_DEVICE_DEFAULTS.maxPerUser + 5; i++)
			await rememberDevice(db, null, target.id, t0 + i);
		const rows = await db
			.withTables<{ known_device: { user_id: string } }>()
			.selectFrom('known_device')
			.select('user_id')
			.where('user_id', '=', target.id)
			.execute();
		expect(rows).toHaveLength(KNOWN_DEVICE_DEFAULTS.maxPerUser);
	});
});

describe('sources', () => {
	it('an IPv4 address as it is, also IPv4-mapped; an IPv6 address counts for its /64', () => {
		expect(normaliseSource('203.0.113.9')).toBe('203.0.113.9');
		expect(normaliseSource('::ffff:203.0.113.9')).toBe('203.0.113.9');
		expect(normaliseSource('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
		expect(normaliseSource('2001:0db8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
		expect(normaliseSource('[2001:db8::1]')).toBe('2001:db8:0:0::/64');
		expect(normaliseSource('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
	});
});

describe('the client-address header (read by adapter-node, checked at start-up)', () => {
	it('ADDRESS_HEADER and XFF_DEPTH are read, and refused when unreadable', () => {
		expect(readConfig({})).toMatchObject({ addressHeader: '', xffDepth: 1 });
		expect(readConfig({ ADDRESS_HEADER: 'X-Forwarded-For', XFF_DEPTH: '2' })).toMatchObject({
			addressHeader: 'x-forwarded-for',
			xffDepth: 2
		});
		expect(() => readConfig({ ADDRESS_HEADER: 'x forwarded for' })).toThrow(/ADDRESS_HEADER/);
		expect(() => readConfig({ XFF_DEPTH: '0' })).toThrow(/XFF_DEPTH/);
	});
});
