// Frozen: never edit once merged; add a new file instead.
// PostgreSQL's default parser keeps an e-mail address, a host name, a URL or a path as one
// token (« marc.lefevre@agglo-lauze.test »), where SQLite's FTS5 (unicode61) sees words: the
// index now turns ASCII punctuation into spaces first, so that both find « lefevre » or
// « lauze » in them. SQLite: nothing to do.
import { FOLD_FROM, FOLD_TO } from './0004_search_folded.js';

/** @param {import('kysely').Kysely<any>} db */
function isPostgres(db) {
	return db.getExecutor().adapter.constructor.name.startsWith('Postgres');
}

/** @param {import('kysely').Kysely<any>} db */
export async function up(db) {
	if (!isPostgres(db)) return;
	const { sql } = await import('kysely');
	await sql`drop index if exists document_search_folded`.execute(db);
	await sql`create index document_search_words on document_search using gin (to_tsvector('simple', regexp_replace(translate(lower(title || ' ' || body), ${sql.lit(FOLD_FROM)}, ${sql.lit(FOLD_TO)}), '[[:punct:]]+', ' ', 'g')))`.execute(db);
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	if (!isPostgres(db)) return;
	const { sql } = await import('kysely');
	await sql`drop index if exists document_search_words`.execute(db);
	await sql`create index document_search_folded on document_search using gin (to_tsvector('simple', translate(lower(title || ' ' || body), ${sql.lit(FOLD_FROM)}, ${sql.lit(FOLD_TO)})))`.execute(db);
}
