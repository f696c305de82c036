// Issue 12: comment threads on a real database — who may write, what is stored (the session's
// user, never a claimed author), mentions and their notifications, and every bad input refused
// with a French message and nothing stored.
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Db } from '../../src/lib/server/db';
import {
	deleteComment,
	editComment,
	moveAnchor,
	openThread,
	reply,
	setThreadStatus
} from '../../src/lib/server/comments/commands';
import { passageReader } from '../../src/lib/server/comments/passage';
import { listThreads, readersOf } from '../../src/lib/server/comments/queries';
import { mentionedIn } from '../../src/lib/server/comments/mentions';
import { encodeAnchor } from '../../src/lib/comments/anchor';
import { documentAccess } from '../../src/lib/server/documents/access';
import { freshDb } from '../helpers/db';
import {
	buildClub,
	buildDocument,
	buildRoleCast,
	buildTerritory,
	buildUser,
	type TestTerritory,
	type TestUser
} from '../helpers/factories';
import { storedAnchor } from '../helpers/anchors';

let db: Db;
let territory: TestTerritory;
let cast: Awaited<ReturnType<typeof buildRoleCast>>;
let clubMember: TestUser;
let clubId: string;
let documentId: string;
let read: ReturnType<typeof passageReader>;
const TEXT = 'La commission RH se réunit le mardi. Le RIFSEEP est revu chaque année.';

beforeAll(async () => {
	({ db } = await freshDb());
	territory = await buildTerritory(db);
	cast = await buildRoleCast(db, territory);
	documentId = await buildDocument(
		db,
		cast.coLead,
		[
			[cast.editor, 'editor'],
			[cast.annotator, 'annotator'],
			[cast.reader, 'reader']
		],
		TEXT,
		cast.partner
	);
	clubMember = await buildUser(db, territory, territory.communeId, { name: 'Nadia Club' });
	clubId = await buildClub(db, clubMember, [], [documentId], 'Club RH');
	read = passageReader(db, null);
});

const counts = async () => ({
	threads: (await db.selectFrom('comment_thread').select('id').execute()).length,
	comments: (await db.selectFrom('comment').select('id').execute()).length,
	notifications: (await db.selectFrom('notification').select('id').execute()).length
});

const open = async (user: TestUser, body: string, passage = 'RIFSEEP', extra: object = {}) =>
	openThread(
		db,
		user,
		documentId,
		{ anchor: await storedAnchor(db, documentId, passage), body, ...extra },
		read
	);

describe('opening a thread', () => {
	it('is stored with the session’s user, whatever author the request claims, with the quoted passage', async () => {
		const result = await open(cast.annotator, 'À préciser.', 'RIFSEEP', {
			authorId: cast.coLead.id,
			author: { id: cast.coLead.id }
		});
		expect(result).toMatchObject({ ok: true });
		if (!result.ok) return;
		expect(result.thread.author.id).toBe(cast.annotator.id);
		expect(result.thread.quote).toBe('RIFSEEP');
		const row = await db
			.selectFrom('comment_thread')
			.select(['author_id', 'quote', 'status'])
			.where('id', '=', result.thread.id)
			.executeTakeFirstOrThrow();
		expect(row).toEqual({ author_id: cast.annotator.id, quote: 'RIFSEEP', status: 'open' });
		const comment = await db
			.selectFrom('comment')
			.select(['author_id', 'body'])
			.where('thread_id', '=', result.thread.id)
			.executeTakeFirstOrThrow();
		expect(comment).toEqual({ author_id: cast.annotator.id, body: 'À préciser.' });
	});

	it('a club member invited through the club comments au nom du club; a non-member cannot claim the club', async () => {
		const result = await open(clubMember, 'Avis du club à venir.', 'commission RH', { clubId });
		expect(result).toMatchObject({ ok: true });
		if (result.ok) expect(result.thread.club).toEqual({ id: clubId, name: 'Club RH' });
		const before = await counts();
		const forged = await open(cast.annotator, 'Au nom du club ?', 'commission RH', { clubId });
		expect(forged).toMatchObject({ ok: false, status: 400, field: 'clubId' });
		expect(await counts()).toEqual(before);
	});

	it('notifies the binôme of a new thread, not its author', async () => {
		const result = await open(cast.editor, 'Une remarque pour le binôme.');
		if (!result.ok) throw new Error(result.message);
		const rows = await db
			.selectFrom('notification')
			.select(['user_id', 'kind', 'actor_id'])
			.where('thread_id', '=', result.thread.id)
			.execute();
		expect(rows.map((r) => r.user_id).sort()).toEqual([cast.coLead.id, cast.partner.id].sort());
		expect(rows.every((r) => r.kind === 'thread_created' && r.actor_id === cast.editor.id)).toBe(
			true
		);
	});
});

describe('bad input is refused in French, nothing stored', () => {
	const refusedWith = async (result: Promise<{ ok: boolean }>, expected: object) => {
		const before = await counts();
		expect(await result).toMatchObject({ ok: false, ...expected });
		expect(await counts()).toEqual(before);
	};

	it('an empty comment, a comment of 100 kB, a comment with control characters', async () => {
		await refusedWith(open(cast.annotator, '   \n  '), {
			status: 400,
			message: 'Le commentaire est vide : écrivez votre remarque.'
		});
		await refusedWith(open(cast.annotator, 'x'.repeat(100_000)), {
			status: 400,
			message: 'Le commentaire ne doit pas dépasser 10\u00a0000 caractères.'
		});
		await refusedWith(open(cast.annotator, 'a\u0000b'), { status: 400, field: 'body' });
	});

	it('an anchor outside the document: another document’s passage, garbage, positions of nothing', async () => {
		const other = await buildDocument(
			db,
			cast.coLead,
			[[cast.annotator, 'annotator']],
			'Autre texte ici.'
		);
		const elsewhere = await storedAnchor(db, other, 'texte');
		const message =
			'Le passage sélectionné est introuvable dans le document : sélectionnez-le de nouveau.';
		await refusedWith(
			openThread(db, cast.annotator, documentId, { anchor: elsewhere, body: 'Hors sujet' }, read),
			{ status: 400, message }
		);
		await refusedWith(
			openThread(
				db,
				cast.annotator,
				documentId,
				{ anchor: { start: 'zz', end: 3 }, body: 'x' },
				read
			),
			{ status: 400, field: 'anchor' }
		);
		const nowhere = encodeAnchor({
			start: Y.createRelativePositionFromJSON({ item: { client: 1234, clock: 99 } }),
			end: Y.createRelativePositionFromJSON({ item: { client: 1234, clock: 120 } })
		});
		await refusedWith(
			openThread(db, cast.annotator, documentId, { anchor: nowhere, body: 'x' }, read),
			{ status: 400, message }
		);
		// A root type of another name is not read (reading it would create it).
		const otherRoot = encodeAnchor({
			start: Y.createRelativePositionFromJSON({ tname: 'intrus', item: null, type: null }),
			end: Y.createRelativePositionFromJSON({ tname: 'intrus', item: null, type: null })
		});
		await refusedWith(
			openThread(db, cast.annotator, documentId, { anchor: otherRoot, body: 'x' }, read),
			{ status: 400, message }
		);
		// A position naming nothing at all (Yjs throws on it): the same French 400, not a 500.
		await refusedWith(
			openThread(
				db,
				cast.annotator,
				documentId,
				{ anchor: { start: 'Aw==', end: 'Aw==' }, body: 'x' },
				read
			),
			{ status: 400, message }
		);
	});

	it('a club given as anything but an id: refused, not posted in one’s own name', async () => {
		await refusedWith(open(clubMember, 'Pour le club', 'commission RH', { clubId: 12 }), {
			status: 400,
			field: 'clubId'
		});
		await refusedWith(open(clubMember, 'Pour le club', 'commission RH', { clubId: { $ne: 1 } }), {
			status: 400,
			field: 'clubId'
		});
	});

	it('a thread on a document the user cannot read: 403; of another territory: 404', async () => {
		await refusedWith(open(cast.outsider, 'Je commente'), { status: 403 });
		const elsewhere = await buildTerritory(db);
		const foreigner = await buildUser(db, elsewhere, elsewhere.epciId);
		await refusedWith(open(foreigner, 'Je commente'), { status: 404 });
	});

	it('a reader cannot comment, reply or resolve', async () => {
		await refusedWith(open(cast.reader, 'Lecture seule ?'), { status: 403 });
	});

	it('a reply to a thread of another document, or to an unknown thread: 404', async () => {
		const other = await buildDocument(
			db,
			cast.coLead,
			[[cast.annotator, 'annotator']],
			'Autre texte ici.'
		);
		const there = await openThread(
			db,
			cast.annotator,
			other,
			{ anchor: await storedAnchor(db, other, 'texte'), body: 'Ailleurs' },
			read
		);
		if (!there.ok) throw new Error(there.message);
		await refusedWith(reply(db, cast.annotator, documentId, there.thread.id, { body: 'Ici ?' }), {
			status: 404,
			message: 'Fil de commentaires introuvable.'
		});
		await refusedWith(reply(db, cast.annotator, documentId, 'inconnu', { body: 'Ici ?' }), {
			status: 404
		});
	});

	it('a mention of someone who cannot read the document names them; the co-pilote is offered to invite', async () => {
		await buildUser(db, territory, territory.communeId, { name: 'Paul Dehors' });
		const before = await counts();
		const byAnnotator = await open(cast.annotator, 'Qu’en pense @Paul Dehors ?');
		expect(byAnnotator).toMatchObject({
			ok: false,
			status: 400,
			message:
				'Paul Dehors ne peut pas lire ce document : retirez la mention, ou demandez à un co-pilote de l’inviter.',
			canInvite: false,
			cannotRead: [{ name: 'Paul Dehors' }]
		});
		const byCoLead = await open(cast.coLead, 'Qu’en pense @Paul Dehors ?');
		expect(byCoLead).toMatchObject({ ok: false, status: 400, canInvite: true });
		expect(await counts()).toEqual(before);
	});
});

describe('mentions', () => {
	it('are read from the text: longest name, word boundary, not e-mail addresses', () => {
		const users = [
			{ id: 'a', name: 'Marie Dupont' },
			{ id: 'b', name: 'Marie Dupont-Martin' },
			{ id: 'c', name: 'Luc' }
		];
		expect(mentionedIn('Voir @Marie Dupont-Martin et @marie dupont.', users)).toEqual([
			['b'],
			['a']
		]);
		expect(mentionedIn('écrire à luc@mairie.fr ou @Lucas', users)).toEqual([]);
		expect(mentionedIn('@Luc, @Luc !', users)).toEqual([['c']]);
		// Namesakes are one mention; a name with the characters of a pattern is only text.
		const twins = [...users, { id: 'd', name: 'Luc' }, { id: 'e', name: 'A.* (x)' }];
		expect(mentionedIn('@Luc @A.* (x)', twins)).toEqual([['c', 'd'], ['e']]);
		// An accent typed as letter + combining mark, a no-break space: the same names.
		const accented = [{ id: 'f', name: 'Élodie Marchand' }];
		expect(mentionedIn('@E\u0301lodie\u00a0Marchand, merci', accented)).toEqual([['f']]);
	});

	it('stay linear on a text full of « @ » (at most 20 mentions read)', () => {
		const many = Array.from({ length: 300 }, (_, i) => ({
			id: `u${i}`,
			name: `Agent numéro ${i}`
		}));
		const body = '@'.repeat(10_000);
		const started = performance.now();
		expect(mentionedIn(body, many)).toEqual([]);
		const all = many.map((u) => `@${u.name}`).join(' ');
		expect(mentionedIn(all, many)).toHaveLength(20);
		// Generous bound: the quadratic version took seconds here.
		expect(performance.now() - started).toBeLessThan(2_000);
	});

	it('notify exactly the mentioned participants (mention rather than new-thread for a mentioned co-pilote)', async () => {
		const editorName = cast.editor.displayName;
		const coLeadName = cast.coLead.displayName;
		const result = await open(
			cast.annotator,
			`@${editorName} et @${coLeadName}, pouvez-vous relire ?`
		);
		if (!result.ok) throw new Error(result.message);
		const rows = await db
			.selectFrom('notification')
			.select(['user_id', 'kind'])
			.where('thread_id', '=', result.thread.id)
			.execute();
		const mentions = rows.filter((r) => r.kind === 'mention').map((r) => r.user_id);
		expect(mentions.sort()).toEqual([cast.editor.id, cast.coLead.id].sort());
		expect(rows.filter((r) => r.kind === 'thread_created').map((r) => r.user_id)).toEqual([
			cast.partner.id
		]);
		const stored = await db
			.selectFrom('comment_mention')
			.innerJoin('comment', 'comment.id', 'comment_mention.comment_id')
			.select('comment_mention.user_id')
			.where('comment.thread_id', '=', result.thread.id)
			.execute();
		expect(stored.map((r) => r.user_id).sort()).toEqual([cast.editor.id, cast.coLead.id].sort());
		// Whoever can read is offered: the binôme, participants, club members, the direction.
		const readers = (await readersOf(db, documentId, territory.territoryId)).map((r) => r.id);
		for (const user of [
			cast.coLead,
			cast.partner,
			cast.editor,
			cast.annotator,
			cast.reader,
			cast.direction,
			clubMember
		])
			expect(readers).toContain(user.id);
		expect(readers).not.toContain(cast.outsider.id);
	});
});

describe('who can be mentioned', () => {
	it('is exactly who the access policy lets read the document', async () => {
		const everyone = await db
			.selectFrom('app_user')
			.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
			.select([
				'app_user.id',
				'app_user.organisation_id as organisationId',
				'app_user.territory_role as territoryRole'
			])
			.where('organisation.territory_id', '=', territory.territoryId)
			.execute();
		const readers = new Set(
			(await readersOf(db, documentId, territory.territoryId)).map((r) => r.id)
		);
		for (const user of everyone) {
			const access = await documentAccess(
				db,
				{ ...user, territoryId: territory.territoryId },
				documentId
			);
			expect(readers.has(user.id), user.id).toBe(access.status === 'granted');
		}
	});
});

describe('who is told', () => {
	it('a participant who lost access to the document is no longer told of replies or resolution', async () => {
		const passing = await buildUser(db, territory, territory.communeId, { name: 'Sophie Passage' });
		const clubOfOne = await buildClub(db, cast.coLead, [passing], [documentId]);
		const opened = await open(passing, 'Remarque avant de quitter le club.');
		if (!opened.ok) throw new Error(opened.message);
		await db
			.deleteFrom('club_member')
			.where('club_id', '=', clubOfOne)
			.where('user_id', '=', passing.id)
			.execute();
		await reply(db, cast.partner, documentId, opened.thread.id, { body: 'Merci.' });
		await setThreadStatus(db, cast.partner, documentId, opened.thread.id, { status: 'resolved' });
		const told = await db
			.selectFrom('notification')
			.select('user_id')
			.where('thread_id', '=', opened.thread.id)
			.where('user_id', '=', passing.id)
			.execute();
		expect(told).toEqual([]);
	});

	it('among namesakes, those who can read are mentioned; refused only when none can', async () => {
		const reading = await buildUser(db, territory, territory.communeId, {
			name: 'Camille Homonyme'
		});
		await buildUser(db, territory, territory.epciId, { name: 'Camille Homonyme' });
		await db
			.insertInto('document_member')
			.values({
				document_id: documentId,
				user_id: reading.id,
				role: 'reader',
				added_by: null,
				added_at: Date.now()
			})
			.execute();
		const result = await open(cast.annotator, '@Camille Homonyme, un avis ?');
		if (!result.ok) throw new Error(result.message);
		const mentioned = await db
			.selectFrom('notification')
			.select('user_id')
			.where('thread_id', '=', result.thread.id)
			.where('kind', '=', 'mention')
			.execute();
		expect(mentioned.map((m) => m.user_id)).toEqual([reading.id]);
	});
});

describe('following a passage after an edit of the text’s structure', () => {
	it('writers move an anchor onto a passage of the document; annotators and readers cannot; bad anchors refused', async () => {
		const opened = await open(cast.annotator, 'Sur la commission.', 'commission RH');
		if (!opened.ok) throw new Error(opened.message);
		const anchor = await storedAnchor(db, documentId, 'La commission RH');
		expect(
			await moveAnchor(db, cast.annotator, documentId, opened.thread.id, { anchor }, read)
		).toMatchObject({
			ok: false,
			status: 403
		});
		expect(
			await moveAnchor(
				db,
				cast.editor,
				documentId,
				opened.thread.id,
				{ anchor: { start: 'Aw==', end: 'Aw==' } },
				read
			)
		).toMatchObject({
			ok: false,
			status: 400
		});
		// Not onto another sentence: a thread follows its passage, it is not moved elsewhere.
		const elsewhere = await storedAnchor(db, documentId, 'Le RIFSEEP est revu');
		const before = await counts();
		expect(
			await moveAnchor(db, cast.editor, documentId, opened.thread.id, { anchor: elsewhere }, read)
		).toMatchObject({ ok: false, status: 400, field: 'anchor' });
		expect(await counts()).toEqual(before);
		const moved = await moveAnchor(db, cast.editor, documentId, opened.thread.id, { anchor }, read);
		expect(moved).toMatchObject({ ok: true });
		if (moved.ok) {
			expect(moved.thread.anchor).toEqual(anchor);
			expect(moved.thread.quote).toBe('commission RH'); // the quote stays what was commented
		}
	});
});

describe('replies, edits, deletion, resolution', () => {
	it('a reply notifies the thread’s participants; only the author edits or deletes a message', async () => {
		const opened = await open(cast.annotator, 'Premier message.');
		if (!opened.ok) throw new Error(opened.message);
		const threadId = opened.thread.id;
		const answer = await reply(db, cast.coLead, documentId, threadId, {
			body: 'Réponse du binôme.'
		});
		if (!answer.ok) throw new Error(answer.message);
		const replyNotes = await db
			.selectFrom('notification')
			.select('user_id')
			.where('thread_id', '=', threadId)
			.where('kind', '=', 'reply')
			.execute();
		expect(replyNotes.map((r) => r.user_id)).toEqual([cast.annotator.id]);
		const replyId = answer.thread.comments[1].id;
		expect(
			await editComment(db, cast.annotator, documentId, threadId, replyId, { body: 'Piraté' })
		).toMatchObject({
			ok: false,
			status: 403
		});
		const edited = await editComment(db, cast.coLead, documentId, threadId, replyId, {
			body: 'Réponse corrigée.'
		});
		expect(edited).toMatchObject({ ok: true });
		if (edited.ok) expect(edited.thread.comments[1]).toMatchObject({ body: 'Réponse corrigée.' });
		// Deleting the opening message of an answered thread keeps the thread, shown as deleted.
		const firstId = opened.thread.comments[0].id;
		const deleted = await deleteComment(db, cast.annotator, documentId, threadId, firstId);
		expect(deleted).toMatchObject({ ok: true, removedThreadId: null });
		if (deleted.ok) expect(deleted.thread!.comments[0]).toMatchObject({ deleted: true, body: '' });
	});

	it('resolve and reopen: the binôme or the thread’s author, not another annotator', async () => {
		const opened = await open(cast.editor, 'À résoudre.');
		if (!opened.ok) throw new Error(opened.message);
		const threadId = opened.thread.id;
		expect(
			await setThreadStatus(db, cast.annotator, documentId, threadId, { status: 'resolved' })
		).toMatchObject({ ok: false, status: 403 });
		expect(
			await setThreadStatus(db, cast.partner, documentId, threadId, { status: 'fini' })
		).toMatchObject({
			ok: false,
			status: 400
		});
		const resolved = await setThreadStatus(db, cast.partner, documentId, threadId, {
			status: 'resolved'
		});
		expect(resolved).toMatchObject({ ok: true });
		if (resolved.ok)
			expect(resolved.thread).toMatchObject({
				status: 'resolved',
				resolvedBy: cast.partner.displayName
			});
		const note = await db
			.selectFrom('notification')
			.select(['user_id', 'kind'])
			.where('thread_id', '=', threadId)
			.where('kind', '=', 'thread_resolved')
			.execute();
		expect(note.map((n) => n.user_id)).toEqual([cast.editor.id]);
		const reopened = await setThreadStatus(db, cast.editor, documentId, threadId, {
			status: 'open'
		});
		expect(reopened).toMatchObject({ ok: true });
		const [view] = await listThreads(db, documentId, [threadId]);
		expect(view).toMatchObject({ status: 'open', resolvedBy: null });
	});

	it('what others were told follows the message: an edit changes the quoted text, a deletion removes it', async () => {
		const opened = await open(cast.coLead, 'Salaire de M. Dupont : 3 200 € (confidentiel)');
		if (!opened.ok) throw new Error(opened.message);
		const excerpts = async () =>
			(
				await db
					.selectFrom('notification')
					.select('excerpt')
					.where('thread_id', '=', opened.thread.id)
					.orderBy('excerpt')
					.execute()
			).map((n) => n.excerpt);
		await editComment(db, cast.coLead, documentId, opened.thread.id, opened.thread.comments[0].id, {
			body: 'Voir la grille indiciaire.'
		});
		expect(await excerpts()).toEqual(['Voir la grille indiciaire.']);
		const answer = await reply(db, cast.partner, documentId, opened.thread.id, {
			body: 'Réponse secrète XYZZY'
		});
		if (!answer.ok) throw new Error(answer.message);
		expect(await excerpts()).toEqual(['Réponse secrète XYZZY', 'Voir la grille indiciaire.']);
		await deleteComment(
			db,
			cast.partner,
			documentId,
			opened.thread.id,
			answer.thread.comments[1].id
		);
		expect(await excerpts()).toEqual(['Voir la grille indiciaire.']);
	});

	it('the only message deleted takes its thread with it', async () => {
		const opened = await open(cast.annotator, 'Erreur de ma part.');
		if (!opened.ok) throw new Error(opened.message);
		const result = await deleteComment(
			db,
			cast.annotator,
			documentId,
			opened.thread.id,
			opened.thread.comments[0].id
		);
		expect(result).toMatchObject({ ok: true, thread: null, removedThreadId: opened.thread.id });
		expect(await listThreads(db, documentId, [opened.thread.id])).toEqual([]);
	});
});
