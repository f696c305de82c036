// Stored Yjs state of a document: an append-only journal of updates, each with its author,
// plus the latest compacted snapshot. Loading reads the snapshot and only the journal rows
// after it, so opening a document costs the same whatever its history length.
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type Database from 'better-sqlite3';
import { inTransaction, sqliteHandle, type Db } from '../db';

/** One journal row: one update, or several consecutive updates of the same author. */
export interface JournalEntry {
	userId: string | null;
	data: Uint8Array;
	/** How many updates `data` holds (absent: one). See journalEntry. */
	updates?: number;
}

/**
 * The row for consecutive updates of one author. A read of a socket can hold hundreds of
 * updates (a paste, a fast typist, a client catching up): one row for all of them costs one
 * insert instead of hundreds (an insert was 40 % of the server's time replaying a paper), and
 * encoding a list costs nothing next to merging the updates with Yjs. The author is kept.
 */
export function journalEntry(userId: string | null, updates: Uint8Array[]): JournalEntry {
	if (updates.length === 1) return { userId, data: updates[0] };
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, updates.length);
	for (const update of updates) encoding.writeVarUint8Array(encoder, update);
	return { userId, data: encoding.toUint8Array(encoder), updates: updates.length };
}

/** The Yjs updates a journal row holds. */
export function journalUpdates(data: Uint8Array, updates: number): Uint8Array[] {
	if (updates === 1) return [data];
	const decoder = decoding.createDecoder(data);
	const count = decoding.readVarUint(decoder);
	const list: Uint8Array[] = [];
	for (let i = 0; i < count; i++) list.push(decoding.readVarUint8Array(decoder));
	return list;
}

export interface StoredState {
	/** Snapshot merged with every later journal row. */
	state: Uint8Array;
	/** Highest sequence number stored. */
	lastSeq: number;
	/** Updates stored after the snapshot (how much compaction would save). */
	updatesSinceSnapshot: number;
}

/** Updates of one document to append after `afterSeq`, with consecutive sequence numbers. */
export interface JournalAppend {
	documentId: string;
	afterSeq: number;
	entries: JournalEntry[];
}

/** The rows to insert, in the column order both write paths use. */
function journalRows(appends: JournalAppend[], now: number) {
	return appends.flatMap(({ documentId, afterSeq, entries }) =>
		entries.map((entry, i) => ({
			document_id: documentId,
			seq: afterSeq + i + 1,
			user_id: entry.userId,
			updates: entry.updates ?? 1,
			data: entry.data,
			created_at: now
		}))
	);
}

/**
 * Appends several documents' updates in one transaction: the collaboration server commits
 * what all its documents received in one socket read together, not once per document (fewer
 * commits, shorter stalls when many people type at the same time).
 */
export async function appendJournal(
	db: Db,
	appends: JournalAppend[],
	now = Date.now()
): Promise<void> {
	const rows = journalRows(appends, now);
	if (rows.length === 0) return;
	await inTransaction(db, async (trx) => {
		// Bounded chunks keep each statement under SQLite's bound-parameter limit.
		for (let i = 0; i < rows.length; i += 500) {
			await trx
				.insertInto('document_update')
				.values(rows.slice(i, i + 500))
				.execute();
		}
	});
}

/**
 * The same as appendJournal, synchronously, on SQLite when no other transaction is open: the
 * collaboration server's hot path. Kysely runs every statement through promises and its
 * connection lock; for the few rows of one event-loop turn that overhead cost as much as the
 * write itself (and delayed every broadcast by as much). The SQL still comes from Kysely's
 * builder, compiled once and prepared once. Returns false when it cannot run (PostgreSQL, or
 * a Kysely transaction is open and waiting): use appendJournal then.
 */
export function appendJournalNow(db: Db, appends: JournalAppend[], now = Date.now()): boolean {
	const sqlite = sqliteHandle(db);
	// Everything below is synchronous: if no transaction is open now, none can interleave.
	if (!sqlite || sqlite.inTransaction) return false;
	fastPath(db, sqlite)(appends, now);
	return true;
}

type FastAppend = (appends: JournalAppend[], now: number) => void;
const fastPaths = new WeakMap<Database.Database, FastAppend>();

function fastPath(db: Db, sqlite: Database.Database): FastAppend {
	let append = fastPaths.get(sqlite);
	if (append) return append;
	const [sample] = journalRows(
		[{ documentId: '', afterSeq: 0, entries: [{ userId: null, data: new Uint8Array() }] }],
		0
	);
	const insert = sqlite.prepare(db.insertInto('document_update').values(sample).compile().sql);
	append = sqlite.transaction((appends: JournalAppend[], now: number) => {
		// Object.values follows the keys' order, the order Kysely listed the columns in.
		for (const row of journalRows(appends, now)) insert.run(...Object.values(row));
	}) as FastAppend;
	fastPaths.set(sqlite, append);
	return append;
}

/** Bumps the documents' last activity (the dashboard sorts by it). */
export async function touchDocuments(
	db: Db,
	documentIds: string[],
	at = Date.now()
): Promise<void> {
	for (let i = 0; i < documentIds.length; i += 500) {
		await db
			.updateTable('document')
			.set({ updated_at: at })
			.where('id', 'in', documentIds.slice(i, i + 500))
			.execute();
	}
}

/** Appends one document's updates after `afterSeq`; returns the new last sequence number. */
export async function appendUpdates(
	db: Db,
	documentId: string,
	afterSeq: number,
	entries: JournalEntry[],
	now = Date.now()
): Promise<number> {
	if (entries.length === 0) return afterSeq;
	await appendJournal(db, [{ documentId, afterSeq, entries }], now);
	return afterSeq + entries.length;
}

/**
 * Stored bytes that cannot be read as Yjs updates: disk corruption, a bad restore, a future
 * Yjs incompatibility. It fails its document alone (see documents/storage-damage.ts for the
 * diagnosis and the repair); the message never holds document content.
 */
export class UnreadableStorageError extends Error {
	constructor(
		readonly documentId: string,
		cause: unknown
	) {
		super(
			`stored state of ${documentId} is unreadable: ${cause instanceof Error ? cause.message : String(cause)}`
		);
		this.name = 'UnreadableStorageError';
	}
}

export async function loadStoredState(db: Db, documentId: string): Promise<StoredState> {
	const snapshot = await db
		.selectFrom('document_snapshot')
		.select(['upto_seq', 'state'])
		.where('document_id', '=', documentId)
		.executeTakeFirst();
	const fromSeq = Number(snapshot?.upto_seq ?? 0);
	const rows = await db
		.selectFrom('document_update')
		.select(['seq', 'updates', 'data'])
		.where('document_id', '=', documentId)
		.where('seq', '>', fromSeq)
		.orderBy('seq')
		.execute();
	let state: Uint8Array;
	let updates = 0;
	try {
		const parts: Uint8Array[] = [];
		if (snapshot) parts.push(toBytes(snapshot.state));
		for (const row of rows) {
			const list = journalUpdates(toBytes(row.data), Number(row.updates));
			updates += list.length;
			for (const update of list) parts.push(update);
		}
		if (parts.length === 0) state = Y.encodeStateAsUpdate(new Y.Doc());
		else if (parts.length > 1)
			state = Y.mergeUpdates(parts); // decodes every part
		else {
			// A single part is handed out as stored: decode it once (≈3 ms for a 260k-edit
			// paper) so that unreadable bytes fail here, never in a client or a deferred apply.
			state = parts[0];
			Y.decodeUpdate(state);
		}
	} catch (error) {
		throw new UnreadableStorageError(documentId, error);
	}
	return {
		state,
		lastSeq: rows.length ? Number(rows[rows.length - 1].seq) : fromSeq,
		updatesSinceSnapshot: updates
	};
}

/**
 * Applies a stored state to `doc`. Bytes that decode but cannot be applied, or a history with a
 * gap (structs waiting for a dependency that is not stored), are unreadable too.
 */
export function applyStoredState(doc: Y.Doc, documentId: string, state: Uint8Array): void {
	try {
		Y.applyUpdate(doc, state);
	} catch (error) {
		throw new UnreadableStorageError(documentId, error);
	}
	if (doc.store.pendingStructs || doc.store.pendingDs)
		throw new UnreadableStorageError(
			documentId,
			new Error('missing dependencies: part of the history is not stored')
		);
}

/** The stored document in a throwaway Y.Doc (rendering, exports); the caller destroys it. */
export async function readStoredDocument(db: Db, documentId: string): Promise<Y.Doc> {
	const doc = new Y.Doc();
	try {
		applyStoredState(doc, documentId, (await loadStoredState(db, documentId)).state);
		return doc;
	} catch (error) {
		doc.destroy();
		throw error;
	}
}

/** Stores the compacted state up to `uptoSeq`; journal rows stay as authorship history. */
export async function saveSnapshot(
	db: Db,
	documentId: string,
	uptoSeq: number,
	state: Uint8Array,
	now = Date.now()
): Promise<void> {
	await db
		.insertInto('document_snapshot')
		.values({ document_id: documentId, upto_seq: uptoSeq, state, updated_at: now })
		.onConflict((oc) =>
			oc.column('document_id').doUpdateSet({ upto_seq: uptoSeq, state, updated_at: now })
		)
		.execute();
}

/** Both drivers return Buffer subclasses; Yjs wants plain Uint8Array views. */
export function toBytes(value: Uint8Array): Uint8Array {
	return value instanceof Uint8Array && value.constructor === Uint8Array
		? value
		: new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}
