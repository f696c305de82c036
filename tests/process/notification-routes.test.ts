// The notifications routes of the real production process: the bell's count, the page, following
// and marking — and someone else's notification answers 404 with nothing changed.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { commands } from '../../src/lib/server/documents';
import { SESSION_COOKIE } from '../../src/lib/server/auth/cookie';
import { freshDb } from '../helpers/db';
import { buildRoleCast, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import { freePort, spawnServer, useBuiltServer } from '../helpers/process';

useBuiltServer();

let db: Db;
let base: string;
let cast: Awaited<ReturnType<typeof buildRoleCast>>;
let asker: TestUser;

beforeAll(async () => {
	const fresh = await freshDb();
	db = fresh.db;
	const territory = await buildTerritory(db);
	cast = await buildRoleCast(db, territory);
	asker = await buildUser(db, territory, territory.communeId, { name: 'Karim Benali' });
	const port = await freePort();
	base = `http://127.0.0.1:${port}`;
	await spawnServer(port, fresh.url, { ORIGIN: base });
}, 120_000);

async function call(
	path: string,
	user: TestUser | null,
	options: { form?: Record<string, string>; accept?: string } = {}
) {
	const headers: Record<string, string> = { accept: options.accept ?? 'text/html', origin: base };
	if (user) headers.cookie = `${SESSION_COOKIE}=${user.token}`;
	const init: RequestInit = { headers, redirect: 'manual' };
	if (options.form) {
		init.method = 'POST';
		init.body = new URLSearchParams(options.form);
		headers['content-type'] = 'application/x-www-form-urlencoded';
	}
	const response = await fetch(base + path, init);
	return {
		status: response.status,
		location: response.headers.get('location'),
		cacheControl: response.headers.get('cache-control'),
		text: await response.text()
	};
}

const count = async (user: TestUser) => {
	const answer = await call('/notifications/compte', user, { accept: 'application/json' });
	expect(answer.status).toBe(200);
	expect(answer.cacheControl).toBe('no-store');
	return (JSON.parse(answer.text) as { unread: number }).unread;
};

const rowsOf = (user: TestUser) =>
	db
		.selectFrom('notification')
		.select(['id', 'read_at'])
		.where('user_id', '=', user.id)
		.orderBy('created_at')
		.execute();

describe('notifications routes', () => {
	it('the count: 401 for anonymous requests, the unread number for the signed-in user', async () => {
		expect((await call('/notifications/compte', null, { accept: 'application/json' })).status).toBe(
			401
		);
		expect(await count(cast.coLead)).toBe(0);
		await commands.requestAccess(db, asker, cast.documentId, { message: 'Pour la commission RH' });
		expect(await count(cast.coLead)).toBe(1);
		expect(await count(cast.partner)).toBe(1);
		expect(await count(asker)).toBe(0);
	});

	it('the page says who asked what, the bell says how many', async () => {
		const page = await call('/notifications', cast.coLead);
		expect(page.status).toBe(200);
		expect(page.text).toContain('Karim Benali demande l’accès au document « Document de test »');
		expect(page.text).toContain('Pour la commission RH');
		expect(page.text).toContain('aria-label="Notifications, 1 non lue"');
	});

	it('someone else’s notification, or no id: 404, nothing marked', async () => {
		const [theirs] = await rowsOf(cast.coLead);
		const forms: Record<string, string>[] = [{ id: theirs.id }, { id: 'pas-un-id' }, {}];
		for (const form of forms) {
			for (const action of ['ouvrir', 'lu'])
				expect((await call(`/notifications?/${action}`, cast.partner, { form })).status).toBe(404);
		}
		expect(await rowsOf(cast.coLead)).toEqual([theirs]);
		expect(await count(cast.partner)).toBe(1);
	});

	it('following it marks it read and leads to the document; « Tout marquer comme lu » clears the rest', async () => {
		const [mine] = await rowsOf(cast.coLead);
		const followed = await call('/notifications?/ouvrir', cast.coLead, { form: { id: mine.id } });
		expect(followed).toMatchObject({ status: 303, location: `/documents/${cast.documentId}` });
		expect(await count(cast.coLead)).toBe(0);
		expect(await count(cast.partner)).toBe(1);

		const all = await call('/notifications?/toutLu', cast.partner, { form: {} });
		expect(all).toMatchObject({ status: 303, location: '/notifications' });
		expect(await count(cast.partner)).toBe(0);
	});
});
