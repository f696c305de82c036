// Frozen: never edit once merged; add a new file instead.
// Access requests: someone of the territory who does not take part in a document asks its
// binôme for access; the binôme accepts (with a role it chooses) or refuses.
import { sql } from 'kysely';

/** @param {import('kysely').Kysely<any>} db */
export async function up(db) {
	await db.schema
		.createTable('document_access_request')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('document_id', 'text', (c) => c.notNull().references('document.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
		.addColumn('message', 'text', (c) => c.notNull().defaultTo('')) // at most 500 characters
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('pending')) // 'pending' | 'accepted' | 'refused'
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('decided_by', 'text', (c) => c.references('app_user.id'))
		.addColumn('decided_at', 'bigint')
		.execute();
	// One pending request per person and document; decided ones stay as history.
	await db.schema
		.createIndex('document_access_request_pending')
		.on('document_access_request')
		.columns(['document_id', 'user_id'])
		.unique()
		.where(sql.ref('status'), '=', 'pending')
		.execute();
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	await db.schema.dropTable('document_access_request').execute();
}
