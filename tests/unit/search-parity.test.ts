// Search behaves the same on SQLite (FTS5) and PostgreSQL (GIN index on the terms computed in
// JavaScript): this file runs in both the `unit` and `unit:pg` projects.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Db } from '../../src/lib/server/db';
import {
	MARK_END,
	MARK_START,
	POSTGRES_TERMS,
	searchDocuments,
	writeSearchEntry
} from '../../src/lib/server/search';
import { freshDb } from '../helpers/db';
import { TEST_DIALECT } from '../helpers/dialect';
import { buildDocument, buildTerritory, buildUser } from '../helpers/factories';

let db: Db;
let contacts: string;
let minutes: string;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	const author = await buildUser(db, territory, territory.epciId);
	contacts = await buildDocument(db, author);
	minutes = await buildDocument(db, author);
	await writeSearchEntry(
		db,
		contacts,
		'Registre RGPD',
		'Référent : marc.lefevre@agglo-lauze.test — registre publié sur https://agglo-lauze.fr/rgpd/registre_2026.'
	);
	await writeSearchEntry(
		db,
		minutes,
		'Compte-rendu',
		'Séance du 12 mai : délibérations sur l’Œuvre commune.'
	);
});

const ids = async (query: string) =>
	(await searchDocuments(db, query, [contacts, minutes])).map((hit) => hit.id);

describe('search parity between SQLite and PostgreSQL', () => {
	it('finds words inside e-mail addresses, host names, URLs and paths', async () => {
		expect(await ids('lefevre')).toEqual([contacts]);
		expect(await ids('lauze')).toEqual([contacts]);
		expect(await ids('registre 2026')).toEqual([contacts]);
		expect(await ids('https')).toEqual([contacts]);
	});

	it('folds accents and ligature-free capitals both ways, matches prefixes, requires every word', async () => {
		expect(await ids('deliberation')).toEqual([minutes]);
		expect(await ids('DÉLIBÉ')).toEqual([minutes]);
		expect(await ids('seance mai')).toEqual([minutes]);
		expect(await ids('seance juin')).toEqual([]);
	});

	it('marks the matching words of the snippet', async () => {
		const [hit] = await searchDocuments(db, 'lefevre', [contacts]);
		expect(hit.snippet).toContain(`${MARK_START}lefevre${MARK_END}`);
	});

	it.runIf(TEST_DIALECT === 'postgres')('uses the terms index on PostgreSQL', async () => {
		const plan = await db.transaction().execute(async (trx) => {
			// Two rows: the planner would rather scan them; forbid it to see whether the index fits
			// the expression that searchDocuments uses.
			await sql`set local enable_seqscan = off`.execute(trx);
			const { rows } = await sql<{
				'QUERY PLAN': string;
			}>`explain select document_id from document_terms where ${POSTGRES_TERMS} @@ to_tsquery('simple', 'lefevr:*')`.execute(
				trx
			);
			return rows.map((row) => row['QUERY PLAN']).join('\n');
		});
		expect(plan).toContain('document_terms_words');
	});
});
