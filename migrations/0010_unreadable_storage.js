// Frozen: never edit once merged; add a new file instead.
// Storage that cannot be read (disk corruption, a bad restore, a future Yjs incompatibility)
// fails its document alone. The collaboration server records the failure (document_damage)
// for the administrator; the repair moves the unreadable journal rows or snapshot into
// document_set_aside, kept byte for byte, so that the document opens with what remains.
import { sql } from 'kysely';

/** @param {import('kysely').Kysely<any>} db */
function binaryType(db) {
	const adapter = db.getExecutor().adapter;
	return adapter.constructor.name.startsWith('Postgres') ? 'bytea' : 'blob';
}

/** @param {import('kysely').Kysely<any>} db */
export async function up(db) {
	await db.schema
		.createTable('document_damage')
		.addColumn('document_id', 'text', (c) => c.primaryKey().references('document.id').onDelete('cascade'))
		.addColumn('detected_at', 'bigint', (c) => c.notNull())
		.addColumn('detail', 'text', (c) => c.notNull())
		.addColumn('repaired_at', 'bigint')
		.addColumn('repaired_by', 'text', (c) => c.references('app_user.id'))
		.execute();

	await db.schema
		.createTable('document_set_aside')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('document_id', 'text', (c) => c.notNull().references('document.id').onDelete('cascade'))
		.addColumn('source', 'text', (c) => c.notNull()) // 'update' | 'snapshot'
		.addColumn('seq', 'bigint', (c) => c.notNull()) // journal seq, or the snapshot's upto_seq
		.addColumn('user_id', 'text', (c) => c.references('app_user.id'))
		.addColumn('updates', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('data', sql.raw(binaryType(db)), (c) => c.notNull())
		.addColumn('stored_at', 'bigint', (c) => c.notNull())
		.addColumn('error', 'text', (c) => c.notNull())
		.addColumn('set_aside_at', 'bigint', (c) => c.notNull())
		.addColumn('set_aside_by', 'text', (c) => c.references('app_user.id'))
		.execute();
	await db.schema
		.createIndex('document_set_aside_document_idx')
		.on('document_set_aside')
		.column('document_id')
		.execute();
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	await db.schema.dropTable('document_set_aside').execute();
	await db.schema.dropTable('document_damage').execute();
}
