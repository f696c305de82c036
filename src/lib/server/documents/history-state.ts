// The document at a point of its journal (issue 11): the nearest checkpoint at or before it,
// then the journal rows after it. Checkpoints (full states) are kept only every
// CHECKPOINT_EVERY updates, so storage grows with the edits, not with versions × document
// size, and rebuilding replays a bounded journal. Used by versions, compare and restore.
import * as Y from 'yjs';
import type { Db } from '../db';
import { journalUpdates, toBytes } from './journal';

/** A checkpoint is written once this many updates were stored since the previous one. */
export const CHECKPOINT_EVERY = 2_000;

/** Writes the state at `seq` when enough updates were stored since the last checkpoint. */
export async function checkpointIfDue(db: Db, documentId: string, seq: number, now: number) {
	const last = await db
		.selectFrom('document_checkpoint')
		.select(({ fn }) => fn.max('seq').as('seq'))
		.where('document_id', '=', documentId)
		.executeTakeFirst();
	const since = await db
		.selectFrom('document_update')
		.select(({ fn }) => fn.sum<number>('updates').as('updates'))
		.where('document_id', '=', documentId)
		.where('seq', '>', Number(last?.seq ?? 0))
		.where('seq', '<=', seq)
		.executeTakeFirst();
	if (Number(since?.updates ?? 0) < CHECKPOINT_EVERY) return;
	const doc = await stateAt(db, documentId, seq);
	await db
		.insertInto('document_checkpoint')
		.values({ document_id: documentId, seq, state: Y.encodeStateAsUpdate(doc), created_at: now })
		.execute();
	doc.destroy();
}

/**
 * The document exactly as it was once the journal rows up to `seq` were applied: the nearest
 * checkpoint at or before `seq`, then the rows after it. The caller destroys the Y.Doc.
 */
export async function stateAt(db: Db, documentId: string, seq: number): Promise<Y.Doc> {
	const checkpoint = await db
		.selectFrom('document_checkpoint')
		.select(['seq', 'state'])
		.where('document_id', '=', documentId)
		.where('seq', '<=', seq)
		.orderBy('seq', 'desc')
		.limit(1)
		.executeTakeFirst();
	const fromSeq = Number(checkpoint?.seq ?? 0);
	const rows = await db
		.selectFrom('document_update')
		.select(['updates', 'data'])
		.where('document_id', '=', documentId)
		.where('seq', '>', fromSeq)
		.where('seq', '<=', seq)
		.orderBy('seq')
		.execute();
	const parts: Uint8Array[] = checkpoint ? [toBytes(checkpoint.state)] : [];
	for (const row of rows) parts.push(...journalUpdates(toBytes(row.data), Number(row.updates)));
	const doc = new Y.Doc();
	applyAll(doc, parts);
	return doc;
}

/**
 * Applies updates in order as one transaction: measured 2–3 times faster than applying their
 * Y.mergeUpdates (300 runs of the paper trace, 156,000 updates: 314–386 ms against 736–930).
 */
export function applyAll(doc: Y.Doc, updates: Uint8Array[]): void {
	doc.transact(() => {
		for (const update of updates) Y.applyUpdate(doc, update);
	});
}
