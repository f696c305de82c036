// Frozen: never edit once merged; add a new file instead.
// Issue 11, compare speed: each version keeps the changes it brought (prosemirror-changeset's
// JSON, each insertion and deletion with its author), computed once when it is recorded. A
// comparison of two versions then merges the stored changes of the versions between them
// instead of replaying every update. Null: not computed (versions recorded before this
// migration, or a failure) — the comparison then replays the journal.

/** @param {import('kysely').Kysely<any>} db */
export async function up(db) {
	await db.schema.alterTable('document_version').addColumn('changes', 'text').execute();
}

/** @param {import('kysely').Kysely<any>} db */
export async function down(db) {
	await db.schema.alterTable('document_version').dropColumn('changes').execute();
}
