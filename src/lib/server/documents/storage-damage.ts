// When a document's stored state cannot be read (journal.ts, UnreadableStorageError): which
// rows are at fault, the record that tells the administrator, and the repair. The repair never
// deletes: it moves the unreadable journal rows or snapshot into document_set_aside, byte for
// byte, so that the document opens with what remains and the bytes can still be examined.
import * as Y from 'yjs';
import { newId } from '../ids';
import { inTransaction, type Db } from '../db';
import { journalUpdates, toBytes } from './journal';

export interface UnreadablePart {
	source: 'snapshot' | 'update';
	/** The journal row's seq, or the snapshot's upto_seq. */
	seq: number;
	userId: string | null;
	storedAt: number;
	error: string;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The stored parts that cannot be read, in load order: parts whose bytes do not decode, then
 * parts that decode but cannot be applied after the readable ones before them. Costs a full
 * load of the document: run on failure and for the repair only.
 */
export async function findUnreadableParts(db: Db, documentId: string): Promise<UnreadablePart[]> {
	const unreadable: UnreadablePart[] = [];
	const accepted: Uint8Array[] = [];
	const snapshot = await db
		.selectFrom('document_snapshot')
		.select(['upto_seq', 'state', 'updated_at'])
		.where('document_id', '=', documentId)
		.executeTakeFirst();
	let fromSeq = 0;
	let doc = new Y.Doc();
	if (snapshot) {
		const state = toBytes(snapshot.state);
		const problem = tryApply(doc, [state]);
		if (problem === null) {
			accepted.push(state);
			fromSeq = Number(snapshot.upto_seq);
		} else {
			unreadable.push({
				source: 'snapshot',
				seq: Number(snapshot.upto_seq),
				userId: null,
				storedAt: Number(snapshot.updated_at),
				error: problem
			});
			doc = new Y.Doc(); // without the snapshot, every journal row is needed (they are kept)
		}
	}
	const rows = await db
		.selectFrom('document_update')
		.select(['seq', 'user_id', 'updates', 'data', 'created_at'])
		.where('document_id', '=', documentId)
		.where('seq', '>', fromSeq)
		.orderBy('seq')
		.execute();
	for (const row of rows) {
		let problem: string | null;
		let list: Uint8Array[] = [];
		try {
			list = journalUpdates(toBytes(row.data), Number(row.updates));
			problem = tryApply(doc, list);
		} catch (error) {
			problem = message(error);
		}
		if (problem === null) {
			accepted.push(...list);
			continue;
		}
		unreadable.push({
			source: 'update',
			seq: Number(row.seq),
			userId: row.user_id,
			storedAt: Number(row.created_at),
			error: problem
		});
		// A failed apply may have left part of the row in the document: start again from the
		// parts accepted so far (rare: only on a damaged document).
		doc.destroy();
		doc = new Y.Doc();
		if (accepted.length) Y.applyUpdate(doc, Y.mergeUpdates(accepted));
	}
	doc.destroy();
	return unreadable;
}

/** Decodes then applies `updates` to `doc`; null when all went in, else what failed. */
function tryApply(doc: Y.Doc, updates: Uint8Array[]): string | null {
	try {
		for (const update of updates) Y.decodeUpdate(update);
		doc.transact(() => {
			for (const update of updates) Y.applyUpdate(doc, update);
		});
		// A part whose structs wait for a dependency that is not stored: a gap in the history.
		if (doc.store.pendingStructs || doc.store.pendingDs)
			return 'missing dependencies: part of the history is not stored';
		return null;
	} catch (error) {
		return message(error);
	}
}

export function describeParts(parts: UnreadablePart[]): string {
	if (parts.length === 0) return 'aucune ligne illisible isolée';
	return parts
		.map(
			(p) =>
				`${p.source === 'snapshot' ? `instantané jusqu’à ${p.seq}` : `ligne ${p.seq}`} (auteur ${p.userId ?? '—'}, enregistrée le ${new Date(p.storedAt).toISOString()}) : ${p.error}`
		)
		.join(' ; ');
}

/**
 * Records that `documentId` could not be read, for the administration page, and returns the
 * parts at fault. A later failure replaces the record (and reopens it if it was repaired).
 */
export async function recordDamage(
	db: Db,
	documentId: string,
	error: unknown,
	now = Date.now()
): Promise<UnreadablePart[]> {
	const parts = await findUnreadableParts(db, documentId);
	const detail = `${message(error)} — ${describeParts(parts)}`.slice(0, 4000);
	await db
		.insertInto('document_damage')
		.values({ document_id: documentId, detected_at: now, detail })
		.onConflict((oc) =>
			oc
				.column('document_id')
				.doUpdateSet({ detected_at: now, detail, repaired_at: null, repaired_by: null })
		)
		.execute();
	return parts;
}

/**
 * The repair: moves every unreadable part aside (kept as stored), marks the damage repaired.
 * Returns how many parts were moved. The document must not be loaded meanwhile; it cannot be,
 * since it fails to load.
 */
export async function setAsideUnreadable(
	db: Db,
	documentId: string,
	byUserId: string,
	now = Date.now()
): Promise<number> {
	return inTransaction(db, async (trx) => {
		const parts = await findUnreadableParts(trx, documentId);
		for (const part of parts) {
			if (part.source === 'snapshot') {
				const row = await trx
					.selectFrom('document_snapshot')
					.select(['state'])
					.where('document_id', '=', documentId)
					.executeTakeFirstOrThrow();
				await trx
					.insertInto('document_set_aside')
					.values(aside(documentId, part, row.state, 1, byUserId, now))
					.execute();
				await trx.deleteFrom('document_snapshot').where('document_id', '=', documentId).execute();
			} else {
				const row = await trx
					.selectFrom('document_update')
					.select(['data', 'updates'])
					.where('document_id', '=', documentId)
					.where('seq', '=', part.seq)
					.executeTakeFirstOrThrow();
				await trx
					.insertInto('document_set_aside')
					.values(aside(documentId, part, row.data, Number(row.updates), byUserId, now))
					.execute();
				await trx
					.deleteFrom('document_update')
					.where('document_id', '=', documentId)
					.where('seq', '=', part.seq)
					.execute();
			}
		}
		await trx
			.updateTable('document_damage')
			.set({ repaired_at: now, repaired_by: byUserId })
			.where('document_id', '=', documentId)
			.execute();
		return parts.length;
	});
}

function aside(
	documentId: string,
	part: UnreadablePart,
	data: Uint8Array,
	updates: number,
	byUserId: string,
	now: number
) {
	return {
		id: newId(),
		document_id: documentId,
		source: part.source,
		seq: part.seq,
		user_id: part.userId,
		updates,
		data,
		stored_at: part.storedAt,
		error: part.error.slice(0, 1000),
		set_aside_at: now,
		set_aside_by: byUserId
	};
}

export interface DamagedDocument {
	documentId: string;
	title: string;
	detectedAt: number;
	detail: string;
}

/** Documents of a territory whose storage failed to load and is not repaired yet. */
export async function listDamagedDocuments(
	db: Db,
	territoryId: string
): Promise<DamagedDocument[]> {
	const rows = await db
		.selectFrom('document_damage')
		.innerJoin('document', 'document.id', 'document_damage.document_id')
		.select([
			'document.id',
			'document.title',
			'document_damage.detected_at',
			'document_damage.detail'
		])
		.where('document.territory_id', '=', territoryId)
		.where('document_damage.repaired_at', 'is', null)
		.orderBy('document_damage.detected_at', 'desc')
		.execute();
	return rows.map((r) => ({
		documentId: r.id,
		title: r.title,
		detectedAt: Number(r.detected_at),
		detail: r.detail
	}));
}

export interface SetAsideNote {
	count: number;
	lastAt: number;
}

/** What the document page tells its readers: parts of it were set aside (null: none). */
export async function setAsideNote(db: Db, documentId: string): Promise<SetAsideNote | null> {
	const row = await db
		.selectFrom('document_set_aside')
		.select(({ fn }) => [fn.countAll<number>().as('count'), fn.max('set_aside_at').as('last_at')])
		.where('document_id', '=', documentId)
		.executeTakeFirst();
	const count = Number(row?.count ?? 0);
	return count ? { count, lastAt: Number(row!.last_at) } : null;
}

/** How many documents of a territory wait for the repair (shown to administrators in the header). */
export async function countDamagedDocuments(db: Db, territoryId: string): Promise<number> {
	const row = await db
		.selectFrom('document_damage')
		.innerJoin('document', 'document.id', 'document_damage.document_id')
		.select(({ fn }) => fn.countAll<number>().as('count'))
		.where('document.territory_id', '=', territoryId)
		.where('document_damage.repaired_at', 'is', null)
		.executeTakeFirst();
	return Number(row?.count ?? 0);
}
