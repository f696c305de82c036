// Frozen: never edit once merged; add a new file instead.
// Login throttling that survives a restart (issue 10, defect 3). `login_throttle` counts failed
// sign-ins per (account, source), (account, known device), account and source; `id` is the
// SHA-256 of the counter's key, so neither typed e-mails nor addresses are stored in clear.
// `known_device`: devices on which a user has signed in before (only the SHA-256 of the
// device cookie's random token); one device may be known for several users (a shared
// computer in a mairie). Rows past `expires_at` are deleted (at start-up and on write).

/** @param {import('kysely').Kysely<any>} db */
export async function up(db) {
	await db.schema
		.createTable('login_throttle')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('scope', 'text', (c) => c.notNull()) // 'account_source' | 'account_device' | 'account' | 'source'
		.addColumn('failures', 'integer', (c) => c.notNull())
		.addColumn('last_failure_at', 'bigint', (c) => c.notNull())
		.addColumn('expires_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('login_throttle_expires_idx').on('login_throttle').column('expires_at').execute();

	await db.schema
		.createTable('known_device')
		.addColumn('token_hash', 'text', (c) => c.notNull())
		.addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('last_used_at', 'bigint', (c) => c.notNull())
		.addColumn('expires_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('known_device_pk', ['token_hash', 'user_id'])
		.execute();
	await db.schema.createIndex('known_device_user_idx').on('known_device').columns(['user_id', 'last_used_at']).execute();
	await db.schema.createIndex('known_device_expires_idx').on('known_device').column('expires_at').execute();
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	await db.schema.dropTable('known_device').execute();
	await db.schema.dropTable('login_throttle').execute();
}
