// Every change to comment threads: the actor is the session's user (never a name or id the
// client sends), access goes through the one policy, the text is checked, and the write and its
// notifications happen in one transaction. Routes broadcast the resulting thread to the open
// pages (comments/broadcast.ts).
import { inTransaction, type Db } from '../db';
import { newId } from '../ids';
import { documentAccess, type Actor, type Granted } from '../documents/access';
import {
	authorize,
	done,
	invalid,
	text,
	type CommandFailure,
	type CommandResult
} from '../documents/commands/result';
import { hasUnshowable, isBlank, UNSHOWABLE_MESSAGE } from '../documents/rules';
import { coleadsOf, notify } from '../notifications';
import { ID_PATTERN } from '../ids';
import { COMMENT_MAX_LENGTH, type Mentionable, type ThreadView } from '../../comments/types';
import { decodeAnchor } from '../../comments/anchor';
import { mentionedIn } from './mentions';
import type { PassageReader } from './passage';
import { listThreads, postableClubs } from './queries';

/** A refusal; for a mention of someone who cannot read the document, who, and whether the actor may invite them. */
export type CommentFailure = CommandFailure & { cannotRead?: Mentionable[]; canInvite?: boolean };
export type CommentResult<T extends object> = CommandResult<T> | CommentFailure;

export const COMMENT_MESSAGES = {
	empty: 'Le commentaire est vide : écrivez votre remarque.',
	tooLong: 'Le commentaire ne doit pas dépasser 10\u00a0000 caractères.',
	cannotAnnotate: 'Votre rôle sur ce document ne permet pas de commenter (lecture seule).',
	threadNotFound: 'Fil de commentaires introuvable.',
	commentNotFound: 'Message introuvable.',
	authorOnly: 'Seul l’auteur d’un message peut le modifier ou le supprimer.',
	resolveRights:
		'Seuls le binôme de co-pilotes et l’auteur du fil peuvent le résoudre ou le rouvrir.',
	badAnchor: 'Sélection illisible : sélectionnez de nouveau le passage à commenter.',
	anchorNotFound:
		'Le passage sélectionné est introuvable dans le document : sélectionnez-le de nouveau.',
	club: 'Vous ne pouvez publier qu’au nom d’un club dont vous êtes membre et qui est invité à ce document.',
	status: 'Choisissez « résolu » ou « ouvert ».'
} as const;

const canAnnotate = (access: Granted) => access.canAnnotate;

function checkBody(value: unknown): { body: string } | CommandFailure {
	const body = text(value).replace(/\r\n?/g, '\n').trim();
	if (isBlank(body)) return invalid(400, COMMENT_MESSAGES.empty, 'body');
	if ([...body].length > COMMENT_MAX_LENGTH) return invalid(400, COMMENT_MESSAGES.tooLong, 'body');
	if (hasUnshowable(body, true)) return invalid(400, UNSHOWABLE_MESSAGE, 'body');
	return { body };
}

const isFailure = (value: object): value is CommandFailure => 'ok' in value && value.ok === false;

/**
 * The users `body` mentions; a refusal naming those who cannot read the document (nothing is
 * stored then: the actor removes the mention, or a co-pilote invites them first).
 */
async function mentionsOf(
	db: Db,
	actor: Actor,
	documentId: string,
	body: string
): Promise<{ ids: string[] } | CommentFailure> {
	const users = await db
		.selectFrom('app_user')
		.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
		.select([
			'app_user.id',
			'app_user.display_name as name',
			'app_user.organisation_id as organisationId',
			'app_user.territory_role as territoryRole',
			'organisation.name as organisationName'
		])
		.where('organisation.territory_id', '=', actor.territoryId)
		.execute();
	const ids = mentionedIn(body, users);
	const cannotRead: Mentionable[] = [];
	for (const id of ids) {
		const user = users.find((u) => u.id === id)!;
		const access = await documentAccess(
			db,
			{ ...user, territoryId: actor.territoryId },
			documentId
		);
		if (access.status !== 'granted')
			cannotRead.push({ id, name: user.name, organisationName: user.organisationName });
	}
	if (cannotRead.length === 0) return { ids };
	const mine = await documentAccess(db, actor, documentId);
	const canInvite = mine.status === 'granted' && mine.canManage;
	const names = cannotRead.map((u) => u.name).join(', ');
	const one = cannotRead.length === 1;
	return {
		...invalid(
			400,
			`${names} ${one ? 'ne peut' : 'ne peuvent'} pas lire ce document : retirez la mention${
				canInvite
					? ` ou invitez ${one ? 'cette personne' : 'ces personnes'} comme lecteur.`
					: `, ou demandez à un co-pilote ${one ? 'de l’inviter' : 'de les inviter'}.`
			}`,
			'body'
		),
		cannotRead,
		canInvite
	};
}

async function findThread(db: Db, documentId: string, threadId: unknown) {
	const id = text(threadId);
	if (!ID_PATTERN.test(id)) return null;
	return (
		(await db
			.selectFrom('comment_thread')
			.select(['id', 'author_id as authorId', 'status', 'club_id as clubId'])
			.where('id', '=', id)
			.where('document_id', '=', documentId)
			.executeTakeFirst()) ?? null
	);
}

/** Everyone who wrote in the thread (its author first): told of replies and resolution. */
async function participantsOf(db: Db, threadId: string, authorId: string): Promise<string[]> {
	const rows = await db
		.selectFrom('comment')
		.select('author_id')
		.where('thread_id', '=', threadId)
		.where('deleted_at', 'is', null)
		.execute();
	return [authorId, ...rows.map((r) => r.author_id)];
}

async function storeMentions(db: Db, commentId: string, ids: string[]): Promise<void> {
	if (ids.length > 0)
		await db
			.insertInto('comment_mention')
			.values(ids.map((user_id) => ({ comment_id: commentId, user_id })))
			.execute();
}

async function oneThread(db: Db, documentId: string, threadId: string): Promise<ThreadView> {
	return (await listThreads(db, documentId, [threadId]))[0];
}

/** Opens a thread on a passage, with its first comment, possibly on behalf of a club. */
export async function openThread(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { anchor: unknown; body: unknown; clubId?: unknown },
	readPassage: PassageReader
): Promise<CommentResult<{ thread: ThreadView }>> {
	const denied = await authorize(
		db,
		actor,
		documentId,
		canAnnotate,
		COMMENT_MESSAGES.cannotAnnotate
	);
	if (denied) return denied;
	const checked = checkBody(input.body);
	if (isFailure(checked)) return checked;
	const decoded = decodeAnchor(input.anchor);
	if (!decoded) return invalid(400, COMMENT_MESSAGES.badAnchor, 'anchor');
	const clubId = text(input.clubId) || null;
	// Outside the transaction: the passage may take a moment to reach the server.
	const quote = await readPassage(documentId, decoded.anchor);
	if (quote === null) return invalid(400, COMMENT_MESSAGES.anchorNotFound, 'anchor');
	return inTransaction(db, async (trx) => {
		const again = await authorize(
			trx,
			actor,
			documentId,
			canAnnotate,
			COMMENT_MESSAGES.cannotAnnotate
		);
		if (again) return again;
		if (clubId && !(await postableClubs(trx, documentId, actor.id)).some((c) => c.id === clubId))
			return invalid(400, COMMENT_MESSAGES.club, 'clubId');
		const mentions = await mentionsOf(trx, actor, documentId, checked.body);
		if (isFailure(mentions)) return mentions;
		const now = Date.now();
		const threadId = newId();
		const commentId = newId();
		await trx
			.insertInto('comment_thread')
			.values({
				id: threadId,
				document_id: documentId,
				author_id: actor.id,
				club_id: clubId,
				anchor_start: decoded.bytes[0],
				anchor_end: decoded.bytes[1],
				quote,
				status: 'open',
				resolved_by: null,
				resolved_at: null,
				created_at: now,
				updated_at: now
			})
			.execute();
		await trx
			.insertInto('comment')
			.values({
				id: commentId,
				thread_id: threadId,
				author_id: actor.id,
				body: checked.body,
				created_at: now,
				edited_at: null,
				deleted_at: null
			})
			.execute();
		await storeMentions(trx, commentId, mentions.ids);
		const base = { actorId: actor.id, documentId, threadId, clubId, excerpt: checked.body };
		await notify(trx, mentions.ids, { ...base, kind: 'mention' });
		const coleads = (await coleadsOf(trx, documentId)).filter((id) => !mentions.ids.includes(id));
		await notify(trx, coleads, { ...base, kind: 'thread_created' });
		return {
			...done(documentId, 'Commentaire publié.'),
			thread: await oneThread(trx, documentId, threadId)
		};
	});
}

export function reply(
	db: Db,
	actor: Actor,
	documentId: string,
	threadId: unknown,
	input: { body: unknown }
): Promise<CommentResult<{ thread: ThreadView }>> {
	return inTransaction(db, async (trx) => {
		const denied = await authorize(
			trx,
			actor,
			documentId,
			canAnnotate,
			COMMENT_MESSAGES.cannotAnnotate
		);
		if (denied) return denied;
		const thread = await findThread(trx, documentId, threadId);
		if (!thread) return invalid(404, COMMENT_MESSAGES.threadNotFound);
		const checked = checkBody(input.body);
		if (isFailure(checked)) return checked;
		const mentions = await mentionsOf(trx, actor, documentId, checked.body);
		if (isFailure(mentions)) return mentions;
		const participants = await participantsOf(trx, thread.id, thread.authorId);
		const now = Date.now();
		const commentId = newId();
		await trx
			.insertInto('comment')
			.values({
				id: commentId,
				thread_id: thread.id,
				author_id: actor.id,
				body: checked.body,
				created_at: now,
				edited_at: null,
				deleted_at: null
			})
			.execute();
		await trx
			.updateTable('comment_thread')
			.set({ updated_at: now })
			.where('id', '=', thread.id)
			.execute();
		await storeMentions(trx, commentId, mentions.ids);
		const base = { actorId: actor.id, documentId, threadId: thread.id, excerpt: checked.body };
		await notify(trx, mentions.ids, { ...base, kind: 'mention' });
		await notify(
			trx,
			participants.filter((id) => !mentions.ids.includes(id)),
			{ ...base, kind: 'reply' }
		);
		return {
			...done(documentId, 'Réponse publiée.'),
			thread: await oneThread(trx, documentId, thread.id)
		};
	});
}

async function findOwnComment(
	db: Db,
	actor: Actor,
	documentId: string,
	threadId: unknown,
	commentId: unknown
) {
	const thread = await findThread(db, documentId, threadId);
	if (!thread) return invalid(404, COMMENT_MESSAGES.threadNotFound);
	const id = text(commentId);
	const comment = ID_PATTERN.test(id)
		? await db
				.selectFrom('comment')
				.select(['id', 'author_id as authorId', 'deleted_at as deletedAt'])
				.where('id', '=', id)
				.where('thread_id', '=', thread.id)
				.executeTakeFirst()
		: undefined;
	if (!comment || comment.deletedAt !== null) return invalid(404, COMMENT_MESSAGES.commentNotFound);
	if (comment.authorId !== actor.id)
		return {
			ok: false as const,
			status: 403 as const,
			message: COMMENT_MESSAGES.authorOnly,
			denied: false
		};
	return { thread, comment };
}

export function editComment(
	db: Db,
	actor: Actor,
	documentId: string,
	threadId: unknown,
	commentId: unknown,
	input: { body: unknown }
): Promise<CommentResult<{ thread: ThreadView }>> {
	return inTransaction(db, async (trx) => {
		const denied = await authorize(
			trx,
			actor,
			documentId,
			canAnnotate,
			COMMENT_MESSAGES.cannotAnnotate
		);
		if (denied) return denied;
		const found = await findOwnComment(trx, actor, documentId, threadId, commentId);
		if (isFailure(found)) return found;
		const checked = checkBody(input.body);
		if (isFailure(checked)) return checked;
		const mentions = await mentionsOf(trx, actor, documentId, checked.body);
		if (isFailure(mentions)) return mentions;
		const before = await trx
			.selectFrom('comment_mention')
			.select('user_id')
			.where('comment_id', '=', found.comment.id)
			.execute();
		const added = mentions.ids.filter((id) => !before.some((b) => b.user_id === id));
		const now = Date.now();
		await trx
			.updateTable('comment')
			.set({ body: checked.body, edited_at: now })
			.where('id', '=', found.comment.id)
			.execute();
		await trx
			.updateTable('comment_thread')
			.set({ updated_at: now })
			.where('id', '=', found.thread.id)
			.execute();
		await storeMentions(trx, found.comment.id, added);
		await notify(trx, added, {
			kind: 'mention',
			actorId: actor.id,
			documentId,
			threadId: found.thread.id,
			excerpt: checked.body
		});
		return {
			...done(documentId, 'Message modifié.'),
			thread: await oneThread(trx, documentId, found.thread.id)
		};
	});
}

/**
 * Deletes one's own message. The opening message of a thread nobody else answered takes the
 * thread with it; otherwise the message is shown as deleted, so that replies keep their sense.
 */
export function deleteComment(
	db: Db,
	actor: Actor,
	documentId: string,
	threadId: unknown,
	commentId: unknown
): Promise<CommentResult<{ thread: ThreadView | null; removedThreadId: string | null }>> {
	return inTransaction(db, async (trx) => {
		const denied = await authorize(
			trx,
			actor,
			documentId,
			canAnnotate,
			COMMENT_MESSAGES.cannotAnnotate
		);
		if (denied) return denied;
		const found = await findOwnComment(trx, actor, documentId, threadId, commentId);
		if (isFailure(found)) return found;
		const others = await trx
			.selectFrom('comment')
			.select('id')
			.where('thread_id', '=', found.thread.id)
			.where('id', '!=', found.comment.id)
			.where('deleted_at', 'is', null)
			.execute();
		if (others.length === 0) {
			await trx.deleteFrom('comment_thread').where('id', '=', found.thread.id).execute();
			return {
				...done(documentId, 'Fil de commentaires supprimé.'),
				thread: null,
				removedThreadId: found.thread.id
			};
		}
		const now = Date.now();
		await trx
			.updateTable('comment')
			.set({ body: '', deleted_at: now })
			.where('id', '=', found.comment.id)
			.execute();
		await trx.deleteFrom('comment_mention').where('comment_id', '=', found.comment.id).execute();
		await trx
			.updateTable('comment_thread')
			.set({ updated_at: now })
			.where('id', '=', found.thread.id)
			.execute();
		return {
			...done(documentId, 'Message supprimé.'),
			thread: await oneThread(trx, documentId, found.thread.id),
			removedThreadId: null
		};
	});
}

/** Resolves or reopens a thread: the binôme, or the thread's author. */
export function setThreadStatus(
	db: Db,
	actor: Actor,
	documentId: string,
	threadId: unknown,
	input: { status: unknown }
): Promise<CommentResult<{ thread: ThreadView }>> {
	return inTransaction(db, async (trx) => {
		const access = await documentAccess(trx, actor, documentId);
		const denied = await authorize(
			trx,
			actor,
			documentId,
			canAnnotate,
			COMMENT_MESSAGES.cannotAnnotate
		);
		if (denied || access.status !== 'granted') return denied!;
		const thread = await findThread(trx, documentId, threadId);
		if (!thread) return invalid(404, COMMENT_MESSAGES.threadNotFound);
		if (!access.canManage && thread.authorId !== actor.id)
			return { ok: false, status: 403, message: COMMENT_MESSAGES.resolveRights, denied: false };
		const status = input.status;
		if (status !== 'open' && status !== 'resolved')
			return invalid(400, COMMENT_MESSAGES.status, 'status');
		if (status === thread.status)
			return {
				...done(
					documentId,
					status === 'resolved' ? 'Ce fil est déjà résolu.' : 'Ce fil est déjà ouvert.'
				),
				thread: await oneThread(trx, documentId, thread.id)
			};
		const now = Date.now();
		await trx
			.updateTable('comment_thread')
			.set({
				status,
				resolved_by: status === 'resolved' ? actor.id : null,
				resolved_at: status === 'resolved' ? now : null,
				updated_at: now
			})
			.where('id', '=', thread.id)
			.execute();
		await notify(trx, await participantsOf(trx, thread.id, thread.authorId), {
			kind: status === 'resolved' ? 'thread_resolved' : 'thread_reopened',
			actorId: actor.id,
			documentId,
			threadId: thread.id
		});
		return {
			...done(documentId, status === 'resolved' ? 'Fil résolu.' : 'Fil rouvert.'),
			thread: await oneThread(trx, documentId, thread.id)
		};
	});
}
