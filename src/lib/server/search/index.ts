// Full-text search with the same behaviour on SQLite and PostgreSQL: every word required,
// French stems (« délibérer » finds « délibérations »), accents folded, a prefix on the last word.
// FTS5 has no French tokenizer and PostgreSQL's `french` configuration stems differently, so the
// stems are computed here (Snowball French, @orama/stemmers) and both databases index the same
// words, `document_terms` (migration 0006): FTS5 on SQLite, a GIN index on 'simple' on PostgreSQL.
// The text itself stays in `document_search` (title, body) for the excerpts. Titles, people and
// organisations are matched here, by the same rules, from what the caller passes: they change
// without the body being reindexed. Matches are marked with \u0001…\u0002 (never HTML): pages
// render them safely.
import * as Y from 'yjs';
import { sql } from 'kysely';
import { stemmer } from '@orama/stemmers/french';
import { isPostgres, type Db } from '../db';
import { loadStoredState } from '../documents/journal';
import { plainText } from '../documents/content';

export const MARK_START = '\u0001';
export const MARK_END = '\u0002';

const WORD = /[\p{L}\p{N}]+/gu;
const MAX_QUERY_WORDS = 12;

/** Lower case, without diacritics, ligatures spelt out: « Œuvre » and « oeuvre » are one word. */
export function fold(text: string): string {
	return text
		.toLowerCase()
		.normalize('NFD')
		.replace(/\p{M}/gu, '')
		.replace(/œ/g, 'oe')
		.replace(/æ/g, 'ae');
}

// Titles and names are matched on every search: the same few hundred words come back.
const stems = new Map<string, string>();

/** The folded Snowball French stem of a word (letters and digits only). */
export function stemOf(word: string): string {
	const lower = word.toLowerCase();
	let stem = stems.get(lower);
	if (stem === undefined) {
		stem = fold(/\p{L}/u.test(lower) ? stemmer(lower) : lower);
		if (stems.size > 50_000) stems.clear();
		stems.set(lower, stem);
	}
	return stem;
}

/**
 * What a word is indexed and searched as: its folded form, and the stems of the word as written
 * and as folded (Snowball reads accents: « données » → « don », « donnees » → « donne »), so that
 * a word typed with or without its accents finds the other.
 */
function termsOfWord(word: string): string[] {
	const folded = fold(word);
	return [...new Set([stemOf(word), stemOf(folded), folded])];
}

/** The indexed terms of a text: each stem and folded word once, separated by spaces. */
export function searchTerms(text: string): string {
	const terms = new Set<string>();
	for (const [word] of text.matchAll(WORD)) for (const term of termsOfWord(word)) terms.add(term);
	return [...terms].join(' ');
}

/**
 * A word of the query. It matches a word of a text that has one of its `exact` terms; the last
 * word of the query also matches a word that starts with it as typed (folded), so that « hiver »
 * finds « hivernales » while « communes » keeps to the words of its stem (not « communauté »).
 */
interface QueryWord {
	exact: string[];
	prefix: string | null;
}

/** Words of the query (letters and digits only: no search syntax gets through), at most 12. */
export function parseQuery(query: string): QueryWord[] {
	const words = [...query.trim().slice(0, 200).matchAll(WORD)]
		.map((m) => m[0])
		.slice(0, MAX_QUERY_WORDS);
	return words.map((word, i) =>
		i === words.length - 1
			? { exact: [...new Set([stemOf(word), stemOf(fold(word))])], prefix: fold(word) }
			: { exact: termsOfWord(word), prefix: null }
	);
}

function wordMatches(word: string, q: QueryWord): boolean {
	return termsOfWord(word).some(
		(t) => q.exact.includes(t) || (q.prefix !== null && t.startsWith(q.prefix))
	);
}

function textMatches(text: string, q: QueryWord): boolean {
	for (const [word] of text.matchAll(WORD)) if (wordMatches(word, q)) return true;
	return false;
}

/** Marks every word of `text` that one of the query words matches. */
function markWords(text: string, query: QueryWord[]): string {
	return text.replace(WORD, (word) =>
		query.some((q) => wordMatches(word, q)) ? `${MARK_START}${word}${MARK_END}` : word
	);
}

/** About 16 words of `body` around its first match, marked. */
function snippetOf(body: string, query: QueryWord[]): string {
	const words = [...body.matchAll(WORD)];
	const first = words.findIndex((m) => query.some((q) => wordMatches(m[0], q)));
	if (first < 0)
		return markWords(
			words
				.slice(0, 16)
				.map((m) => m[0])
				.join(' '),
			query
		);
	// A few words of context before the match, and a full window whenever the body allows it.
	const from = Math.max(0, Math.min(first - 5, words.length - 16));
	const to = Math.min(words.length, from + 16);
	// The body's leading and trailing text is kept when reached.
	const start = from === 0 ? 0 : words[from].index!;
	const end = to === words.length ? body.length : words[to - 1].index! + words[to - 1][0].length;
	return `${from > 0 ? '…' : ''}${markWords(body.slice(start, end), query)}${to < words.length ? '…' : ''}`;
}

async function writeTerms(db: Db, documentId: string, body: string): Promise<void> {
	const terms = searchTerms(body);
	if (isPostgres(db)) {
		await db
			.insertInto('document_terms')
			.values({ document_id: documentId, terms })
			.onConflict((oc) => oc.column('document_id').doUpdateSet({ terms }))
			.execute();
		return;
	}
	// FTS5 tables have no upsert: replace the row.
	await db.deleteFrom('document_terms').where('document_id', '=', documentId).execute();
	await db.insertInto('document_terms').values({ document_id: documentId, terms }).execute();
}

export async function writeSearchEntry(
	db: Db,
	documentId: string,
	title: string,
	body: string
): Promise<void> {
	await db.deleteFrom('document_search').where('document_id', '=', documentId).execute();
	await db.insertInto('document_search').values({ document_id: documentId, title, body }).execute();
	await writeTerms(db, documentId, body);
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

/**
 * Terms for the texts indexed before migration 0006, computed from document_search. Run once at
 * start-up (server/services.ts); returns how many texts it indexed (none after the first start).
 */
export async function backfillSearchTerms(db: Db): Promise<number> {
	const missing = await db
		.selectFrom('document_search')
		.select(['document_id', 'body'])
		.where(({ not, exists, selectFrom }) =>
			not(
				exists(
					selectFrom('document_terms')
						.select('document_terms.document_id')
						.whereRef('document_terms.document_id', '=', 'document_search.document_id')
				)
			)
		)
		.execute();
	for (const row of missing) await writeTerms(db, row.document_id, row.body);
	return missing.length;
}

/** The tsvector that migration 0006 indexes, written identically so that the planner uses it. */
export const POSTGRES_TERMS = sql`to_tsvector('simple', terms)`;

/** Ids among `ids` whose body holds the query word (its terms are letters and digits only). */
async function bodyMatches(db: Db, q: QueryWord, ids: string[]): Promise<Set<string>> {
	let rows: { document_id: string }[];
	if (isPostgres(db)) {
		const tsquery = [
			...q.exact.map((t) => `'${t}'`),
			...(q.prefix === null ? [] : [`'${q.prefix}':*`])
		].join(' | ');
		rows = (
			await sql<{ document_id: string }>`
				select document_id from document_terms
				where ${POSTGRES_TERMS} @@ to_tsquery('simple', ${tsquery})
					and document_id in (${sql.join(ids)})`.execute(db)
		).rows;
	} else {
		// Quoted, each term is a plain string for FTS5: no search syntax gets through.
		const match = [
			...q.exact.map((t) => `"${t}"`),
			...(q.prefix === null ? [] : [`"${q.prefix}"*`])
		].join(' OR ');
		rows = (
			await sql<{ document_id: string }>`
				select document_id from document_terms
				where document_terms match ${match} and document_id in (${sql.join(ids)})`.execute(db)
		).rows;
	}
	return new Set(rows.map((r) => r.document_id));
}

export interface SearchCandidate {
	id: string;
	/** Defaults to the indexed title. */
	title?: string;
	/** People and organisations of the document, found by name. */
	names?: string[];
}

export interface SearchHit {
	id: string;
	title: string;
	/** Title and an excerpt of the body, with matches between MARK_START and MARK_END. */
	titleMarked: string;
	snippet: string;
	/** The document's people and organisations that the query names, marked. */
	namesMarked: string[];
}

/** Whether every word of the query is in the title or the names (what anyone may see of a document). */
export function matchesTitleOrNames(query: string, texts: string[]): boolean {
	const words = parseQuery(query);
	return words.length > 0 && words.every((q) => texts.some((text) => textMatches(text, q)));
}

/**
 * Searches only among `readable` (the caller's access rules decide them): every word of the
 * query must be in the body, the title or the names. Documents whose title holds more of the
 * words come first, then the order of `readable`.
 */
export async function searchDocuments(
	db: Db,
	query: string,
	readable: (string | SearchCandidate)[],
	limit = 200
): Promise<SearchHit[]> {
	const words = parseQuery(query);
	if (words.length === 0 || readable.length === 0) return [];
	const candidates = readable.map((c) => (typeof c === 'string' ? { id: c } : c));
	const ids = candidates.map((c) => c.id);
	// Titles of all (small); bodies, for the excerpts, of the hits only.
	const titles = new Map(
		(
			await db
				.selectFrom('document_search')
				.select(['document_id', 'title'])
				.where('document_id', 'in', ids)
				.execute()
		).map((r) => [r.document_id, r.title])
	);
	const inBody = await Promise.all(words.map((q) => bodyMatches(db, q, ids)));
	const found: { candidate: SearchCandidate; title: string; score: number; order: number }[] = [];
	candidates.forEach((c, order) => {
		const title = c.title ?? titles.get(c.id) ?? '';
		const names = c.names ?? [];
		if (
			words.every(
				(q, i) =>
					inBody[i].has(c.id) || textMatches(title, q) || names.some((n) => textMatches(n, q))
			)
		)
			found.push({
				candidate: c,
				title,
				score: words.filter((q) => textMatches(title, q)).length,
				order
			});
	});
	const best = found.sort((a, b) => b.score - a.score || a.order - b.order).slice(0, limit);
	if (best.length === 0) return [];
	const bodies = new Map(
		(
			await db
				.selectFrom('document_search')
				.select(['document_id', 'body'])
				.where(
					'document_id',
					'in',
					best.map((f) => f.candidate.id)
				)
				.execute()
		).map((r) => [r.document_id, r.body])
	);
	return best.map(({ candidate: c, title }) => {
		const names = c.names ?? [];
		return {
			id: c.id,
			title,
			titleMarked: markWords(title, words),
			snippet: snippetOf(bodies.get(c.id) ?? '', words),
			namesMarked: names
				.filter((n) => words.some((q) => textMatches(n, q)))
				.map((n) => markWords(n, words))
		};
	});
}

/** Names of each document's people (binôme, participants) and organisations (concerned, participating, the people's). */
export async function documentNames(db: Db, ids: string[]): Promise<Map<string, string[]>> {
	const names = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
	if (ids.length === 0) return new Map();
	const add = (rows: { documentId: string; name: string }[]) => {
		for (const row of rows) names.get(row.documentId)?.add(row.name);
	};
	const people = await db
		.selectFrom('document_member')
		.innerJoin('app_user', 'app_user.id', 'document_member.user_id')
		.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
		.select([
			'document_member.document_id as documentId',
			'app_user.display_name as name',
			'organisation.name as organisationName'
		])
		.where('document_member.document_id', 'in', ids)
		.execute();
	add(people);
	add(people.map((p) => ({ documentId: p.documentId, name: p.organisationName })));
	add(
		await db
			.selectFrom('document_org_member')
			.innerJoin('organisation', 'organisation.id', 'document_org_member.organisation_id')
			.select(['document_org_member.document_id as documentId', 'organisation.name as name'])
			.where('document_org_member.document_id', 'in', ids)
			.execute()
	);
	add(
		await db
			.selectFrom('document_organisation')
			.innerJoin('organisation', 'organisation.id', 'document_organisation.organisation_id')
			.select(['document_organisation.document_id as documentId', 'organisation.name as name'])
			.where('document_organisation.document_id', 'in', ids)
			.execute()
	);
	return new Map([...names].map(([id, set]) => [id, [...set]]));
}
