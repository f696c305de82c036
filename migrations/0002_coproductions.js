// Frozen: never edit once merged; add a new file instead.
// Co-productions: document kinds and metadata, binôme (role 'colead'), annotators, whole
// organisations as participants, organisations concerned, templates, and the search index.
import { sql } from 'kysely';

/** @param {import('kysely').Kysely<any>} db */
function isPostgres(db) {
	return db.getExecutor().adapter.constructor.name.startsWith('Postgres');
}

/** @param {import('kysely').Kysely<any>} db */
export async function up(db) {
	await db.schema.alterTable('document').addColumn('kind', 'text', (c) => c.notNull().defaultTo('note')).execute();
	await db.schema.alterTable('document').addColumn('theme', 'text').execute();
	await db.schema.alterTable('document').addColumn('summary', 'text', (c) => c.notNull().defaultTo('')).execute();
	await db.schema.alterTable('document').addColumn('due_date', 'text').execute(); // ISO yyyy-mm-dd
	await db.schema.alterTable('document').addColumn('status', 'text', (c) => c.notNull().defaultTo('brouillon')).execute();

	await db.schema
		.createTable('document_organisation')
		.addColumn('document_id', 'text', (c) => c.notNull().references('document.id').onDelete('cascade'))
		.addColumn('organisation_id', 'text', (c) => c.notNull().references('organisation.id').onDelete('cascade'))
		.addPrimaryKeyConstraint('document_organisation_pk', ['document_id', 'organisation_id'])
		.execute();

	// Every user of the organisation takes part with this role (unless given a higher one personally).
	await db.schema
		.createTable('document_org_member')
		.addColumn('document_id', 'text', (c) => c.notNull().references('document.id').onDelete('cascade'))
		.addColumn('organisation_id', 'text', (c) => c.notNull().references('organisation.id').onDelete('cascade'))
		.addColumn('role', 'text', (c) => c.notNull()) // 'editor' | 'annotator' | 'reader'
		.addColumn('added_by', 'text', (c) => c.references('app_user.id'))
		.addColumn('added_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('document_org_member_pk', ['document_id', 'organisation_id'])
		.execute();
	await db.schema.createIndex('document_org_member_org_idx').on('document_org_member').column('organisation_id').execute();

	await db.schema
		.createTable('document_template')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('body', 'text', (c) => c.notNull()) // ProseMirror JSON
		.addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('updated_by', 'text', (c) => c.references('app_user.id'))
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute();

	if (isPostgres(db)) {
		await db.schema
			.createTable('document_search')
			.addColumn('document_id', 'text', (c) => c.primaryKey().references('document.id').onDelete('cascade'))
			.addColumn('title', 'text', (c) => c.notNull())
			.addColumn('body', 'text', (c) => c.notNull())
			.execute();
		await sql`create index document_search_fts on document_search using gin (to_tsvector('french', title || ' ' || body))`.execute(db);
	} else {
		// Accents folded so that « reglementaire » finds « réglementaire ».
		await sql`create virtual table document_search using fts5(document_id unindexed, title, body, tokenize = 'unicode61 remove_diacritics 2')`.execute(db);
	}
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	await db.schema.dropTable('document_search').execute();
	await db.schema.dropTable('document_template').execute();
	await db.schema.dropTable('document_org_member').execute();
	await db.schema.dropTable('document_organisation').execute();
	for (const column of ['status', 'due_date', 'summary', 'theme', 'kind']) {
		await db.schema.alterTable('document').dropColumn(column).execute();
	}
}
