// Migration 0016 on a database holding people from before it (both dialects): each gets the
// structured function its free-text job title names without doubt, the others none.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Migrator, type Migration } from 'kysely';
import { migrations } from '../../migrations/index.js';
import { functionFromJobTitle } from '../../migrations/0016_distribution_lists.js';
import { openDatabase, type Db } from '../../src/lib/server/db';
import { onCleanup } from '../helpers/cleanup';
import { createPostgresDatabase, dropPostgresDatabase, TEST_DIALECT } from '../helpers/dialect';

/** An empty database of its own (freshDb would migrate it to the latest at once). */
async function emptyDb(): Promise<Db> {
	if (TEST_DIALECT === 'postgres') {
		const { url, name } = await createPostgresDatabase();
		const db = openDatabase(url);
		onCleanup(async () => {
			await db.destroy();
			await dropPostgresDatabase(name);
		});
		return db;
	}
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assemblier-backfill-'));
	const db = openDatabase(path.join(dir, 'test.sqlite'));
	onCleanup(async () => {
		await db.destroy();
		fs.rmSync(dir, { recursive: true, force: true });
	});
	return db;
}

const migrator = (db: Db) =>
	new Migrator({
		db,
		provider: { getMigrations: async () => migrations as Record<string, Migration> }
	});

const TITLES: [string, string | null][] = [
	['Directrice générale des services (DGS)', 'dgs'],
	['Directeur général des services', 'dgs'],
	['DGS', 'dgs'],
	['Directeur général adjoint ressources (DGA)', 'dga'],
	['Directrice générale adjointe des services', 'dga'],
	['Secrétaire de mairie', 'secretaire_mairie'],
	['Secrétaire général de mairie', 'secretaire_mairie'],
	['Directrice des ressources humaines', 'directeur'],
	['Directeur de l’aménagement', 'directeur'],
	['Élu, vice-président chargé de la mutualisation', 'elu'],
	['Maire de Lauzières', 'elu'],
	['Responsable des ressources humaines', null],
	['Chargé de mission numérique et RGPD', null],
	['Administrateur de la plateforme', null],
	['', null]
];

describe('migration 0016: functions from job titles', () => {
	it('names what is unambiguous and leaves the rest null', () => {
		for (const [title, fn] of TITLES) expect(functionFromJobTitle(title), title).toBe(fn);
	});

	it('backfills the people already stored, then the new tables are empty', async () => {
		const db = await emptyDb();
		const before = await migrator(db).migrateTo('0015_outbox');
		expect(before.error).toBeUndefined();
		await db
			.insertInto('territory')
			.values({ id: 't1', name: 'CA', kind: 'ca', created_at: 1 })
			.execute();
		await db
			.insertInto('organisation')
			.values({
				id: 'o1',
				territory_id: 't1',
				name: 'Agglo',
				kind: 'epci',
				insee_code: null,
				population: null,
				created_at: 1
			})
			.execute();
		// Written as before 0016: the row has no function column yet.
		const rows = TITLES.map(([title], i) => ({
			id: `u${i}`,
			organisation_id: 'o1',
			email: `u${i}@test.example`,
			display_name: `Personne ${i}`,
			job_title: title,
			territory_role: 'membre' as const,
			password_hash: 'x',
			created_at: 1
		}));
		await (db as unknown as import('kysely').Kysely<Record<string, object>>)
			.insertInto('app_user')
			.values(rows)
			.execute();
		const after = await migrator(db).migrateTo('0016_distribution_lists');
		expect(after.error).toBeUndefined();
		const stored = await db.selectFrom('app_user').select(['id', 'function']).execute();
		const byId = new Map(stored.map((r) => [r.id, r.function]));
		TITLES.forEach(([title, fn], i) => expect(byId.get(`u${i}`), title).toBe(fn));
		expect(await db.selectFrom('distribution_list').selectAll().execute()).toEqual([]);
		// And down again: the column and the tables go, the people stay.
		const down = await migrator(db).migrateDown();
		expect(down.error).toBeUndefined();
		expect(
			(await db.selectFrom('app_user').select('id').execute()).map((r) => r.id).sort()
		).toEqual(rows.map((r) => r.id).sort());
	});
});
