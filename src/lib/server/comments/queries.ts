// Reading comment threads as the pages and the socket frames show them.
import type { Db } from '../db';
import type { Mentionable, PersonView, ThreadView } from '../../comments/types';
import { bytesToBase64 } from '../../comments/anchor';
import { toBytes } from '../documents/journal';

/** Threads of a document (all, or those of `threadIds`), oldest first, with their comments. */
export async function listThreads(
	db: Db,
	documentId: string,
	threadIds?: string[]
): Promise<ThreadView[]> {
	if (threadIds && threadIds.length === 0) return [];
	let query = db
		.selectFrom('comment_thread as t')
		.innerJoin('app_user as u', 'u.id', 't.author_id')
		.innerJoin('organisation as o', 'o.id', 'u.organisation_id')
		.leftJoin('club', 'club.id', 't.club_id')
		.leftJoin('app_user as r', 'r.id', 't.resolved_by')
		.leftJoin('app_user as a', 'a.id', 't.answered_by')
		.select([
			't.id',
			't.document_id as documentId',
			't.anchor_start as anchorStart',
			't.anchor_end as anchorEnd',
			't.consultation_id as consultationId',
			't.blocking',
			't.answer',
			't.answer_reason as answerReason',
			't.answered_at as answeredAt',
			'a.display_name as answeredBy',
			't.quote',
			't.status',
			't.resolved_at as resolvedAt',
			't.created_at as createdAt',
			't.updated_at as updatedAt',
			'u.id as authorId',
			'u.display_name as authorName',
			'o.id as organisationId',
			'o.name as organisationName',
			'club.id as clubId',
			'club.name as clubName',
			'r.display_name as resolvedBy'
		])
		.where('t.document_id', '=', documentId);
	if (threadIds) query = query.where('t.id', 'in', threadIds);
	const threads = await query.orderBy('t.created_at').orderBy('t.id').execute();
	if (threads.length === 0) return [];
	const comments = await db
		.selectFrom('comment as c')
		.innerJoin('comment_thread as t', 't.id', 'c.thread_id')
		.innerJoin('app_user as u', 'u.id', 'c.author_id')
		.innerJoin('organisation as o', 'o.id', 'u.organisation_id')
		.select([
			'c.id',
			'c.thread_id as threadId',
			'c.body',
			'c.created_at as createdAt',
			'c.edited_at as editedAt',
			'c.deleted_at as deletedAt',
			'u.id as authorId',
			'u.display_name as authorName',
			'o.id as organisationId',
			'o.name as organisationName'
		])
		.where('t.document_id', '=', documentId)
		.$if(threadIds !== undefined, (q) => q.where('c.thread_id', 'in', threadIds!))
		.orderBy('c.created_at')
		.orderBy('c.id')
		.execute();
	const byThread = new Map<string, ThreadView['comments']>();
	for (const c of comments) {
		const list = byThread.get(c.threadId) ?? [];
		const deleted = c.deletedAt !== null;
		list.push({
			id: c.id,
			author: person(c),
			body: deleted ? '' : c.body,
			createdAt: Number(c.createdAt),
			editedAt: c.editedAt === null ? null : Number(c.editedAt),
			deleted
		});
		byThread.set(c.threadId, list);
	}
	return threads.map((t) => ({
		id: t.id,
		documentId: t.documentId,
		author: person(t),
		club: t.clubId && t.clubName ? { id: t.clubId, name: t.clubName } : null,
		anchor:
			t.anchorStart && t.anchorEnd
				? {
						start: bytesToBase64(toBytes(t.anchorStart)),
						end: bytesToBase64(toBytes(t.anchorEnd))
					}
				: null,
		observation: t.consultationId
			? {
					consultationId: t.consultationId,
					blocking: Number(t.blocking) === 1,
					answer: t.answer,
					answerReason: t.answerReason,
					answeredBy: t.answeredBy,
					answeredAt: t.answeredAt === null ? null : Number(t.answeredAt)
				}
			: null,
		quote: t.quote,
		status: t.status,
		resolvedBy: t.status === 'resolved' ? t.resolvedBy : null,
		resolvedAt: t.status === 'resolved' && t.resolvedAt !== null ? Number(t.resolvedAt) : null,
		createdAt: Number(t.createdAt),
		updatedAt: Number(t.updatedAt),
		comments: byThread.get(t.id) ?? []
	}));
}

function person(row: {
	authorId: string;
	authorName: string;
	organisationId: string;
	organisationName: string;
}): PersonView {
	return {
		id: row.authorId,
		name: row.authorName,
		organisationId: row.organisationId,
		organisationName: row.organisationName
	};
}

/**
 * Everyone who can read the document, by the same sources as the access policy: personal and
 * organisation participation, invited clubs, the direction générale.
 */
export async function readersOf(
	db: Db,
	documentId: string,
	territoryId: string
): Promise<Mentionable[]> {
	const users = () =>
		db
			.selectFrom('app_user')
			.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
			.select([
				'app_user.id',
				'app_user.display_name as name',
				'organisation.name as organisationName'
			])
			.where('organisation.territory_id', '=', territoryId);
	const lists = await Promise.all([
		users().where('app_user.territory_role', '=', 'direction').execute(),
		users()
			.where((eb) =>
				eb(
					'app_user.id',
					'in',
					eb.selectFrom('document_member').select('user_id').where('document_id', '=', documentId)
				)
			)
			.execute(),
		users()
			.where((eb) =>
				eb(
					'app_user.organisation_id',
					'in',
					eb
						.selectFrom('document_org_member')
						.select('organisation_id')
						.where('document_id', '=', documentId)
				)
			)
			.execute(),
		users()
			.where((eb) =>
				eb(
					'app_user.id',
					'in',
					eb
						.selectFrom('club_member')
						.innerJoin('document_club', 'document_club.club_id', 'club_member.club_id')
						.select('club_member.user_id')
						.where('document_club.document_id', '=', documentId)
				)
			)
			.execute()
	]);
	const byId = new Map<string, Mentionable>();
	for (const list of lists) for (const user of list) byId.set(user.id, user);
	return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

/** Clubs of the actor invited to the document: those it may post on behalf of. */
export async function postableClubs(
	db: Db,
	documentId: string,
	userId: string
): Promise<{ id: string; name: string }[]> {
	const clubs = await db
		.selectFrom('club')
		.innerJoin('club_member', 'club_member.club_id', 'club.id')
		.innerJoin('document_club', 'document_club.club_id', 'club.id')
		.select(['club.id', 'club.name'])
		.where('club_member.user_id', '=', userId)
		.where('document_club.document_id', '=', documentId)
		.execute();
	// French order on both databases (their collations differ).
	return clubs.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}
