// Frozen: never edit once merged; add a new file instead.
// Issue 12: clubs métiers, the documents they are invited to annotate, anchored comment threads
// (kept outside the Y.Doc), the clubs' formal avis on a version, and in-app notifications.
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
	const binary = sql.raw(binaryType(db));
	await db.schema
		.createTable('club')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('territory_id', 'text', (c) => c.notNull().references('territory.id').onDelete('cascade'))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('theme', 'text', (c) => c.notNull())
		.addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('created_by', 'text', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('club_territory_name').on('club').columns(['territory_id', 'name']).unique().execute();

	await db.schema
		.createTable('club_member')
		.addColumn('club_id', 'text', (c) => c.notNull().references('club.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
		.addColumn('role', 'text', (c) => c.notNull()) // 'animateur' | 'membre'
		.addColumn('added_by', 'text', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('added_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('club_member_pk', ['club_id', 'user_id'])
		.execute();
	await db.schema.createIndex('club_member_user_idx').on('club_member').column('user_id').execute();

	await db.schema
		.createTable('club_join_request')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('club_id', 'text', (c) => c.notNull().references('club.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
		.addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('pending')) // 'pending' | 'accepted' | 'refused'
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('decided_by', 'text', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('decided_at', 'bigint')
		.execute();
	await db.schema
		.createIndex('club_join_request_pending')
		.on('club_join_request')
		.columns(['club_id', 'user_id'])
		.unique()
		.where(sql.ref('status'), '=', 'pending')
		.execute();

	// A club invited to annotate a document: its members are annotators (access.ts).
	await db.schema
		.createTable('document_club')
		.addColumn('document_id', 'text', (c) => c.notNull().references('document.id').onDelete('cascade'))
		.addColumn('club_id', 'text', (c) => c.notNull().references('club.id').onDelete('cascade'))
		.addColumn('invited_by', 'text', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('invited_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('document_club_pk', ['document_id', 'club_id'])
		.execute();
	await db.schema.createIndex('document_club_club_idx').on('document_club').column('club_id').execute();

	// A thread anchored on a passage: two Yjs relative positions (encoded), and the text quoted
	// when it was opened (shown once the passage is deleted). No anchor: about the whole document
	// (an observation of a consultation may be).
	await db.schema
		.createTable('comment_thread')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('document_id', 'text', (c) => c.notNull().references('document.id').onDelete('cascade'))
		.addColumn('author_id', 'text', (c) => c.notNull().references('app_user.id'))
		.addColumn('club_id', 'text', (c) => c.references('club.id').onDelete('set null'))
		.addColumn('anchor_start', binary)
		.addColumn('anchor_end', binary)
		.addColumn('quote', 'text', (c) => c.notNull())
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('open')) // 'open' | 'resolved'
		.addColumn('resolved_by', 'text', (c) => c.references('app_user.id'))
		.addColumn('resolved_at', 'bigint')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('comment_thread_document_idx').on('comment_thread').columns(['document_id', 'status']).execute();

	// The thread's first comment opens it; the others are replies.
	await db.schema
		.createTable('comment')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('thread_id', 'text', (c) => c.notNull().references('comment_thread.id').onDelete('cascade'))
		.addColumn('author_id', 'text', (c) => c.notNull().references('app_user.id'))
		.addColumn('body', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('edited_at', 'bigint')
		.addColumn('deleted_at', 'bigint')
		.execute();
	await db.schema.createIndex('comment_thread_idx').on('comment').columns(['thread_id', 'created_at']).execute();

	await db.schema
		.createTable('comment_mention')
		.addColumn('comment_id', 'text', (c) => c.notNull().references('comment.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
		.addPrimaryKeyConstraint('comment_mention_pk', ['comment_id', 'user_id'])
		.execute();

	// A club's formal avis on a version; never edited, a later one supersedes it (both kept).
	await db.schema
		.createTable('club_avis')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('document_id', 'text', (c) => c.notNull().references('document.id').onDelete('cascade'))
		.addColumn('club_id', 'text', (c) => c.notNull().references('club.id').onDelete('cascade'))
		.addColumn('version_id', 'text', (c) => c.notNull().references('document_version.id'))
		.addColumn('verdict', 'text', (c) => c.notNull()) // 'favorable' | 'reserves' | 'defavorable'
		.addColumn('body', 'text', (c) => c.notNull())
		.addColumn('issued_by', 'text', (c) => c.notNull().references('app_user.id'))
		.addColumn('issued_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('club_avis_document_idx').on('club_avis').columns(['document_id', 'issued_at']).execute();

	// In-app notifications, kept so that e-mail can send them later (`emailed_at`).
	await db.schema
		.createTable('notification')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('actor_id', 'text', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('document_id', 'text', (c) => c.references('document.id').onDelete('cascade'))
		.addColumn('thread_id', 'text', (c) => c.references('comment_thread.id').onDelete('cascade'))
		.addColumn('club_id', 'text', (c) => c.references('club.id').onDelete('cascade'))
		.addColumn('excerpt', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('read_at', 'bigint')
		.addColumn('emailed_at', 'bigint')
		.execute();
	await db.schema.createIndex('notification_user_idx').on('notification').columns(['user_id', 'created_at']).execute();
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	for (const table of [
		'notification',
		'club_avis',
		'comment_mention',
		'comment',
		'comment_thread',
		'document_club',
		'club_join_request',
		'club_member',
		'club'
	])
		await db.schema.dropTable(table).execute();
}
