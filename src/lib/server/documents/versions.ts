// Version history (issue 11): a version is a point of the journal. Recording one reads the
// journal rows since the previous version and counts, per author, what they brought; opening
// one rebuilds the document from the nearest checkpoint at or before it plus the rows after.
// Checkpoints (full states) are kept only every CHECKPOINT_EVERY updates, so storage grows
// with the edits, not with versions × document size, and opening replays a bounded journal.
import * as Y from 'yjs';
import { newId } from '../ids';
import { inTransaction, type Db } from '../db';
import { journalUpdates, toBytes } from './journal';
import { checkpointIfDue } from './history-state';
import { foldStoredChanges, versionChanges } from './compare';

export { CHECKPOINT_EVERY, applyAll, stateAt } from './history-state';

export type VersionKind = 'auto' | 'named' | 'restore';

export interface VersionAuthor {
	userId: string;
	organisationId: string;
	updates: number;
	charsAdded: number;
	charsRemoved: number;
}

export interface Version {
	id: string;
	seq: number;
	fromSeq: number;
	kind: VersionKind;
	name: string | null;
	comment: string | null;
	createdBy: string | null;
	createdAt: number;
	updates: number;
	charsAdded: number;
	charsRemoved: number;
	/** For a restore: the version brought back. */
	restoredFrom: string | null;
	/** For a restore: that version's name and time, for labels (null if it was thinned). */
	restored?: { name: string | null; createdAt: number } | null;
	authors: VersionAuthor[];
}

/** Characters an update inserts (text items) and removes (its delete set), as counted here. */
export function changeSize(update: Uint8Array): { added: number; removed: number } {
	const { structs, ds } = Y.decodeUpdate(update);
	let added = 0;
	for (const struct of structs)
		if (struct instanceof Y.Item && struct.content instanceof Y.ContentString)
			added += struct.content.str.length;
	let removed = 0;
	for (const ranges of ds.clients.values()) for (const range of ranges) removed += range.len;
	return { added, removed };
}

async function lastVersionSeq(db: Db, documentId: string): Promise<number> {
	const row = await db
		.selectFrom('document_version')
		.select(({ fn }) => fn.max('seq').as('seq'))
		.where('document_id', '=', documentId)
		.executeTakeFirst();
	return Number(row?.seq ?? 0);
}

/** A version's columns, but the stored changes (read only by a comparison: they can be long). */
const VERSION_COLUMNS = [
	'id',
	'seq',
	'from_seq',
	'kind',
	'name',
	'comment',
	'created_by',
	'created_at',
	'updates',
	'chars_added',
	'chars_removed',
	'restored_from'
] as const;

/** The document's last journal position (0 when it has none): « now » in the history. */
export async function lastJournalSeq(db: Db, documentId: string): Promise<number> {
	const row = await db
		.selectFrom('document_update')
		.select(({ fn }) => fn.max('seq').as('seq'))
		.where('document_id', '=', documentId)
		.executeTakeFirst();
	return Number(row?.seq ?? 0);
}

export interface RecordVersion {
	kind: VersionKind;
	name?: string | null;
	comment?: string | null;
	by?: string | null;
	restoredFrom?: string | null;
	now?: number;
}

/**
 * Records the document's current journal position as a version. An automatic version is not
 * recorded when nothing was stored since the previous one (null); a named one always is.
 */
export async function recordVersion(
	db: Db,
	documentId: string,
	options: RecordVersion
): Promise<Version | null> {
	const now = options.now ?? Date.now();
	return inTransaction(db, async (trx) => {
		const fromSeq = await lastVersionSeq(trx, documentId);
		const seq = await lastJournalSeq(trx, documentId);
		if (seq <= fromSeq && options.kind === 'auto') return null;
		const rows = await trx
			.selectFrom('document_update')
			.leftJoin('app_user', 'app_user.id', 'document_update.user_id')
			.select([
				'document_update.user_id',
				'app_user.organisation_id',
				'document_update.updates',
				'document_update.data'
			])
			.where('document_update.document_id', '=', documentId)
			.where('document_update.seq', '>', fromSeq)
			.where('document_update.seq', '<=', seq)
			.orderBy('document_update.seq')
			.execute();
		const authors = new Map<string, VersionAuthor>();
		let updates = 0;
		let charsAdded = 0;
		let charsRemoved = 0;
		for (const row of rows) {
			const list = journalUpdates(toBytes(row.data), Number(row.updates));
			let added = 0;
			let removed = 0;
			for (const update of list) {
				const size = changeSize(update);
				added += size.added;
				removed += size.removed;
			}
			updates += list.length;
			charsAdded += added;
			charsRemoved += removed;
			if (!row.user_id || !row.organisation_id) continue; // written by the server itself
			const author = authors.get(row.user_id) ?? {
				userId: row.user_id,
				organisationId: row.organisation_id,
				updates: 0,
				charsAdded: 0,
				charsRemoved: 0
			};
			author.updates += list.length;
			author.charsAdded += added;
			author.charsRemoved += removed;
			authors.set(row.user_id, author);
		}
		const version: Version = {
			id: newId(),
			seq,
			fromSeq,
			kind: options.kind,
			name: options.name ?? null,
			comment: options.comment ?? null,
			createdBy: options.by ?? null,
			createdAt: now,
			updates,
			charsAdded,
			charsRemoved,
			restoredFrom: options.restoredFrom ?? null,
			authors: [...authors.values()]
		};
		await trx
			.insertInto('document_version')
			.values({
				id: version.id,
				document_id: documentId,
				seq,
				from_seq: fromSeq,
				kind: version.kind,
				name: version.name,
				comment: version.comment,
				created_by: version.createdBy,
				created_at: now,
				updates,
				chars_added: charsAdded,
				chars_removed: charsRemoved,
				restored_from: version.restoredFrom,
				changes: await storedChanges(trx, documentId, fromSeq, seq)
			})
			.execute();
		await writeAuthors(trx, version.id, version.authors);
		await checkpointIfDue(trx, documentId, seq, now);
		return version;
	});
}

async function writeAuthors(db: Db, versionId: string, authors: VersionAuthor[]): Promise<void> {
	if (authors.length === 0) return;
	await db
		.insertInto('document_version_author')
		.values(
			authors.map((author) => ({
				version_id: versionId,
				user_id: author.userId,
				organisation_id: author.organisationId,
				updates: author.updates,
				chars_added: author.charsAdded,
				chars_removed: author.charsRemoved
			}))
		)
		.execute();
}

/** A place in the history's order (newest first: by seq, then time, then id), to page from. */
export interface VersionCursor {
	seq: number;
	createdAt: number;
	id: string;
}

/**
 * The document's versions, newest first, with their authors; `before` pages back from a
 * version (several versions can share a journal position: a named one just after an automatic
 * one, a restore and the state before it — paging by position alone skipped them).
 */
export async function listVersions(
	db: Db,
	documentId: string,
	options: { before?: VersionCursor; limit?: number } = {}
): Promise<Version[]> {
	let query = db
		.selectFrom('document_version')
		.select(VERSION_COLUMNS)
		.where('document_id', '=', documentId)
		.orderBy('seq', 'desc')
		.orderBy('created_at', 'desc')
		.orderBy('id', 'desc')
		.limit(options.limit ?? 30);
	const before = options.before;
	if (before)
		query = query.where((eb) =>
			eb.or([
				eb('seq', '<', before.seq),
				eb.and([
					eb('seq', '=', before.seq),
					eb.or([
						eb('created_at', '<', before.createdAt),
						eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])
					])
				])
			])
		);
	return withAuthors(db, await query.execute());
}

async function withAuthors(
	db: Db,
	rows: {
		id: string;
		seq: number;
		from_seq: number;
		kind: VersionKind;
		name: string | null;
		comment: string | null;
		created_by: string | null;
		created_at: number;
		updates: number;
		chars_added: number;
		chars_removed: number;
		restored_from: string | null;
	}[]
): Promise<Version[]> {
	if (rows.length === 0) return [];
	const authors = await db
		.selectFrom('document_version_author')
		.selectAll()
		.where(
			'version_id',
			'in',
			rows.map((r) => r.id)
		)
		.execute();
	const restoredIds = rows.flatMap((r) => (r.restored_from ? [r.restored_from] : []));
	const restored = restoredIds.length
		? await db
				.selectFrom('document_version')
				.select(['id', 'name', 'created_at'])
				.where('id', 'in', restoredIds)
				.execute()
		: [];
	return rows.map((r) => ({
		id: r.id,
		seq: Number(r.seq),
		fromSeq: Number(r.from_seq),
		kind: r.kind,
		name: r.name,
		comment: r.comment,
		createdBy: r.created_by,
		createdAt: Number(r.created_at),
		updates: r.updates,
		charsAdded: r.chars_added,
		charsRemoved: r.chars_removed,
		restoredFrom: r.restored_from,
		restored: (() => {
			const found = restored.find((v) => v.id === r.restored_from);
			return found ? { name: found.name, createdAt: Number(found.created_at) } : null;
		})(),
		authors: authors
			.filter((a) => a.version_id === r.id)
			.map((a) => ({
				userId: a.user_id,
				organisationId: a.organisation_id,
				updates: a.updates,
				charsAdded: a.chars_added,
				charsRemoved: a.chars_removed
			}))
	}));
}

export interface NamedAuthor extends VersionAuthor {
	displayName: string;
	organisationName: string;
}

export type NamedVersion = Omit<Version, 'authors'> & { authors: NamedAuthor[] };

/** Display names and organisations of users, by id (unknown ids are absent). */
export async function peopleByIds(
	db: Db,
	ids: string[]
): Promise<Map<string, { displayName: string; organisationName: string }>> {
	const people = ids.length
		? await db
				.selectFrom('app_user')
				.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
				.select([
					'app_user.id',
					'app_user.display_name as displayName',
					'organisation.name as organisationName'
				])
				.where('app_user.id', 'in', ids)
				.execute()
		: [];
	return new Map(people.map((p) => [p.id, p]));
}

/** The versions with their authors' names and organisations, for pages. */
export async function withAuthorNames(db: Db, versions: Version[]): Promise<NamedVersion[]> {
	const byId = await peopleByIds(db, [
		...new Set(versions.flatMap((v) => v.authors.map((a) => a.userId)))
	]);
	return versions.map((v) => ({
		...v,
		authors: v.authors.map((a) => ({
			...a,
			displayName: byId.get(a.userId)?.displayName ?? 'Personne inconnue',
			organisationName: byId.get(a.userId)?.organisationName ?? ''
		}))
	}));
}

/** One version of one document, or null (unknown id, or a version of another document). */
export async function getVersion(
	db: Db,
	documentId: string,
	versionId: string
): Promise<Version | null> {
	const rows = await db
		.selectFrom('document_version')
		.select(VERSION_COLUMNS)
		.where('id', '=', versionId)
		.where('document_id', '=', documentId)
		.execute();
	return (await withAuthors(db, rows))[0] ?? null;
}

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/**
 * Thinning of automatic versions (named ones, restores and versions a club gave its avis on are
 * never thinned): all are kept for a day; older than a day, the last of each hour; older than a
 * month, the last of each day.
 * The latest version is always kept. A version thinned out is folded into the next one kept
 * (its range, counts and contributors), so the history still accounts for every update — and
 * the journal itself is never touched. Returns how many versions were folded.
 */
export async function thinVersions(db: Db, documentId: string, now = Date.now()): Promise<number> {
	return inTransaction(db, async (trx) => {
		const versions = (await listVersions(trx, documentId, { limit: 100_000 })).reverse();
		const lastOfBucket = new Map<string, Version>();
		for (const version of versions) {
			if (version.kind !== 'auto') continue;
			const age = now - version.createdAt;
			if (age <= DAY) continue;
			const key =
				age > 30 * DAY
					? `d${Math.floor(version.createdAt / DAY)}`
					: `h${Math.floor(version.createdAt / HOUR)}`;
			lastOfBucket.set(key, version); // ascending order: the last one wins
		}
		const kept = new Set([...lastOfBucket.values()].map((v) => v.id));
		// What a restore brought back, and the state just before a restore (restoring it undoes
		// the restore), stay whatever their age.
		versions.forEach((version, i) => {
			if (version.restoredFrom) kept.add(version.restoredFrom);
			if (versions[i + 1]?.kind === 'restore') kept.add(version.id);
		});
		// A club's avis is kept with the version it was issued on (lib/server/clubs/avis.ts).
		const withAvis = await trx
			.selectFrom('club_avis')
			.select('version_id')
			.where('document_id', '=', documentId)
			.execute();
		for (const { version_id } of withAvis) kept.add(version_id);
		const thinned = versions.filter(
			(v, i) =>
				v.kind === 'auto' && now - v.createdAt > DAY && !kept.has(v.id) && i < versions.length - 1
		);
		if (thinned.length === 0) return 0;
		const removed = new Set(thinned.map((v) => v.id));
		// Latest first: each thinned version's stored changes go in front of those of the version
		// it is folded into (already holding the later ones).
		for (const version of [...thinned].reverse()) {
			const index = versions.indexOf(version);
			const next = versions.slice(index + 1).find((v) => !removed.has(v.id))!;
			const changes = await foldChanges(trx, version.id, next.id);
			next.fromSeq = Math.min(next.fromSeq, version.fromSeq);
			next.updates += version.updates;
			next.charsAdded += version.charsAdded;
			next.charsRemoved += version.charsRemoved;
			for (const author of version.authors) {
				const same = next.authors.find((a) => a.userId === author.userId);
				if (same) {
					same.updates += author.updates;
					same.charsAdded += author.charsAdded;
					same.charsRemoved += author.charsRemoved;
				} else next.authors.push({ ...author });
			}
			await trx
				.deleteFrom('document_version_author')
				.where('version_id', '=', version.id)
				.execute();
			await trx.deleteFrom('document_version').where('id', '=', version.id).execute();
			await trx
				.updateTable('document_version')
				.set({
					from_seq: next.fromSeq,
					changes,
					updates: next.updates,
					chars_added: next.charsAdded,
					chars_removed: next.charsRemoved
				})
				.where('id', '=', next.id)
				.execute();
			await trx.deleteFrom('document_version_author').where('version_id', '=', next.id).execute();
			await writeAuthors(trx, next.id, next.authors);
		}
		return thinned.length;
	});
}

/**
 * The changes a new version brings (its journal rows replayed once, as a comparison would),
 * stored with it so that comparing versions merges stored changes instead of replaying. Null
 * when they cannot be computed: a comparison over this version then replays.
 */
async function storedChanges(
	db: Db,
	documentId: string,
	fromSeq: number,
	seq: number
): Promise<string | null> {
	if (seq <= fromSeq) return '[]';
	try {
		return JSON.stringify(await versionChanges(db, documentId, fromSeq, seq));
	} catch (error) {
		console.error(`changes of a version of ${documentId} not stored: ${(error as Error).message}`);
		return null;
	}
}

/** The stored changes of a version thinned out, followed by those of the next one kept. */
async function foldChanges(db: Db, thinnedId: string, keptId: string): Promise<string | null> {
	const rows = await db
		.selectFrom('document_version')
		.select(['id', 'changes'])
		.where('id', 'in', [thinnedId, keptId])
		.execute();
	const first = rows.find((r) => r.id === thinnedId)?.changes ?? null;
	const then = rows.find((r) => r.id === keptId)?.changes ?? null;
	return first !== null && then !== null ? foldStoredChanges([first, then]) : null;
}
