import { beforeAll, describe, expect, it } from 'vitest';
import {
	createSession,
	generateSessionToken,
	invalidateSession,
	sessionIdFromToken,
	SESSION_DEFAULTS,
	validateSessionToken
} from '../../src/lib/server/auth/session';
import type { Db } from '../../src/lib/server/db';
import { freshDb } from '../helpers/db';
import { buildTerritory, buildUser, type TestUser } from '../helpers/factories';

const DAY = 24 * 60 * 60 * 1000;
let db: Db;
let user: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	user = await buildUser(db, territory, territory.communeId, { name: 'Hélène Faure' });
});

describe('sessions (Lucia pattern)', () => {
	it('stores only the SHA-256 of the token and validates the token into the user', async () => {
		const token = generateSessionToken();
		const now = Date.now();
		const session = await createSession(db, token, user.id, now);
		expect(session.id).toBe(sessionIdFromToken(token));
		expect(session.id).toMatch(/^[0-9a-f]{64}$/);
		const stored = await db
			.selectFrom('session')
			.selectAll()
			.where('user_id', '=', user.id)
			.execute();
		expect(stored.map((s) => s.id)).not.toContain(token);

		const result = await validateSessionToken(db, token, now + 1000);
		expect(result.user?.displayName).toBe('Hélène Faure');
		expect(result.user?.organisationName).toBe('Commune Test');
		expect(result.session?.expiresAt).toBe(now + SESSION_DEFAULTS.idleLifetimeMs);
	});

	it('rejects unknown tokens', async () => {
		expect((await validateSessionToken(db, generateSessionToken())).session).toBeNull();
	});

	it('slides the expiry when less than 15 days remain', async () => {
		const token = generateSessionToken();
		const t0 = Date.now();
		await createSession(db, token, user.id, t0);
		const t20 = t0 + 20 * DAY;
		const result = await validateSessionToken(db, token, t20);
		expect(result.session?.expiresAt).toBe(t20 + 30 * DAY);
		// Without activity for 30 days after that, it expires.
		expect((await validateSessionToken(db, token, t20 + 30 * DAY + 1)).session).toBeNull();
	});

	it('expires after 30 idle days and deletes the row', async () => {
		const token = generateSessionToken();
		const t0 = Date.now();
		await createSession(db, token, user.id, t0);
		expect((await validateSessionToken(db, token, t0 + 30 * DAY)).session).toBeNull();
		const row = await db
			.selectFrom('session')
			.select('id')
			.where('id', '=', sessionIdFromToken(token))
			.executeTakeFirst();
		expect(row).toBeUndefined();
	});

	it('caps the lifetime at 90 days however active the user is', async () => {
		const token = generateSessionToken();
		const t0 = Date.now();
		await createSession(db, token, user.id, t0);
		for (let day = 16; day < 90; day += 16) {
			// Slid by 30 days each time (less than 15 were left), never past the cap.
			const expiresAt = (await validateSessionToken(db, token, t0 + day * DAY)).session?.expiresAt;
			expect(expiresAt).toBe(Math.min(t0 + (day + 30) * DAY, t0 + 90 * DAY));
		}
		const nearEnd = await validateSessionToken(db, token, t0 + 89 * DAY);
		expect(nearEnd.session?.expiresAt).toBe(t0 + 90 * DAY);
		expect((await validateSessionToken(db, token, t0 + 90 * DAY)).session).toBeNull();
	});

	it('is gone after invalidation (logout)', async () => {
		const token = generateSessionToken();
		const session = await createSession(db, token, user.id);
		await invalidateSession(db, session.id);
		expect((await validateSessionToken(db, token)).session).toBeNull();
	});
});
