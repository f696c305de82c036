// Frozen: never edit once merged; add a new file instead.
// Dates and times are shown in the territory's time zone, not the server's: overseas territories
// live in Indian/Reunion, America/Martinique, Pacific/Noumea… An IANA name, checked by the
// application against Intl.supportedValuesOf('timeZone') when set.

/** @param {import('kysely').Kysely<any>} db */
export async function up(db) {
	await db.schema.alterTable('territory').addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('Europe/Paris')).execute();
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	await db.schema.alterTable('territory').dropColumn('time_zone').execute();
}
