// Frozen: never edit once merged; add a new file instead.
// A journal row may hold several consecutive updates of one author (those received in one
// socket read): `updates` says how many. 1: `data` is one Yjs update, as before. More: `data`
// is a lib0-encoded list (count, then each update as a length-prefixed byte array).

/** @param {import('kysely').Kysely<any>} db */
export async function up(db) {
	await db.schema.alterTable('document_update').addColumn('updates', 'integer', (c) => c.notNull().defaultTo(1)).execute();
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	await db.schema.alterTable('document_update').dropColumn('updates').execute();
}
