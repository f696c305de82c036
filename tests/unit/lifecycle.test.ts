// Issue 13, parts 1 and 2, on a real database: every transition allowed and refused per role,
// stamped; a consultation of chosen people on a named version with a deadline at 23:59 in the
// territory's zone; observations blocking tacit validation until answered; tacit validation by
// the scheduler at the deadline (an injected clock), not before, exactly once — across two
// schedulers and a restart.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { commands } from '../../src/lib/server/documents';
import {
	answerObservation,
	extendConsultation,
	openConsultation,
	postObservation,
	returnToDraft,
	validateConsultation
} from '../../src/lib/server/lifecycle/commands';
import { ConsultationScheduler, validateDue } from '../../src/lib/server/lifecycle/scheduler';
import { endOfDay } from '../../src/lib/server/lifecycle/deadline';
import { lastRecord } from '../../src/lib/server/lifecycle/queries';
import { passageReader } from '../../src/lib/server/comments/passage';
import { deleteComment, setThreadStatus } from '../../src/lib/server/comments/commands';
import { freshDb } from '../helpers/db';
import { buildDocument, buildRoleCast, buildTerritory, type TestUser } from '../helpers/factories';
import { storedAnchor } from '../helpers/anchors';

let db: Db;
let cast: Awaited<ReturnType<typeof buildRoleCast>>;
let read: ReturnType<typeof passageReader>;
const DAY = 86_400_000;
// Monday 2 November 2026, 10:00 in Paris (UTC+1).
const NOW = Date.UTC(2026, 10, 2, 9, 0);

beforeAll(async () => {
	({ db } = await freshDb());
	cast = await buildRoleCast(db, await buildTerritory(db));
	read = passageReader(db, null);
});

/** A document in draft with a named version, the reader and the editor taking part. */
async function draft() {
	const documentId = await buildDocument(
		db,
		cast.coLead,
		[
			[cast.editor, 'editor'],
			[cast.reader, 'reader'],
			[cast.annotator, 'annotator']
		],
		'Le compte-rendu de la réunion des DGS du 2 novembre.',
		cast.partner
	);
	const named = await commands.nameVersion(db, cast.coLead, documentId, {
		name: 'Projet de compte-rendu',
		comment: ''
	});
	if (!named.ok || !named.versionId) throw new Error('no version');
	return { documentId, versionId: named.versionId };
}

const status = async (documentId: string) =>
	(
		await db
			.selectFrom('document')
			.select('status')
			.where('id', '=', documentId)
			.executeTakeFirstOrThrow()
	).status;
const transitions = (documentId: string) =>
	db
		.selectFrom('document_transition')
		.select(['from_status', 'to_status', 'action', 'actor_id', 'reason'])
		.where('document_id', '=', documentId)
		.orderBy('at')
		.execute();

async function consulted(consulting: TestUser[] = [cast.reader, cast.editor]) {
	const { documentId, versionId } = await draft();
	const opened = await openConsultation(
		db,
		cast.coLead,
		documentId,
		{ versionId, userIds: consulting.map((u) => u.id), organisationIds: [], deadline: '' },
		NOW
	);
	if (!opened.ok) throw new Error(opened.message);
	return { documentId, versionId, deadline: opened.deadline };
}

describe('opening a consultation', () => {
	it('the binôme opens it on a named version, of chosen people, until the 8th day at 23:59 Paris time; stamped and notified', async () => {
		const { documentId, versionId } = await draft();
		const opened = await openConsultation(
			db,
			cast.partner,
			documentId,
			{ versionId, userIds: [cast.reader.id, cast.outsider.id], organisationIds: [], deadline: '' },
			NOW
		);
		expect(opened).toMatchObject({
			ok: true,
			message: 'Consultation ouverte auprès de 1 personne.'
		});
		if (!opened.ok) return;
		// 10 November 2026 at 23:59:59.999 in Paris is 22:59:59.999 UTC.
		expect(opened.deadline).toBe(Date.UTC(2026, 10, 10, 22, 59, 59, 999));
		expect(await status(documentId)).toBe('consultation');
		expect(await transitions(documentId)).toEqual([
			{
				from_status: 'brouillon',
				to_status: 'consultation',
				action: 'open_consultation',
				actor_id: cast.partner.id,
				reason: ''
			}
		]);
		const invitees = await db.selectFrom('consultation_invitee').select('user_id').execute();
		expect(invitees.map((i) => i.user_id)).toContain(cast.reader.id);
		expect(invitees.map((i) => i.user_id)).not.toContain(cast.outsider.id); // cannot read it
		const told = await db
			.selectFrom('notification')
			.select('user_id')
			.where('document_id', '=', documentId)
			.where('kind', '=', 'consultation_opened')
			.execute();
		expect(told.map((t) => t.user_id)).toEqual([cast.reader.id]);
	});

	it('is refused to others than the binôme, on a draft only, with a named version, someone to consult and a future deadline', async () => {
		const { documentId, versionId } = await draft();
		const input = { versionId, userIds: [cast.reader.id], organisationIds: [], deadline: '' };
		for (const user of [cast.editor, cast.annotator, cast.reader, cast.direction])
			expect(await openConsultation(db, user, documentId, input, NOW)).toMatchObject({
				ok: false,
				status: 403
			});
		expect(await openConsultation(db, cast.outsider, documentId, input, NOW)).toMatchObject({
			status: 403
		});
		expect(
			await openConsultation(
				db,
				cast.coLead,
				documentId,
				{ ...input, versionId: 'aaaaaaaaaaaaaaaa' },
				NOW
			)
		).toMatchObject({ status: 400, field: 'versionId' });
		expect(
			await openConsultation(db, cast.coLead, documentId, { ...input, userIds: [] }, NOW)
		).toMatchObject({
			status: 400,
			field: 'userIds'
		});
		for (const deadline of ['2026-11-02', '2026-10-30', '2026-13-45', 'demain'])
			expect(
				await openConsultation(db, cast.coLead, documentId, { ...input, deadline }, NOW)
			).toMatchObject({
				status: 400,
				field: 'deadline'
			});
		expect(await status(documentId)).toBe('brouillon');
		expect(await transitions(documentId)).toEqual([]);
		const ok = await openConsultation(
			db,
			cast.coLead,
			documentId,
			{ ...input, deadline: '2026-11-20' },
			NOW
		);
		expect(ok).toMatchObject({ ok: true, deadline: endOfDay('Europe/Paris', '2026-11-20') });
		expect(await openConsultation(db, cast.coLead, documentId, input, NOW)).toMatchObject({
			status: 400,
			message: 'Une consultation s’ouvre sur un document en brouillon.'
		});
	});
});

describe('observations and tacit validation', () => {
	it('fires at the deadline, not before, not while a blocking observation waits, and exactly once', async () => {
		const { documentId, deadline } = await consulted();
		// A reader who is consulted may post an observation; someone not consulted may not.
		expect(
			await postObservation(
				db,
				cast.annotator,
				documentId,
				{ body: 'Je ne suis pas consulté.', blocking: true },
				read,
				NOW
			)
		).toMatchObject({ ok: false, status: 403 });
		const observation = await postObservation(
			db,
			cast.reader,
			documentId,
			{
				anchor: await storedAnchor(db, documentId, 'réunion des DGS'),
				body: 'La date est erronée : la réunion a eu lieu le 3.',
				blocking: true
			},
			read,
			NOW
		);
		expect(observation).toMatchObject({ ok: true });
		if (!observation.ok) return;
		expect(observation.thread.observation).toMatchObject({ blocking: true, answer: null });

		const consultationId = (
			await db
				.selectFrom('consultation')
				.select('id')
				.where('document_id', '=', documentId)
				.executeTakeFirstOrThrow()
		).id;
		// (Other scenarios' consultations of this file may fall due too: only this one is looked at.)
		expect(await validateDue(db, deadline - 1)).not.toContain(consultationId);
		expect(await validateDue(db, deadline + DAY)).not.toContain(consultationId); // blocked
		expect(await status(documentId)).toBe('consultation');
		expect(await validateConsultation(db, cast.coLead, documentId, NOW)).toMatchObject({
			status: 400
		});

		// The binôme answers: a rejection needs its reason.
		expect(
			await answerObservation(db, cast.coLead, documentId, observation.thread.id, {
				answer: 'rejected',
				reason: ''
			})
		).toMatchObject({ ok: false, status: 400 });
		expect(
			await answerObservation(db, cast.editor, documentId, observation.thread.id, {
				answer: 'accepted',
				reason: ''
			})
		).toMatchObject({ ok: false, status: 403 });
		const answered = await answerObservation(db, cast.partner, documentId, observation.thread.id, {
			answer: 'rejected',
			reason: 'La convocation indique bien le 2.'
		});
		expect(answered).toMatchObject({ ok: true });

		// Two schedulers at the deadline (two processes): one validation.
		const [first, second] = await Promise.all([
			validateDue(db, deadline),
			validateDue(db, deadline)
		]);
		expect([...first, ...second]).toHaveLength(1);
		// A restarted scheduler finds nothing more to do.
		const restarted = new ConsultationScheduler(db, {
			now: () => deadline + DAY,
			intervalMs: 60_000
		});
		await restarted.round();
		await restarted.stop();
		expect(await status(documentId)).toBe('valide');
		const steps = await transitions(documentId);
		expect(steps.map((s) => [s.action, s.actor_id])).toEqual([
			['open_consultation', cast.coLead.id],
			['validate_tacit', null]
		]);
		const consultation = await db
			.selectFrom('consultation')
			.select(['status', 'outcome', 'closed_by'])
			.where('document_id', '=', documentId)
			.executeTakeFirstOrThrow();
		expect(consultation).toEqual({ status: 'validated', outcome: 'tacit', closed_by: null });
		// The record: who was consulted, who answered, who stayed silent.
		expect(await lastRecord(db, documentId)).toMatchObject({
			status: 'validated',
			outcome: 'tacit',
			closedBy: null,
			versionName: 'Projet de compte-rendu',
			answered: [cast.reader.displayName],
			silent: [cast.editor.displayName]
		});
	});

	it('an observation on a document not in consultation is refused, nothing stored', async () => {
		const { documentId } = await draft();
		const before = (await db.selectFrom('comment_thread').select('id').execute()).length;
		expect(
			await postObservation(
				db,
				cast.reader,
				documentId,
				{ body: 'Trop tard ?', blocking: false },
				read
			)
		).toMatchObject({ ok: false, status: 400, message: 'Ce document n’est pas en consultation.' });
		expect((await db.selectFrom('comment_thread').select('id').execute()).length).toBe(before);
	});
});

describe('at the same moment', () => {
	it('two openings at once open one consultation; a second answer, a deletion or a reopening of an observation is refused; no observation after the deadline', async () => {
		const { documentId, versionId } = await draft();
		const input = { versionId, userIds: [cast.reader.id], organisationIds: [], deadline: '' };
		const results = await Promise.all([
			openConsultation(db, cast.coLead, documentId, input, NOW),
			openConsultation(db, cast.partner, documentId, input, NOW)
		]);
		expect(results.filter((r) => r.ok)).toHaveLength(1);
		const open = await db
			.selectFrom('consultation')
			.select('id')
			.where('document_id', '=', documentId)
			.execute();
		expect(open).toHaveLength(1);
		expect(
			(await transitions(documentId)).filter((t) => t.action === 'open_consultation')
		).toHaveLength(1);

		const observation = await postObservation(
			db,
			cast.reader,
			documentId,
			{ body: 'Une précision, svp.', blocking: true },
			read,
			NOW
		);
		if (!observation.ok) throw new Error(observation.message);
		const threadId = observation.thread.id;
		expect(
			await deleteComment(db, cast.reader, documentId, threadId, observation.thread.comments[0].id)
		).toMatchObject({ ok: false });
		expect(
			await setThreadStatus(db, cast.coLead, documentId, threadId, { status: 'resolved' })
		).toMatchObject({
			ok: false,
			status: 400
		});
		const answers = await Promise.all([
			answerObservation(db, cast.coLead, documentId, threadId, { answer: 'accepted', reason: '' }),
			answerObservation(db, cast.partner, documentId, threadId, {
				answer: 'rejected',
				reason: 'Non.'
			})
		]);
		expect(answers.filter((a) => a.ok)).toHaveLength(1);
		const told = await db
			.selectFrom('notification')
			.select('id')
			.where('thread_id', '=', threadId)
			.where('kind', '=', 'observation_answered')
			.execute();
		expect(told).toHaveLength(1);

		await db
			.updateTable('consultation')
			.set({ deadline_at: NOW - 1000 })
			.where('document_id', '=', documentId)
			.execute();
		expect(
			await postObservation(
				db,
				cast.reader,
				documentId,
				{ body: 'Trop tard.', blocking: true },
				read
			)
		).toMatchObject({
			ok: false,
			status: 400,
			message: 'La date limite de la consultation est passée : les observations sont closes.'
		});
	});
});

describe('the binôme’s other steps', () => {
	it('validates explicitly, extends the deadline, returns to draft with a reason; others cannot', async () => {
		const a = await consulted();
		expect(await validateConsultation(db, cast.editor, a.documentId, NOW)).toMatchObject({
			status: 403
		});
		expect(await validateConsultation(db, cast.partner, a.documentId, NOW)).toMatchObject({
			ok: true
		});
		expect(await status(a.documentId)).toBe('valide');
		expect((await transitions(a.documentId)).at(-1)).toMatchObject({
			action: 'validate',
			actor_id: cast.partner.id
		});

		const b = await consulted();
		expect(
			await extendConsultation(db, cast.coLead, b.documentId, { deadline: '2026-11-05' }, NOW)
		).toMatchObject({
			status: 400,
			field: 'deadline'
		});
		const extended = await extendConsultation(
			db,
			cast.coLead,
			b.documentId,
			{ deadline: '2026-11-30' },
			NOW
		);
		expect(extended).toMatchObject({ ok: true, deadline: endOfDay('Europe/Paris', '2026-11-30') });
		await validateDue(db, b.deadline + 1); // the old deadline no longer counts
		expect(await status(b.documentId)).toBe('consultation');
		expect(await returnToDraft(db, cast.coLead, b.documentId, { reason: '' }, NOW)).toMatchObject({
			status: 400,
			field: 'reason'
		});
		expect(
			await returnToDraft(db, cast.reader, b.documentId, { reason: 'Non' }, NOW)
		).toMatchObject({ status: 403 });
		expect(
			await returnToDraft(
				db,
				cast.coLead,
				b.documentId,
				{ reason: 'Le compte-rendu doit intégrer le point 4.' },
				NOW
			)
		).toMatchObject({ ok: true });
		expect(await status(b.documentId)).toBe('brouillon');
		expect((await transitions(b.documentId)).map((t) => t.action)).toEqual([
			'open_consultation',
			'extend',
			'return'
		]);
		// Nothing left to validate tacitly.
		await validateDue(db, Date.UTC(2026, 11, 31));
		expect(await status(b.documentId)).toBe('brouillon');
	});
});
