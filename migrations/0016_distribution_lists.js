// Frozen: never edit once merged; add a new file instead.
// Issue 13, part 4 (porter à connaissance): a structured function on each person, beside the
// free-text job title, and the territory's distribution lists — dynamic by functions, a club's
// members, or people named by hand (users of the territory, or people without an account).

/**
 * The function a free-text job title names without doubt, or null. A copy of the rules of the
 * day, on purpose: a frozen migration imports nothing from src/, and the direction corrects
 * what this leaves null on /diffusion/personnes.
 * @param {string} jobTitle
 * @returns {string | null}
 */
export function functionFromJobTitle(jobTitle) {
	const t = jobTitle
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[’']/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	// Adjoint before the DGS: « directeur général adjoint des services » names both words.
	if (/\bdga\b/.test(t) || /\bdirect(eur|rice) general(e)? adjoint(e)?\b/.test(t)) return 'dga';
	if (/\bdgs\b/.test(t) || /\bdirect(eur|rice) general(e)? des services\b/.test(t)) return 'dgs';
	if (/\bsecretaire (general(e)? )?de mairie\b/.test(t)) return 'secretaire_mairie';
	if (/^direct(eur|rice)\b/.test(t)) return 'directeur';
	if (/^(elu|elue|maire)\b/.test(t)) return 'elu';
	return null;
}

/** @param {import('kysely').Kysely<any>} db */
export async function up(db) {
	// 'dgs' | 'dga' | 'secretaire_mairie' | 'directeur' | 'cadre' | 'agent' | 'elu' | null
	await db.schema.alterTable('app_user').addColumn('function', 'text').execute();
	const users = await db.selectFrom('app_user').select(['id', 'job_title']).execute();
	for (const user of users) {
		const fn = functionFromJobTitle(String(user.job_title ?? ''));
		if (fn) await db.updateTable('app_user').set({ function: fn }).where('id', '=', user.id).execute();
	}
	await db.schema.createIndex('app_user_function_idx').on('app_user').column('function').execute();

	await db.schema
		.createTable('distribution_list')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('territory_id', 'text', (c) => c.notNull().references('territory.id').onDelete('cascade'))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('kind', 'text', (c) => c.notNull()) // 'functions' | 'club' | 'manual'
		// Kind 'club': read live. A deleted club leaves the list empty (and says so), not gone.
		.addColumn('club_id', 'text', (c) => c.references('club.id').onDelete('set null'))
		.addColumn('created_by', 'text', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('distribution_list_territory_name')
		.on('distribution_list')
		.columns(['territory_id', 'name'])
		.unique()
		.execute();

	// Kind 'functions': one row per function; the people are read on the day the list is used.
	await db.schema
		.createTable('distribution_list_function')
		.addColumn('list_id', 'text', (c) => c.notNull().references('distribution_list.id').onDelete('cascade'))
		.addColumn('function', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('distribution_list_function_pk', ['list_id', 'function'])
		.execute();

	// Kind 'manual': a user of the territory (user_id; name and address read from app_user), or
	// a person without an account (name and a normalised address). NULLs are distinct in a
	// unique index on both databases, so each index constrains only its own kind of row.
	await db.schema
		.createTable('distribution_list_member')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('list_id', 'text', (c) => c.notNull().references('distribution_list.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.references('app_user.id').onDelete('cascade'))
		.addColumn('name', 'text')
		.addColumn('email', 'text')
		.addColumn('added_by', 'text', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('added_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('distribution_list_member_user')
		.on('distribution_list_member')
		.columns(['list_id', 'user_id'])
		.unique()
		.execute();
	await db.schema
		.createIndex('distribution_list_member_email')
		.on('distribution_list_member')
		.columns(['list_id', 'email'])
		.unique()
		.execute();
	await db.schema
		.createIndex('distribution_list_member_user_idx')
		.on('distribution_list_member')
		.column('user_id')
		.execute();
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	for (const table of ['distribution_list_member', 'distribution_list_function', 'distribution_list'])
		await db.schema.dropTable(table).execute();
	await db.schema.dropIndex('app_user_function_idx').execute();
	await db.schema.alterTable('app_user').dropColumn('function').execute();
}
