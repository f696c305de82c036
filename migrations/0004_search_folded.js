// Frozen: never edit once merged; add a new file instead.
// PostgreSQL's search folds accents and matches prefixes, as SQLite's FTS5 table does: the
// French configuration neither removes accents nor keeps « indemnité » findable by « indemnite ».
// translate() is built in and immutable, so it can sit in an expression index (no extension to
// install). The map covers the Latin letters with diacritics of Latin-1 and Latin Extended-A that
// Unicode decomposes (NFD), as src/lib/server/search/index.ts folds words to mark matches. SQLite: nothing to do.

/** @param {import('kysely').Kysely<any>} db */
function isPostgres(db) {
	return db.getExecutor().adapter.constructor.name.startsWith('Postgres');
}

const FROM =
	'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž';
const TO =
	'aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddeeeeeeeeeegggggggghhiiiiiiiiijjkkllllllnnnnnnoooooorrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzzz';

/** @param {import('kysely').Kysely<any>} db */
export async function up(db) {
	if (!isPostgres(db)) return;
	const { sql } = await import('kysely');
	await sql`drop index if exists document_search_fts`.execute(db);
	await sql`create index document_search_folded on document_search using gin (to_tsvector('simple', translate(lower(title || ' ' || body), ${sql.lit(FROM)}, ${sql.lit(TO)})))`.execute(
		db
	);
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	if (!isPostgres(db)) return;
	const { sql } = await import('kysely');
	await sql`drop index if exists document_search_folded`.execute(db);
	await sql`create index document_search_fts on document_search using gin (to_tsvector('french', title || ' ' || body))`.execute(
		db
	);
}

export const FOLD_FROM = FROM;
export const FOLD_TO = TO;
