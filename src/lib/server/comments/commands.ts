// Every change to comment threads: the actor is the session's user (never a name or id the
// client sends), access goes through the one policy, the text is checked, and the write and its
// notifications happen in one transaction. Routes broadcast the resulting thread to the open
// pages (comments/broadcast.ts).
import { inTransaction, type Db } from '../db';
import { ID_PATTERN, newId } from '../ids';
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
import { coleadsOf, excerptOf, notify, type NotificationInput } from '../notifications';
import { COMMENT_MAX_LENGTH, type Mentionable, type ThreadView } from '../../comments/types';
import { decodeAnchor, decodePosition, type Anchor } from '../../comments/anchor';
import { toBytes } from '../documents/journal';
import { mentionedIn } from './mentions';
import type { PassageReader } from './passage';
import { listThreads, postableClubs, readersOf } from './queries';

/** A refusal; for a mention of someone who cannot read the document, who, and whether the actor may invite them. */
export type CommentFailure = CommandFailure & { cannotRead?: Mentionable[]; canInvite?: boolean };
export type CommentResult<T extends object> = CommandResult<T> | CommentFailure;

export const COMMENT_MESSAGES = {
	empty: 'Le commentaire est vide : écrivez votre remarque.',
	tooLong: 'Le commentaire ne doit pas dépasser 10\u00a0000 caractères.',
	cannotAnnotate: 'Votre rôle sur ce document ne permet pas de commenter (lecture seule).',
	cannotEdit: 'Seuls les rédacteurs et le binôme déplacent un passage commenté.',
	threadNotFound: 'Fil de commentaires introuvable.',
	commentNotFound: 'Message introuvable.',
	authorOnly: 'Seul l’auteur d’un message peut le modifier ou le supprimer.',
	resolveRights:
		'Seuls le binôme de co-pilotes et l’auteur du fil peuvent le résoudre ou le rouvrir.',
	badAnchor: 'Sélection illisible : sélectionnez de nouveau le passage à commenter.',
	anchorNotFound:
		'Le passage sélectionné est introuvable dans le document : sélectionnez-le de nouveau.',
	club: 'Vous ne pouvez publier qu’au nom d’un club dont vous êtes membre et qui est invité à ce document.',
	status: 'Choisissez « résolu » ou « ouvert ».',
	observationKept:
		'Une observation de consultation reste au dossier : elle se clôt par la réponse du binôme.',
	notSamePassage:
		'Ce passage n’est pas celui du fil : un fil suit son passage, il ne se déplace pas ailleurs.'
} as const;

export const isFailure = (value: object): value is CommandFailure =>
	'ok' in value && value.ok === false;

export function checkBody(value: unknown): { body: string } | CommandFailure {
	const body = text(value).replace(/\r\n?/g, '\n').trim();
	if (isBlank(body)) return invalid(400, COMMENT_MESSAGES.empty, 'body');
	if ([...body].length > COMMENT_MAX_LENGTH) return invalid(400, COMMENT_MESSAGES.tooLong, 'body');
	if (hasUnshowable(body, true)) return invalid(400, UNSHOWABLE_MESSAGE, 'body');
	return { body };
}

/** A command on a document's threads: one transaction, opened by the policy's check. */
function withAccess<T extends object>(
	db: Db,
	actor: Actor,
	documentId: string,
	allowed: (access: Granted) => boolean,
	message: string,
	run: (trx: Db, access: Granted) => Promise<CommentResult<T>>
): Promise<CommentResult<T>> {
	return inTransaction(db, async (trx) => {
		const denied = await authorize(trx, actor, documentId, allowed, message);
		if (denied) return denied;
		// Granted: read once more for what the command needs (same transaction).
		const access = (await documentAccess(trx, actor, documentId)) as Granted;
		return run(trx, access);
	});
}

const annotating = <T extends object>(
	db: Db,
	actor: Actor,
	documentId: string,
	run: (trx: Db, access: Granted) => Promise<CommentResult<T>>
) => withAccess(db, actor, documentId, (a) => a.canAnnotate, COMMENT_MESSAGES.cannotAnnotate, run);

/** Of `userIds`, those who can read the document now (the policy's sources: readersOf). */
async function stillReading(db: Db, actor: Actor, documentId: string, userIds: string[]) {
	const readers = new Set((await readersOf(db, documentId, actor.territoryId)).map((r) => r.id));
	return userIds.filter((id) => readers.has(id));
}

/**
 * The users `body` mentions; a refusal naming those who cannot read the document (nothing is
 * stored then: the actor removes the mention, or a co-pilote invites them first). Among
 * namesakes, those who can read are mentioned; the mention is refused only if none can.
 */
export async function mentionsOf(
	db: Db,
	actor: Actor,
	documentId: string,
	body: string
): Promise<{ ids: string[] } | CommentFailure> {
	if (!body.includes('@')) return { ids: [] };
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
	const ids: string[] = [];
	const cannotRead: Mentionable[] = [];
	for (const group of mentionedIn(body, users)) {
		const readers: string[] = [];
		for (const id of group) {
			const user = users.find((u) => u.id === id)!;
			const access = await documentAccess(
				db,
				{ ...user, territoryId: actor.territoryId },
				documentId
			);
			if (access.status === 'granted') readers.push(id);
		}
		if (readers.length) ids.push(...readers);
		else {
			const user = users.find((u) => u.id === group[0])!;
			cannotRead.push({ id: user.id, name: user.name, organisationName: user.organisationName });
		}
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
			.select([
				'id',
				'author_id as authorId',
				'status',
				'club_id as clubId',
				'quote',
				'anchor_start as anchorStart',
				'anchor_end as anchorEnd',
				'consultation_id as consultationId'
			])
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

/** A new open thread (its first message is inserted apart); returns its id. */
export async function insertThread(
	db: Db,
	thread: {
		documentId: string;
		authorId: string;
		clubId?: string | null;
		/** Null: about the whole document. */
		anchor: [Uint8Array, Uint8Array] | null;
		quote: string;
		consultationId?: string | null;
		blocking?: boolean;
		now: number;
	}
): Promise<string> {
	const id = newId();
	await db
		.insertInto('comment_thread')
		.values({
			id,
			document_id: thread.documentId,
			author_id: thread.authorId,
			club_id: thread.clubId ?? null,
			anchor_start: thread.anchor?.[0] ?? null,
			anchor_end: thread.anchor?.[1] ?? null,
			quote: thread.quote,
			status: 'open',
			resolved_by: null,
			resolved_at: null,
			created_at: thread.now,
			updated_at: thread.now,
			consultation_id: thread.consultationId ?? null,
			blocking: thread.blocking ? 1 : 0
		})
		.execute();
	return id;
}

export async function insertComment(
	db: Db,
	threadId: string,
	authorId: string,
	body: string,
	mentions: string[],
	now: number
): Promise<void> {
	const id = newId();
	await db
		.insertInto('comment')
		.values({
			id,
			thread_id: threadId,
			author_id: authorId,
			body,
			created_at: now,
			edited_at: null,
			deleted_at: null
		})
		.execute();
	if (mentions.length > 0)
		await db
			.insertInto('comment_mention')
			.values(mentions.map((user_id) => ({ comment_id: id, user_id })))
			.execute();
}

const touch = (db: Db, threadId: string, now: number) =>
	db.updateTable('comment_thread').set({ updated_at: now }).where('id', '=', threadId).execute();

/** The mentioned are told they were; the others of `audience` (still readers) of `kind`. */
export async function tell(
	db: Db,
	actor: Actor,
	documentId: string,
	mentioned: string[],
	audience: string[],
	note: Omit<NotificationInput, 'kind' | 'actorId'> & { kind: NotificationInput['kind'] }
): Promise<void> {
	const base = { ...note, actorId: actor.id, documentId };
	await notify(db, mentioned, { ...base, kind: 'mention' });
	const others = audience.filter((id) => !mentioned.includes(id));
	await notify(db, await stillReading(db, actor, documentId, others), base);
}

export async function oneThread(db: Db, documentId: string, threadId: string): Promise<ThreadView> {
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
		(a) => a.canAnnotate,
		COMMENT_MESSAGES.cannotAnnotate
	);
	if (denied) return denied;
	const checked = checkBody(input.body);
	if (isFailure(checked)) return checked;
	const decoded = decodeAnchor(input.anchor);
	if (!decoded) return invalid(400, COMMENT_MESSAGES.badAnchor, 'anchor');
	if (input.clubId !== undefined && input.clubId !== null && typeof input.clubId !== 'string')
		return invalid(400, COMMENT_MESSAGES.club, 'clubId');
	const clubId = text(input.clubId) || null;
	// Outside the transaction: the passage may take a moment to reach the server.
	const quote = await readPassage(documentId, decoded.anchor);
	if (quote === null) return invalid(400, COMMENT_MESSAGES.anchorNotFound, 'anchor');
	const mentions = await mentionsOf(db, actor, documentId, checked.body);
	if (isFailure(mentions)) return mentions;
	return annotating(db, actor, documentId, async (trx) => {
		if (clubId && !(await postableClubs(trx, documentId, actor.id)).some((c) => c.id === clubId))
			return invalid(400, COMMENT_MESSAGES.club, 'clubId');
		const now = Date.now();
		const threadId = await insertThread(trx, {
			documentId,
			authorId: actor.id,
			clubId,
			anchor: decoded.bytes,
			quote,
			now
		});
		await insertComment(trx, threadId, actor.id, checked.body, mentions.ids, now);
		await tell(trx, actor, documentId, mentions.ids, await coleadsOf(trx, documentId), {
			kind: 'thread_created',
			threadId,
			clubId,
			excerpt: checked.body
		});
		return {
			...done(documentId, 'Commentaire publié.'),
			thread: await oneThread(trx, documentId, threadId)
		};
	});
}

export async function reply(
	db: Db,
	actor: Actor,
	documentId: string,
	threadId: unknown,
	input: { body: unknown }
): Promise<CommentResult<{ thread: ThreadView }>> {
	const checked = checkBody(input.body);
	// The policy's answer first (403/404 before any word on the text).
	const denied = await authorize(
		db,
		actor,
		documentId,
		(a) => a.canAnnotate,
		COMMENT_MESSAGES.cannotAnnotate
	);
	if (denied) return denied;
	if (isFailure(checked)) return checked;
	const mentions = await mentionsOf(db, actor, documentId, checked.body);
	return annotating(db, actor, documentId, async (trx) => {
		const thread = await findThread(trx, documentId, threadId);
		if (!thread) return invalid(404, COMMENT_MESSAGES.threadNotFound);
		if (isFailure(mentions)) return mentions;
		const participants = await participantsOf(trx, thread.id, thread.authorId);
		const now = Date.now();
		await insertComment(trx, thread.id, actor.id, checked.body, mentions.ids, now);
		await touch(trx, thread.id, now);
		await tell(trx, actor, documentId, mentions.ids, participants, {
			kind: 'reply',
			threadId: thread.id,
			excerpt: checked.body
		});
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
				.select(['id', 'author_id as authorId', 'body', 'deleted_at as deletedAt'])
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

export async function editComment(
	db: Db,
	actor: Actor,
	documentId: string,
	threadId: unknown,
	commentId: unknown,
	input: { body: unknown }
): Promise<CommentResult<{ thread: ThreadView }>> {
	const checked = checkBody(input.body);
	const mentions = isFailure(checked)
		? ({ ids: [] } as { ids: string[] })
		: await mentionsOf(db, actor, documentId, checked.body);
	return annotating(db, actor, documentId, async (trx) => {
		const found = await findOwnComment(trx, actor, documentId, threadId, commentId);
		if (isFailure(found)) return found;
		if (isFailure(checked)) return checked;
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
		// What others were told quoted the old text: it now quotes the new one (nothing of the
		// old text stays to be read, or mailed later).
		await trx
			.updateTable('notification')
			.set({ excerpt: excerptOf(checked.body) })
			.where('thread_id', '=', found.thread.id)
			.where('actor_id', '=', actor.id)
			.where('excerpt', '=', excerptOf(found.comment.body))
			.execute();
		// The mentions are those of the text as it now reads.
		await trx.deleteFrom('comment_mention').where('comment_id', '=', found.comment.id).execute();
		if (mentions.ids.length)
			await trx
				.insertInto('comment_mention')
				.values(mentions.ids.map((user_id) => ({ comment_id: found.comment.id, user_id })))
				.execute();
		await touch(trx, found.thread.id, now);
		await tell(trx, actor, documentId, added, [], {
			kind: 'mention',
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
	return annotating<{ thread: ThreadView | null; removedThreadId: string | null }>(
		db,
		actor,
		documentId,
		async (trx) => {
			const found = await findOwnComment(trx, actor, documentId, threadId, commentId);
			if (isFailure(found)) return found;
			const others = await trx
				.selectFrom('comment')
				.select('id')
				.where('thread_id', '=', found.thread.id)
				.where('id', '!=', found.comment.id)
				.where('deleted_at', 'is', null)
				.execute();
			if (others.length === 0 && found.thread.consultationId)
				return invalid(400, COMMENT_MESSAGES.observationKept);
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
			// What others were told of it goes with it (nothing of it stays to be read, or mailed).
			await trx
				.deleteFrom('notification')
				.where('thread_id', '=', found.thread.id)
				.where('actor_id', '=', actor.id)
				.where('excerpt', '=', excerptOf(found.comment.body))
				.execute();
			await touch(trx, found.thread.id, now);
			return {
				...done(documentId, 'Message supprimé.'),
				thread: await oneThread(trx, documentId, found.thread.id),
				removedThreadId: null
			};
		}
	);
}

/** Resolves or reopens a thread: the binôme, or the thread's author. */
export function setThreadStatus(
	db: Db,
	actor: Actor,
	documentId: string,
	threadId: unknown,
	input: { status: unknown }
): Promise<CommentResult<{ thread: ThreadView }>> {
	return annotating(db, actor, documentId, async (trx, access) => {
		const thread = await findThread(trx, documentId, threadId);
		if (!thread) return invalid(404, COMMENT_MESSAGES.threadNotFound);
		if (thread.consultationId) return invalid(400, COMMENT_MESSAGES.observationKept);
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
		await tell(trx, actor, documentId, [], await participantsOf(trx, thread.id, thread.authorId), {
			kind: status === 'resolved' ? 'thread_resolved' : 'thread_reopened',
			threadId: thread.id
		});
		return {
			...done(documentId, status === 'resolved' ? 'Fil résolu.' : 'Fil rouvert.'),
			thread: await oneThread(trx, documentId, thread.id)
		};
	});
}

/** Words of a text, folded, for comparing passages. */
function wordsOf(text: string): Set<string> {
	return new Set(
		text
			.normalize('NFD')
			.replace(/\p{M}/gu, '')
			.toLocaleLowerCase('fr')
			.split(/[^\p{L}\p{N}]+/u)
			.filter((w) => w.length > 1)
	);
}

/**
 * Whether `next` is where the thread's passage went: it holds what the old anchor still covers
 * (a split inside the passage leaves its beginning there), or, when the old anchor covers
 * nothing any more, at least half the words of the passage as quoted when the thread opened.
 */
function samePassage(previous: string | null, quote: string, next: string): boolean {
	if (previous !== null) return next.includes(previous);
	const before = wordsOf(quote);
	if (before.size === 0) return false;
	const after = wordsOf(next);
	let kept = 0;
	for (const word of before) if (after.has(word)) kept++;
	return kept / before.size >= 0.5;
}

/**
 * Moves a thread's anchor onto its passage after an edit of the text's structure: a paragraph
 * split or joined, a block made a heading or a list item. The editor that made the edit knows
 * where the passage went (ProseMirror maps it exactly) while its characters got new Yjs
 * identities; it sends the new anchor. Writers only (they are the ones who change the text's
 * structure), and only onto the same passage: the new one must hold what the old anchor still
 * covers, or, when it covers nothing, most words of the quoted passage — an anchor is followed,
 * never moved to another sentence.
 */
export async function moveAnchor(
	db: Db,
	actor: Actor,
	documentId: string,
	threadId: unknown,
	input: { anchor: unknown },
	readPassage: PassageReader
): Promise<CommentResult<{ thread: ThreadView }>> {
	const writing = (a: Granted) => a.canEdit;
	const denied = await authorize(db, actor, documentId, writing, COMMENT_MESSAGES.cannotEdit);
	if (denied) return denied;
	const decoded = decodeAnchor(input.anchor);
	if (!decoded) return invalid(400, COMMENT_MESSAGES.badAnchor, 'anchor');
	const current = await findThread(db, documentId, threadId);
	if (!current) return invalid(404, COMMENT_MESSAGES.threadNotFound);
	const next = await readPassage(documentId, decoded.anchor);
	if (next === null) return invalid(400, COMMENT_MESSAGES.anchorNotFound, 'anchor');
	const start = current.anchorStart && decodePosition(toBytes(current.anchorStart));
	const end = current.anchorEnd && decodePosition(toBytes(current.anchorEnd));
	const previous = start && end ? await readPassage(documentId, { start, end }) : null;
	if (!samePassage(previous, current.quote, next))
		return invalid(400, COMMENT_MESSAGES.notSamePassage, 'anchor');
	return withAccess(db, actor, documentId, writing, COMMENT_MESSAGES.cannotEdit, async (trx) => {
		const thread = await findThread(trx, documentId, threadId);
		if (!thread) return invalid(404, COMMENT_MESSAGES.threadNotFound);
		await trx
			.updateTable('comment_thread')
			.set({
				anchor_start: decoded.bytes[0],
				anchor_end: decoded.bytes[1],
				updated_at: Date.now()
			})
			.where('id', '=', thread.id)
			.execute();
		return {
			...done(documentId, 'Passage suivi.'),
			thread: await oneThread(trx, documentId, thread.id)
		};
	});
}

export type { Anchor };
