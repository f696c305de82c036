// Full-text search over titles and document text. SQLite: an FTS5 table (accents folded,
// prefix matching). PostgreSQL: the same table as plain rows with a French tsvector index.
// Matches are marked with \u0001…\u0002 (never HTML): pages render them safely.
import * as Y from 'yjs';
import { sql } from 'kysely';
import { isPostgres, type Db } from '../db';
import { loadStoredState } from '../documents/journal';
import { plainText } from '../documents/content';

export const MARK_START = '\u0001';
export const MARK_END = '\u0002';

export async function writeSearchEntry(db: Db, documentId: string, title: string, body: string): Promise<void> {
	// FTS5 tables have no upsert: replace the row.
	await db.deleteFrom('document_search').where('document_id', '=', documentId).execute();
	await db.insertInto('document_search').values({ document_id: documentId, title, body }).execute();
}

/** (Re)indexes a document from its stored state, or from `state` when the caller just wrote it. */
export async function indexDocument(db: Db, documentId: string, state?: Uint8Array): Promise<void> {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, state ?? (await loadStoredState(db, documentId)).state);
	await indexLoadedDocument(db, documentId, doc);
	doc.destroy();
}

/** Indexes a document from a Y.Doc already in memory (the collaboration room's). */
export async function indexLoadedDocument(db: Db, documentId: string, doc: Y.Doc): Promise<void> {
	const row = await db.selectFrom('document').select('title').where('id', '=', documentId).executeTakeFirst();
	if (!row) return;
	await writeSearchEntry(db, documentId, row.title, plainText(doc));
}

export interface SearchHit {
	id: string;
	title: string;
	/** Title and an excerpt of the body, with matches between MARK_START and MARK_END. */
	titleMarked: string;
	snippet: string;
}

/** Words of the query as FTS5 prefix terms, all required; quotes neutralise FTS syntax. */
function ftsQuery(query: string): string {
	return query
		.split(/[^\p{L}\p{N}]+/u)
		.filter(Boolean)
		.slice(0, 12)
		.map((word) => `"${word}"*`)
		.join(' ');
}

/** Searches only among `readableIds` (the caller's access rules decide them). */
export async function searchDocuments(db: Db, query: string, readableIds: string[], limit = 20): Promise<SearchHit[]> {
	const trimmed = query.trim().slice(0, 200);
	if (!trimmed || readableIds.length === 0) return [];
	if (isPostgres(db)) {
		const rows = await sql<{ id: string; title: string; titleMarked: string; snippet: string }>`
			select document_id as id, title,
				ts_headline('french', title, q, ${`StartSel=${MARK_START},StopSel=${MARK_END},HighlightAll=true`}) as "titleMarked",
				ts_headline('french', body, q, ${`StartSel=${MARK_START},StopSel=${MARK_END},MaxWords=25,MinWords=10`}) as snippet
			from document_search, plainto_tsquery('french', ${trimmed}) q
			where to_tsvector('french', title || ' ' || body) @@ q and document_id in (${sql.join(readableIds)})
			order by ts_rank(to_tsvector('french', title || ' ' || body), q) desc
			limit ${limit}`.execute(db);
		return rows.rows;
	}
	const match = ftsQuery(trimmed);
	if (!match) return [];
	const rows = await sql<{ id: string; title: string; titleMarked: string; snippet: string }>`
		select document_id as id, title,
			highlight(document_search, 1, ${MARK_START}, ${MARK_END}) as titleMarked,
			snippet(document_search, 2, ${MARK_START}, ${MARK_END}, '…', 16) as snippet
		from document_search
		where document_search match ${match} and document_id in (${sql.join(readableIds)})
		order by rank
		limit ${limit}`.execute(db);
	return rows.rows;
}

