// In-app notifications: stored rows, one per recipient, so that e-mail can send them later
// (`emailed_at`). Features call notify() inside their own transaction: a notification exists
// exactly when what it tells of was stored — and so does its e-mail in the outbox.
import type { Db } from '../db';
import type { AvisVerdict, NotificationKind } from '../db/schema';
import { newId } from '../ids';
import { queueNotificationEmails } from '../mail/notification-mail';

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
 * One notification to each of `userIds` (duplicates and the actor left out), and its e-mail
 * queued for those who want it at once (mail/notification-mail.ts). Returns the users notified.
 */
export async function notify(
	db: Db,
	userIds: Iterable<string>,
	input: NotificationInput
): Promise<string[]> {
	const recipients = [...new Set(userIds)].filter((id) => id !== input.actorId);
	if (recipients.length === 0) return [];
	const now = Date.now();
	const rows = recipients.map((userId) => ({ id: newId(), userId }));
	await db
		.insertInto('notification')
		.values(
			rows.map(({ id, userId }) => ({
				id,
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
	await queueNotificationEmails(
		db,
		rows.map((r) => r.id),
		now
	);
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

export const NOTIFICATIONS_PAGE_SIZE = 50;

/** A notification as the page shows it: who, on what, and where it leads. */
export interface NotificationView {
	id: string;
	kind: NotificationKind;
	actorName: string | null;
	documentId: string | null;
	documentTitle: string | null;
	threadId: string | null;
	clubId: string | null;
	clubName: string | null;
	/** For an avis: the verdict of the club's avis it tells of. */
	verdict: AvisVerdict | null;
	excerpt: string;
	createdAt: number;
	readAt: number | null;
}

export interface NotificationPage {
	items: NotificationView[];
	total: number;
	unread: number;
	/** 1-based, clamped to the last page. */
	page: number;
	pageCount: number;
}

/** A user's notifications, newest first, `NOTIFICATIONS_PAGE_SIZE` a page. */
export async function listNotifications(
	db: Db,
	userId: string,
	page = 1
): Promise<NotificationPage> {
	const countRow = await db
		.selectFrom('notification')
		.select((eb) => eb.fn.countAll<number | string>().as('n'))
		.where('user_id', '=', userId)
		.executeTakeFirst();
	const total = Number(countRow?.n ?? 0);
	const pageCount = Math.max(1, Math.ceil(total / NOTIFICATIONS_PAGE_SIZE));
	const current = Math.min(Math.max(1, Math.floor(page) || 1), pageCount);
	const rows = await db
		.selectFrom('notification')
		.leftJoin('app_user', 'app_user.id', 'notification.actor_id')
		.leftJoin('document', 'document.id', 'notification.document_id')
		.leftJoin('club', 'club.id', 'notification.club_id')
		.select((eb) => [
			'notification.id',
			'notification.kind',
			'notification.document_id as documentId',
			'notification.thread_id as threadId',
			'notification.club_id as clubId',
			'notification.excerpt',
			'notification.created_at as createdAt',
			'notification.read_at as readAt',
			'app_user.display_name as actorName',
			'document.title as documentTitle',
			'club.name as clubName',
			// The avis it tells of: the club's latest on that document when it was notified
			// (notify() runs in the avis' own transaction, after it was stored).
			eb
				.selectFrom('club_avis')
				.select('club_avis.verdict')
				.whereRef('club_avis.document_id', '=', 'notification.document_id')
				.whereRef('club_avis.club_id', '=', 'notification.club_id')
				.whereRef('club_avis.issued_at', '<=', 'notification.created_at')
				.orderBy('club_avis.issued_at', 'desc')
				.limit(1)
				.as('verdict')
		])
		.where('notification.user_id', '=', userId)
		// The id breaks ties of the same millisecond, so pages never overlap.
		.orderBy('notification.created_at', 'desc')
		.orderBy('notification.id', 'desc')
		.limit(NOTIFICATIONS_PAGE_SIZE)
		.offset((current - 1) * NOTIFICATIONS_PAGE_SIZE)
		.execute();
	return {
		items: rows.map((r) => ({
			id: r.id,
			kind: r.kind,
			actorName: r.actorName,
			documentId: r.documentId,
			documentTitle: r.documentTitle,
			threadId: r.threadId,
			clubId: r.clubId,
			clubName: r.clubName,
			verdict: r.kind === 'avis' ? (r.verdict ?? null) : null,
			excerpt: r.excerpt,
			createdAt: Number(r.createdAt),
			readAt: r.readAt === null ? null : Number(r.readAt)
		})),
		total,
		unread: await unreadCount(db, userId),
		page: current,
		pageCount
	};
}

/** Where a notification leads: what it needs to build the link (lib/notifications/sentences). */
export interface NotificationTarget {
	kind: NotificationKind;
	documentId: string | null;
	threadId: string | null;
	clubId: string | null;
}

/**
 * Marks one of the user's notifications read (kept as first read if it already was) and
 * returns where it leads. Null when the user has no notification of that id — someone else's
 * included, which stays untouched: the caller answers 404, not 403, so ids cannot be probed.
 */
export async function markRead(
	db: Db,
	userId: string,
	notificationId: string
): Promise<NotificationTarget | null> {
	const row = await db
		.selectFrom('notification')
		.select(['kind', 'document_id', 'thread_id', 'club_id', 'read_at'])
		.where('id', '=', notificationId)
		.where('user_id', '=', userId)
		.executeTakeFirst();
	if (!row) return null;
	if (row.read_at === null)
		await db
			.updateTable('notification')
			.set({ read_at: Date.now() })
			.where('id', '=', notificationId)
			.where('user_id', '=', userId)
			.where('read_at', 'is', null)
			.execute();
	return {
		kind: row.kind,
		documentId: row.document_id,
		threadId: row.thread_id,
		clubId: row.club_id
	};
}

/** Marks all of the user's notifications read; returns how many were unread. */
export async function markAllRead(db: Db, userId: string): Promise<number> {
	const result = await db
		.updateTable('notification')
		.set({ read_at: Date.now() })
		.where('user_id', '=', userId)
		.where('read_at', 'is', null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}
