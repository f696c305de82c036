// Frozen: never edit once merged; add a new file instead.
// Issue 11, continued. `document_visit`: the journal position each user last had of each
// document (on opening it and on leaving it), for « Voir les modifications depuis votre
// dernière visite ». `document_version.restored_from`: the version a restore brought back.

/** @param {import('kysely').Kysely<any>} db */
export async function up(db) {
	await db.schema
		.createTable('document_visit')
		.addColumn('document_id', 'text', (c) => c.notNull().references('document.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
		.addColumn('seen_seq', 'bigint', (c) => c.notNull())
		.addColumn('seen_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('document_visit_pk', ['document_id', 'user_id'])
		.execute();
	await db.schema
		.alterTable('document_version')
		.addColumn('restored_from', 'text')
		.execute();
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	await db.schema.alterTable('document_version').dropColumn('restored_from').execute();
	await db.schema.dropTable('document_visit').execute();
}
