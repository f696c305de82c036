// Frozen: never edit once merged; add a new file instead.
// Dialect-neutral on purpose (SQLite today, PostgreSQL by configuration): text ids,
// bigint epoch-milliseconds, no autoIncrement.
import { sql } from 'kysely';

/**
 * Binary column type: `blob` on SQLite, `bytea` on PostgreSQL.
 * @param {import('kysely').Kysely<any>} db
 */
function binaryType(db) {
	const adapter = db.getExecutor().adapter;
	return adapter.constructor.name.startsWith('Postgres') ? 'bytea' : 'blob';
}

/** @param {import('kysely').Kysely<any>} db */
export async function up(db) {
	await db.schema
		.createTable('territory')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('organisation')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('territory_id', 'text', (c) => c.notNull().references('territory.id').onDelete('cascade'))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('kind', 'text', (c) => c.notNull()) // 'epci' | 'commune'
		.addColumn('insee_code', 'text')
		.addColumn('population', 'integer')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('organisation_territory_idx').on('organisation').column('territory_id').execute();

	await db.schema
		.createTable('app_user')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('organisation_id', 'text', (c) => c.notNull().references('organisation.id').onDelete('cascade'))
		.addColumn('email', 'text', (c) => c.notNull().unique())
		.addColumn('display_name', 'text', (c) => c.notNull())
		.addColumn('job_title', 'text', (c) => c.notNull())
		.addColumn('territory_role', 'text', (c) => c.notNull()) // 'membre' | 'direction' | 'admin'
		.addColumn('password_hash', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('app_user_organisation_idx').on('app_user').column('organisation_id').execute();

	await db.schema
		.createTable('session')
		.addColumn('id', 'text', (c) => c.primaryKey()) // SHA-256 of the token, never the token
		.addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('expires_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('session_user_idx').on('session').column('user_id').execute();

	await db.schema
		.createTable('document')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('territory_id', 'text', (c) => c.notNull().references('territory.id').onDelete('cascade'))
		.addColumn('title', 'text', (c) => c.notNull())
		.addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('document_territory_idx').on('document').columns(['territory_id', 'updated_at']).execute();

	await db.schema
		.createTable('document_member')
		.addColumn('document_id', 'text', (c) => c.notNull().references('document.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
		.addColumn('role', 'text', (c) => c.notNull()) // 'editor' | 'reader'
		.addColumn('added_by', 'text', (c) => c.references('app_user.id'))
		.addColumn('added_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('document_member_pk', ['document_id', 'user_id'])
		.execute();
	await db.schema.createIndex('document_member_user_idx').on('document_member').column('user_id').execute();

	const binary = binaryType(db);
	// The journal: every accepted Yjs update with its author, appended before broadcast.
	// Rows are kept after compaction: they are the authorship history.
	await db.schema
		.createTable('document_update')
		.addColumn('document_id', 'text', (c) => c.notNull().references('document.id').onDelete('cascade'))
		.addColumn('seq', 'bigint', (c) => c.notNull())
		.addColumn('user_id', 'text', (c) => c.references('app_user.id'))
		.addColumn('data', sql.raw(binary), (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('document_update_pk', ['document_id', 'seq'])
		.execute();

	// Latest compacted state: loading = snapshot + journal rows with seq > upto_seq.
	await db.schema
		.createTable('document_snapshot')
		.addColumn('document_id', 'text', (c) => c.primaryKey().references('document.id').onDelete('cascade'))
		.addColumn('upto_seq', 'bigint', (c) => c.notNull())
		.addColumn('state', sql.raw(binary), (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute();
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	for (const table of ['document_snapshot', 'document_update', 'document_member', 'document', 'session', 'app_user', 'organisation', 'territory']) {
		await db.schema.dropTable(table).execute();
	}
}
