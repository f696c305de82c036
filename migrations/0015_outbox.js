// Frozen: never edit once merged; add a new file instead.
// Issue 13, part 5: e-mail for real. The outbox (every message the process sends, its state kept
// here so that a restart or a second process carries on), each user's e-mail preference for
// notifications, and the process-wide secrets (the key that signs unsubscribe links).
import { sql } from 'kysely';

/** @param {import('kysely').Kysely<any>} db */
export async function up(db) {
	await db.schema
		.createTable('email_outbox')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('recipient_address', 'text', (c) => c.notNull())
		.addColumn('recipient_name', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('user_id', 'text', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('subject', 'text', (c) => c.notNull())
		.addColumn('body_text', 'text', (c) => c.notNull())
		.addColumn('body_html', 'text', (c) => c.notNull())
		// 'pending' | 'sent' | 'failed' | 'held' (no SMTP_URL: kept here, never sent)
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
		.addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
		// A claimed message keeps 'pending' and has this pushed past its send (a lease): a sender
		// that dies mid-send leaves it to be tried again, nothing to clean up.
		.addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
		.addColumn('last_error', 'text')
		// One message per fact: 'notification:<id>', 'digest:<user>:<day>'… (null: no dedupe).
		.addColumn('dedupe_key', 'text')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('sent_at', 'bigint')
		.execute();
	await db.schema.createIndex('email_outbox_dedupe').on('email_outbox').column('dedupe_key').unique().execute();
	await db.schema
		.createIndex('email_outbox_due')
		.on('email_outbox')
		.columns(['status', 'next_attempt_at'])
		.execute();
	await db.schema.createIndex('email_outbox_created').on('email_outbox').columns(['created_at', 'id']).execute();

	// No row: 'immediate'.
	await db.schema
		.createTable('notification_preference')
		.addColumn('user_id', 'text', (c) => c.primaryKey().references('app_user.id').onDelete('cascade'))
		.addColumn('email', 'text', (c) => c.notNull()) // 'immediate' | 'daily' | 'never'
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute();

	// Notifications a daily digest has not taken yet are found by user and emailed_at.
	await db.schema
		.createIndex('notification_unemailed_idx')
		.on('notification')
		.columns(['user_id', 'created_at'])
		.where(sql.ref('emailed_at'), 'is', null)
		.execute();

	await db.schema
		.createTable('app_secret')
		.addColumn('name', 'text', (c) => c.primaryKey())
		.addColumn('value', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	await db.schema.dropIndex('notification_unemailed_idx').execute();
	for (const table of ['app_secret', 'notification_preference', 'email_outbox'])
		await db.schema.dropTable(table).execute();
}
