// Full-text search over titles and document text, with the same behaviour on both databases:
// every word required, accents folded, prefix matching. SQLite: an FTS5 table. PostgreSQL: the
// same table as plain rows with an index over the accent-folded text (migrations 0004-0005), marks and
// snippets built here. Matches are marked with \u0001…\u0002 (never HTML): pages render them safely.
import * as Y from 'yjs';
import { sql } from 'kysely';
import { isPostgres, type Db } from '../db';
import { loadStoredState } from '../documents/journal';
import { FOLD_FROM, FOLD_TO } from '../../../../migrations/0004_search_folded.js';
import { plainText } from '../documents/content';

export const MARK_START = '\u0001';
export const MARK_END = '\u0002';

export async function writeSearchEntry(
	db: Db,
	documentId: string,
	title: string,
	body: string
): Promise<void> {
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
	const row = await db
		.selectFrom('document')
		.select('title')
		.where('id', '=', documentId)
		.executeTakeFirst();
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

/** Words of the query (letters and digits only: no search syntax gets through), at most 12. */
function queryWords(query: string): string[] {
	return query
		.split(/[^\p{L}\p{N}]+/u)
		.filter(Boolean)
		.slice(0, 12);
}

/** Words of the query as FTS5 prefix terms, all required; quotes neutralise FTS syntax. */
function ftsQuery(words: string[]): string {
	return words.map((word) => `"${word}"*`).join(' ');
}

/** Lower case without diacritics, as the PostgreSQL index folds (migration 0004). */
function fold(text: string): string {
	return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Marks every word of `text` that starts with one of the (folded) query words. */
function markWords(text: string, folded: string[]): string {
	return text.replace(WORD, (word) =>
		folded.some((q) => fold(word).startsWith(q)) ? `${MARK_START}${word}${MARK_END}` : word
	);
}

/** About 16 words of `body` around its first match, marked (FTS5's snippet() on SQLite). */
function snippetOf(body: string, folded: string[]): string {
	const words = [...body.matchAll(WORD)];
	const first = words.findIndex((m) => folded.some((q) => fold(m[0]).startsWith(q)));
	if (first < 0)
		return markWords(
			words
				.slice(0, 16)
				.map((m) => m[0])
				.join(' '),
			folded
		);
	// A few words of context before the match, and a full window whenever the body allows it.
	const from = Math.max(0, Math.min(first - 5, words.length - 16));
	const to = Math.min(words.length, from + 16);
	// Like FTS5's snippet(): the column's leading and trailing text is kept when reached.
	const start = from === 0 ? 0 : words[from].index!;
	const end = to === words.length ? body.length : words[to - 1].index! + words[to - 1][0].length;
	return `${from > 0 ? '…' : ''}${markWords(body.slice(start, end), folded)}${to < words.length ? '…' : ''}`;
}

/**
 * The index expression of migration 0005, written identically so that the planner can use the
 * index (a test checks it with EXPLAIN).
 */
export const POSTGRES_FOLDED_TEXT = sql`regexp_replace(translate(lower(title || ' ' || body), ${sql.lit(FOLD_FROM)}, ${sql.lit(FOLD_TO)}), '[[:punct:]]+', ' ', 'g')`;

/** The PostgreSQL query: the text folded as indexed, the query words by the same translate(). */
function postgresSearch(words: string[], readableIds: string[], limit: number) {
	const tsquery = words.map((word) => `${word}:*`).join(' & ');
	const folded = POSTGRES_FOLDED_TEXT;
	return sql<{ id: string; title: string; body: string }>`
		select document_id as id, title, body
		from document_search, to_tsquery('simple', translate(lower(${tsquery}), ${sql.lit(FOLD_FROM)}, ${sql.lit(FOLD_TO)})) q
		where to_tsvector('simple', ${folded}) @@ q and document_id in (${sql.join(readableIds)})
		order by ts_rank(to_tsvector('simple', ${folded}), q) desc, document_id
		limit ${limit}`;
}

/** Searches only among `readableIds` (the caller's access rules decide them). */
export async function searchDocuments(
	db: Db,
	query: string,
	readableIds: string[],
	limit = 20
): Promise<SearchHit[]> {
	const trimmed = query.trim().slice(0, 200);
	if (!trimmed || readableIds.length === 0) return [];
	const words = queryWords(trimmed);
	if (words.length === 0) return [];
	if (isPostgres(db)) {
		const rows = await postgresSearch(words, readableIds, limit).execute(db);
		const foldedWords = words.map(fold);
		return rows.rows.map((r) => ({
			id: r.id,
			title: r.title,
			titleMarked: markWords(r.title, foldedWords),
			snippet: snippetOf(r.body, foldedWords)
		}));
	}
	const match = ftsQuery(words);
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
