// Issue 10, defect 7: a socket opened with a session that later expires stayed open. It now
// closes when its session ends (4401, as at logout), after asking the database once more.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { CloseCode } from '../../src/lib/collab/protocol';
import {
	generateSessionToken,
	sessionIdFromToken,
	SESSION_DEFAULTS
} from '../../src/lib/server/auth/session';
import { freshDb } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import { connectProvider, nextClose, startCollabServer, synced } from '../helpers/collab';

let db: Db;
let port: number;
let user: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	user = await buildUser(db, territory, territory.epciId);
	({ port } = await startCollabServer(db, { sessionRecheckMs: 500 }));
});

/** A session of `user` that reaches its absolute lifetime `msLeft` from now (no renewal helps). */
async function sessionEndingIn(msLeft: number): Promise<{ token: string; id: string }> {
	const token = generateSessionToken();
	const now = Date.now();
	const id = sessionIdFromToken(token);
	await db
		.insertInto('session')
		.values({
			id,
			user_id: user.id,
			created_at: now + msLeft - SESSION_DEFAULTS.absoluteLifetimeMs,
			expires_at: now + msLeft
		})
		.execute();
	return { token, id };
}

describe('a collaboration socket whose session ends', () => {
	it('is closed at the session’s end with 4401, while a live session’s socket stays', async () => {
		const documentId = await buildDocument(db, user);
		const { token } = await sessionEndingIn(1_500);
		const ending = connectProvider(port, documentId, token);
		const lasting = connectProvider(port, documentId, user.token);
		await Promise.all([synced(ending.provider), synced(lasting.provider)]);

		const openedAt = Date.now();
		expect(await nextClose(ending.provider, 6_000)).toBe(CloseCode.sessionEnded);
		// Not before its end (the check runs every second).
		expect(Date.now() - openedAt).toBeGreaterThanOrEqual(1_000);
		ending.provider.destroy();
		expect(lasting.provider.wsconnected).toBe(true);
	});

	it('stays open when the session was renewed meanwhile (a page load slides it)', async () => {
		const documentId = await buildDocument(db, user);
		const { token, id } = await sessionEndingIn(1_000);
		const client = connectProvider(port, documentId, token);
		await synced(client.provider);
		// What a page load does for a session still far from its cap: a later end.
		const now = Date.now();
		await db
			.updateTable('session')
			.set({ created_at: now, expires_at: now + 60_000 })
			.where('id', '=', id)
			.execute();
		const closed = nextClose(client.provider, 3_000).then(
			(code) => code,
			() => null
		);
		expect(await closed).toBeNull();
		expect(client.provider.wsconnected).toBe(true);
	});

	it('is closed when its session is deleted or shortened other than by logout (found by the outside review)', async () => {
		const documentId = await buildDocument(db, user);
		const deleted = await sessionEndingIn(60 * 60_000);
		const shortened = await sessionEndingIn(60 * 60_000);
		const a = connectProvider(port, documentId, deleted.token);
		const b = connectProvider(port, documentId, shortened.token);
		await Promise.all([synced(a.provider), synced(b.provider)]);
		const closes = [nextClose(a.provider, 5_000), nextClose(b.provider, 5_000)];
		await db.deleteFrom('session').where('id', '=', deleted.id).execute();
		await db
			.updateTable('session')
			.set({ expires_at: Date.now() - 1 })
			.where('id', '=', shortened.id)
			.execute();
		expect(await Promise.all(closes)).toEqual([CloseCode.sessionEnded, CloseCode.sessionEnded]);
	});
});
