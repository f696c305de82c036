// Reading a document's life cycle: its open consultation, its observations, its transitions.
import type { Db } from '../db';

export async function currentConsultation(db: Db, documentId: string) {
	const row = await db
		.selectFrom('consultation')
		.select([
			'id',
			'version_id as versionId',
			'opened_by as openedBy',
			'opened_at as openedAt',
			'deadline_at as deadlineAt'
		])
		.where('document_id', '=', documentId)
		.where('status', '=', 'open')
		.executeTakeFirst();
	return row
		? { ...row, openedAt: Number(row.openedAt), deadlineAt: Number(row.deadlineAt) }
		: null;
}

/** Blocking observations of a consultation still waiting for the binôme's answer. */
export async function unansweredBlocking(db: Db, consultationId: string): Promise<number> {
	const row = await db
		.selectFrom('comment_thread')
		.select((eb) => eb.fn.countAll<number | string>().as('n'))
		.where('consultation_id', '=', consultationId)
		.where('blocking', '=', 1)
		.where('answer', 'is', null)
		.executeTakeFirst();
	return Number(row?.n ?? 0);
}
