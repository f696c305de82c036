// « Voir les modifications depuis votre dernière visite » (issue 11): the journal position each
// user last had of each document, written when they open its page and when their editor
// leaves it. Nothing to configure: the offer appears when others changed the document since.
import type { Db } from '../db';

/** Records that `userId` has seen `documentId` up to journal position `seq`. */
export async function markSeen(
	db: Db,
	documentId: string,
	userId: string,
	seq: number,
	now = Date.now()
): Promise<void> {
	await db
		.insertInto('document_visit')
		.values({ document_id: documentId, user_id: userId, seen_seq: seq, seen_at: now })
		.onConflict((oc) =>
			oc.columns(['document_id', 'user_id']).doUpdateSet({ seen_seq: seq, seen_at: now })
		)
		.execute();
}

export interface SinceLastVisit {
	/** The journal position the user last had. */
	seenSeq: number;
	seenAt: number;
	/** Journal rows written by others since. */
	changesByOthers: number;
}

/** What others changed since the user's last visit; null on a first visit or when nothing. */
export async function sinceLastVisit(
	db: Db,
	documentId: string,
	userId: string
): Promise<SinceLastVisit | null> {
	const visit = await db
		.selectFrom('document_visit')
		.select(['seen_seq', 'seen_at'])
		.where('document_id', '=', documentId)
		.where('user_id', '=', userId)
		.executeTakeFirst();
	if (!visit) return null;
	const seenSeq = Number(visit.seen_seq);
	const row = await db
		.selectFrom('document_update')
		.select(({ fn }) => fn.countAll<number>().as('rows'))
		.where('document_id', '=', documentId)
		.where('seq', '>', seenSeq)
		.where('user_id', 'is not', null)
		.where('user_id', '!=', userId)
		.executeTakeFirst();
	const changesByOthers = Number(row?.rows ?? 0);
	return changesByOthers > 0 ? { seenSeq, seenAt: Number(visit.seen_at), changesByOthers } : null;
}
