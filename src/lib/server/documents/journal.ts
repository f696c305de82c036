// Stored Yjs state of a document: an append-only journal of updates, each with its author,
// plus the latest compacted snapshot. Loading reads the snapshot and only the journal rows
// after it, so opening a document costs the same whatever its history length.
import * as Y from 'yjs';
import { inTransaction, type Db } from '../db';

export interface JournalEntry {
	userId: string | null;
	data: Uint8Array;
}

export interface StoredState {
	/** Snapshot merged with every later journal row. */
	state: Uint8Array;
	/** Highest sequence number stored. */
	lastSeq: number;
	/** Journal rows after the snapshot (how much compaction would save). */
	rowsSinceSnapshot: number;
}

/**
 * Appends updates with consecutive sequence numbers after `afterSeq`, in one transaction.
 * `touch: false` skips bumping the document's last activity (the collaboration server does it
 * at most once a second: one extra UPDATE per event-loop turn is measurable under load).
 */
export async function appendUpdates(db: Db, documentId: string, afterSeq: number, entries: JournalEntry[], now = Date.now(), touch = true): Promise<number> {
	if (entries.length === 0) return afterSeq;
	const rows = entries.map((entry, i) => ({
		document_id: documentId,
		seq: afterSeq + i + 1,
		user_id: entry.userId,
		data: entry.data,
		created_at: now
	}));
	await inTransaction(db, async (trx) => {
		// Bounded chunks keep each statement under SQLite's bound-parameter limit.
		for (let i = 0; i < rows.length; i += 500) {
			await trx.insertInto('document_update').values(rows.slice(i, i + 500)).execute();
		}
		if (touch) await trx.updateTable('document').set({ updated_at: now }).where('id', '=', documentId).execute();
	});
	return afterSeq + entries.length;
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
		.select(['seq', 'data'])
		.where('document_id', '=', documentId)
		.where('seq', '>', fromSeq)
		.orderBy('seq')
		.execute();
	const parts: Uint8Array[] = [];
	if (snapshot) parts.push(toBytes(snapshot.state));
	for (const row of rows) parts.push(toBytes(row.data));
	const state = parts.length === 0 ? Y.encodeStateAsUpdate(new Y.Doc()) : parts.length === 1 ? parts[0] : Y.mergeUpdates(parts);
	return { state, lastSeq: rows.length ? Number(rows[rows.length - 1].seq) : fromSeq, rowsSinceSnapshot: rows.length };
}

/** Stores the compacted state up to `uptoSeq`; journal rows stay as authorship history. */
export async function saveSnapshot(db: Db, documentId: string, uptoSeq: number, state: Uint8Array, now = Date.now()): Promise<void> {
	await db
		.insertInto('document_snapshot')
		.values({ document_id: documentId, upto_seq: uptoSeq, state, updated_at: now })
		.onConflict((oc) => oc.column('document_id').doUpdateSet({ upto_seq: uptoSeq, state, updated_at: now }))
		.execute();
}

/** Both drivers return Buffer subclasses; Yjs wants plain Uint8Array views. */
function toBytes(value: Uint8Array): Uint8Array {
	return value instanceof Uint8Array && value.constructor === Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}
