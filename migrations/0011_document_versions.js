// Frozen: never edit once merged; add a new file instead.
// Version history (issue 11). A version is a point of the journal (`seq`): the document as it
// was once every journal row up to it is applied. `document_version_author` says who
// contributed to the rows since the previous version, per user and organisation (queryable for
// the élus' traceability dashboard). `document_checkpoint` keeps the full state at some
// versions only, so that opening a version replays a bounded number of rows, and storage grows
// with the edits, not with versions × document size.
import { sql } from 'kysely';

/** @param {import('kysely').Kysely<any>} db */
function binaryType(db) {
	const adapter = db.getExecutor().adapter;
	return adapter.constructor.name.startsWith('Postgres') ? 'bytea' : 'blob';
}

/** @param {import('kysely').Kysely<any>} db */
export async function up(db) {
	await db.schema
		.createTable('document_version')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('document_id', 'text', (c) => c.notNull().references('document.id').onDelete('cascade'))
		.addColumn('seq', 'bigint', (c) => c.notNull()) // last journal row included
		.addColumn('from_seq', 'bigint', (c) => c.notNull()) // the previous version's seq
		.addColumn('kind', 'text', (c) => c.notNull()) // 'auto' | 'named' | 'restore'
		.addColumn('name', 'text')
		.addColumn('comment', 'text')
		.addColumn('created_by', 'text', (c) => c.references('app_user.id'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updates', 'integer', (c) => c.notNull())
		.addColumn('chars_added', 'integer', (c) => c.notNull())
		.addColumn('chars_removed', 'integer', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('document_version_document_idx')
		.on('document_version')
		.columns(['document_id', 'seq'])
		.execute();

	await db.schema
		.createTable('document_version_author')
		.addColumn('version_id', 'text', (c) => c.notNull().references('document_version.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
		.addColumn('organisation_id', 'text', (c) => c.notNull().references('organisation.id'))
		.addColumn('updates', 'integer', (c) => c.notNull())
		.addColumn('chars_added', 'integer', (c) => c.notNull())
		.addColumn('chars_removed', 'integer', (c) => c.notNull())
		.addPrimaryKeyConstraint('document_version_author_pk', ['version_id', 'user_id'])
		.execute();

	await db.schema
		.createTable('document_checkpoint')
		.addColumn('document_id', 'text', (c) => c.notNull().references('document.id').onDelete('cascade'))
		.addColumn('seq', 'bigint', (c) => c.notNull())
		.addColumn('state', sql.raw(binaryType(db)), (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('document_checkpoint_pk', ['document_id', 'seq'])
		.execute();
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	await db.schema.dropTable('document_checkpoint').execute();
	await db.schema.dropTable('document_version_author').execute();
	await db.schema.dropTable('document_version').execute();
}
