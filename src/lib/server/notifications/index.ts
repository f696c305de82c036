// In-app notifications: stored rows, one per recipient, so that e-mail can send them later
// (`emailed_at`). Features call notify() inside their own transaction: a notification exists
// exactly when what it tells of was stored.
import type { Db } from '../db';
import type { NotificationKind } from '../db/schema';
import { newId } from '../ids';

export interface NotificationInput {
	kind: NotificationKind;
	/** Who did it: never notified of their own act. */
	actorId: string | null;
	documentId?: string | null;
	threadId?: string | null;
	clubId?: string | null;
	/** A short text shown with it; cut to EXCERPT_LENGTH characters. */
	excerpt?: string;
}

export const EXCERPT_LENGTH = 200;

/** Cuts a text for a notification (on a character boundary, with an ellipsis). */
export function excerptOf(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	const chars = [...flat];
	return chars.length <= EXCERPT_LENGTH ? flat : chars.slice(0, EXCERPT_LENGTH - 1).join('') + '…';
}

/**
 * One notification to each of `userIds` (duplicates and the actor left out). Returns the users
 * notified.
 */
export async function notify(
	db: Db,
	userIds: Iterable<string>,
	input: NotificationInput
): Promise<string[]> {
	const recipients = [...new Set(userIds)].filter((id) => id !== input.actorId);
	if (recipients.length === 0) return [];
	const now = Date.now();
	await db
		.insertInto('notification')
		.values(
			recipients.map((userId) => ({
				id: newId(),
				user_id: userId,
				kind: input.kind,
				actor_id: input.actorId,
				document_id: input.documentId ?? null,
				thread_id: input.threadId ?? null,
				club_id: input.clubId ?? null,
				excerpt: excerptOf(input.excerpt ?? ''),
				created_at: now,
				read_at: null,
				emailed_at: null
			}))
		)
		.execute();
	return recipients;
}

/** The binôme of co-pilotes of a document (recipients of new threads, avis, access requests). */
export async function coleadsOf(db: Db, documentId: string): Promise<string[]> {
	const rows = await db
		.selectFrom('document_member')
		.select('user_id')
		.where('document_id', '=', documentId)
		.where('role', '=', 'colead')
		.execute();
	return rows.map((r) => r.user_id);
}

export async function unreadCount(db: Db, userId: string): Promise<number> {
	const row = await db
		.selectFrom('notification')
		.select((eb) => eb.fn.countAll<number | string>().as('n'))
		.where('user_id', '=', userId)
		.where('read_at', 'is', null)
		.executeTakeFirst();
	return Number(row?.n ?? 0);
}
