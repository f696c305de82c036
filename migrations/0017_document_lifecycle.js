// Frozen: never edit once merged; add a new file instead.
// Issue 13: the life cycle of a document — brouillon → en consultation → validé → publié →
// archivé. Every transition is a row (who, when, why, on which version); a consultation is
// opened on a named version, of chosen people, with a deadline, and ends validated (explicitly
// or tacitly) or returned to draft; observations are comment threads of a consultation, marked
// blocking until the binôme answers them; publications are numbered versions.
import { sql } from 'kysely';

/** @param {import('kysely').Kysely<any>} db */
export async function up(db) {
	await db.schema
		.alterTable('territory')
		.addColumn('consultation_days', 'integer', (c) => c.notNull().defaultTo(8))
		.execute();

	await db.schema
		.createTable('consultation')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('document_id', 'text', (c) => c.notNull().references('document.id').onDelete('cascade'))
		.addColumn('version_id', 'text', (c) => c.notNull().references('document_version.id'))
		.addColumn('opened_by', 'text', (c) => c.notNull().references('app_user.id'))
		.addColumn('opened_at', 'bigint', (c) => c.notNull())
		.addColumn('deadline_at', 'bigint', (c) => c.notNull())
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('open')) // 'open' | 'validated' | 'returned'
		.addColumn('outcome', 'text') // 'explicit' | 'tacit' once validated
		.addColumn('closed_by', 'text', (c) => c.references('app_user.id'))
		.addColumn('closed_at', 'bigint')
		.execute();
	// At most one open consultation per document (two clicks at once open one).
	await db.schema
		.createIndex('consultation_one_open')
		.on('consultation')
		.column('document_id')
		.unique()
		.where(sql.ref('status'), '=', 'open')
		.execute();
	await db.schema.createIndex('consultation_due_idx').on('consultation').columns(['status', 'deadline_at']).execute();
	await db.schema.createIndex('consultation_document_idx').on('consultation').columns(['document_id', 'opened_at']).execute();

	// Who was consulted (people, as chosen or through their organisation, when it opened).
	await db.schema
		.createTable('consultation_invitee')
		.addColumn('consultation_id', 'text', (c) => c.notNull().references('consultation.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
		.addColumn('organisation_id', 'text', (c) => c.references('organisation.id'))
		.addPrimaryKeyConstraint('consultation_invitee_pk', ['consultation_id', 'user_id'])
		.execute();

	await db.schema
		.createTable('document_transition')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('document_id', 'text', (c) => c.notNull().references('document.id').onDelete('cascade'))
		.addColumn('from_status', 'text', (c) => c.notNull())
		.addColumn('to_status', 'text', (c) => c.notNull())
		.addColumn('action', 'text', (c) => c.notNull())
		// Null: the server itself (a tacit validation at the deadline).
		.addColumn('actor_id', 'text', (c) => c.references('app_user.id'))
		.addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('version_id', 'text', (c) => c.references('document_version.id'))
		.addColumn('consultation_id', 'text', (c) => c.references('consultation.id'))
		.addColumn('at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('document_transition_document_idx').on('document_transition').columns(['document_id', 'at']).execute();

	// Observations: threads of a consultation, blocking until answered.
	await db.schema.alterTable('comment_thread').addColumn('consultation_id', 'text', (c) => c.references('consultation.id')).execute();
	await db.schema.alterTable('comment_thread').addColumn('blocking', 'integer', (c) => c.notNull().defaultTo(0)).execute();
	await db.schema.alterTable('comment_thread').addColumn('answer', 'text').execute(); // 'accepted' | 'rejected'
	await db.schema.alterTable('comment_thread').addColumn('answer_reason', 'text').execute();
	await db.schema.alterTable('comment_thread').addColumn('answered_by', 'text', (c) => c.references('app_user.id')).execute();
	await db.schema.alterTable('comment_thread').addColumn('answered_at', 'bigint').execute();
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	for (const column of ['answered_at', 'answered_by', 'answer_reason', 'answer', 'blocking', 'consultation_id'])
		await db.schema.alterTable('comment_thread').dropColumn(column).execute();
	await db.schema.dropTable('document_transition').execute();
	await db.schema.dropTable('consultation_invitee').execute();
	await db.schema.dropTable('consultation').execute();
	await db.schema.alterTable('territory').dropColumn('consultation_days').execute();
}
