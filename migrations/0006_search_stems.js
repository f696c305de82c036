// Frozen: never edit once merged; add a new file instead.
// French search by stems, identical on both databases: « délibérer » finds « délibérations ».
// FTS5 has no French tokenizer (and better-sqlite3 cannot register one) and PostgreSQL's
// `french` configuration stems differently, so the application computes the terms itself
// (Snowball French stems and the words, lower case, accents folded, separated by spaces) and
// both databases only index those words as they are. SQLite: an FTS5 table. PostgreSQL: plain
// rows with a GIN index on the 'simple' configuration (no stemming, no stop words). FTS5 folds
// no diacritics itself (remove_diacritics 0): the terms are folded already, as PostgreSQL sees them.
// Rows are filled by the application (src/lib/server/search): documents indexed before this
// migration get theirs from document_search's text the first time they are searched.

/** @param {import('kysely').Kysely<any>} db */
function isPostgres(db) {
	return db.getExecutor().adapter.constructor.name.startsWith('Postgres');
}

/** @param {import('kysely').Kysely<any>} db */
export async function up(db) {
	const { sql } = await import('kysely');
	if (isPostgres(db)) {
		await db.schema
			.createTable('document_terms')
			.addColumn('document_id', 'text', (c) => c.primaryKey().references('document.id').onDelete('cascade'))
			.addColumn('terms', 'text', (c) => c.notNull())
			.execute();
		await sql`create index document_terms_words on document_terms using gin (to_tsvector('simple', terms))`.execute(db);
	} else {
		await sql`create virtual table document_terms using fts5(document_id unindexed, terms, tokenize = 'unicode61 remove_diacritics 0')`.execute(db);
	}
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	await db.schema.dropTable('document_terms').execute();
}
