// The life cycle of a document (issue 13): brouillon → en consultation → validé (explicitly or
// tacitly) → publié → archivé. Every transition is checked here for the roles that may make it,
// written with the document's new status in one transaction, and stamped (document_transition:
// who, when, why, on which version). The binôme steers: it opens a consultation of the people
// and organisations it chooses on a named version, answers the observations, validates,
// extends or returns to draft; the server validates tacitly at the deadline (scheduler.ts).
import { inTransaction, type Db } from '../db';
import type { DocumentStatus } from '../db/schema';
import { ID_PATTERN, newId } from '../ids';
import { documentAccess, type Actor, type Granted } from '../documents/access';
import { authorize, done, invalid, text, type CommandResult } from '../documents/commands/result';
import { hasUnshowable, isBlank, UNSHOWABLE_MESSAGE } from '../documents/rules';
import { getVersion } from '../documents/versions';
import { coleadsOf, notify } from '../notifications';
import { getTerritory } from '../territory/queries';
import {
	checkBody,
	insertComment,
	insertThread,
	isFailure,
	mentionsOf,
	oneThread,
	tell,
	type CommentResult
} from '../comments/commands';
import type { PassageReader } from '../comments/passage';
import { decodeAnchor } from '../../comments/anchor';
import type { ThreadView } from '../../comments/types';
import { dateIn, defaultDeadline, endOfDay, isCalendarDate } from './deadline';
import { currentConsultation, unansweredBlocking } from './queries';
import { readersOf } from '../comments/queries';

export const LIFECYCLE_MESSAGES = {
	binomeOnly: 'Seul le binôme de co-pilotes conduit la consultation et la validation.',
	notDraft: 'Une consultation s’ouvre sur un document en brouillon.',
	notInConsultation: 'Ce document n’est pas en consultation.',
	version: 'Choisissez une version nommée du document (Historique › Nommer l’état actuel).',
	nobody: 'Choisissez au moins une personne ou une organisation à consulter.',
	deadline: 'Donnez une date limite valide.',
	pastDeadline: 'La date limite doit être postérieure à aujourd’hui.',
	notLater: 'La nouvelle date limite doit être postérieure à l’actuelle.',
	blocking:
		'Des observations bloquantes attendent la réponse du binôme : répondez-y avant de valider.',
	reason: 'Indiquez le motif (500 caractères au plus).',
	notConsulted: 'Seules les personnes consultées formulent des observations.',
	notObservation: 'Ce fil n’est pas une observation de la consultation en cours.',
	answer: 'Choisissez « acceptée » ou « rejetée » et, pour un rejet, donnez le motif.',
	alreadyAnswered: 'Cette observation a déjà reçu une réponse.',
	pastObservation: 'La date limite de la consultation est passée : les observations sont closes.'
} as const;

const REASON_MAX = 500;
const binome = (access: Granted) => access.canManage;

function checkReason(value: unknown, required: boolean) {
	const reason = text(value).trim();
	if ((required && isBlank(reason)) || [...reason].length > REASON_MAX)
		return invalid(400, LIFECYCLE_MESSAGES.reason, 'reason');
	if (hasUnshowable(reason, true)) return invalid(400, UNSHOWABLE_MESSAGE, 'reason');
	return { reason };
}

/** A list of ids from a form (repeated fields) or JSON (an array), well formed, each once. */
function ids(value: unknown): string[] {
	const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
	return [...new Set(list.filter((v): v is string => typeof v === 'string' && ID_PATTERN.test(v)))];
}

async function statusOf(db: Db, documentId: string): Promise<DocumentStatus> {
	const row = await db
		.selectFrom('document')
		.select('status')
		.where('id', '=', documentId)
		.executeTakeFirstOrThrow();
	return row.status as DocumentStatus;
}

/** Thrown inside a transaction when the document or consultation changed under the command. */
export class LifecycleConflict extends Error {
	constructor() {
		super('lifecycle conflict');
	}
}

export const CONFLICT = 'Le document vient de changer d’étape : rechargez la page et recommencez.';

/** Runs a command's transaction; a conflict (or a second open consultation) is a French 409-like 400. */
async function guarded<T extends object>(
	db: Db,
	run: (trx: Db) => Promise<CommandResult<T>>
): Promise<CommandResult<T>> {
	try {
		return await inTransaction(db, run);
	} catch (error) {
		if (
			error instanceof LifecycleConflict ||
			/unique|UNIQUE/.test(String((error as Error).message))
		)
			return invalid(400, CONFLICT);
		throw error;
	}
}

/** Moves the document to `to` (from `from` only: a conditional update) and stamps the step. */
export async function transition(
	db: Db,
	step: {
		documentId: string;
		from: DocumentStatus;
		to: DocumentStatus;
		action: string;
		actorId: string | null;
		reason?: string;
		versionId?: string | null;
		consultationId?: string | null;
		at: number;
	}
): Promise<boolean> {
	const moved = await db
		.updateTable('document')
		.set({ status: step.to })
		.where('id', '=', step.documentId)
		.where('status', '=', step.from)
		.executeTakeFirst();
	// Someone else moved it first (two requests at once): nothing of this command is kept.
	if (Number(moved.numUpdatedRows) !== 1) throw new LifecycleConflict();
	await db
		.insertInto('document_transition')
		.values({
			id: newId(),
			document_id: step.documentId,
			from_status: step.from,
			to_status: step.to,
			action: step.action,
			actor_id: step.actorId,
			reason: step.reason ?? '',
			version_id: step.versionId ?? null,
			consultation_id: step.consultationId ?? null,
			at: step.at
		})
		.execute();
	return true;
}

/** The deadline a form asks for: its date at 23:59 in the territory's zone, or the default. */
async function deadlineFrom(db: Db, actor: Actor, value: unknown, now: number) {
	const territory = await db
		.selectFrom('territory')
		.select(['time_zone as timeZone', 'consultation_days as days'])
		.where('id', '=', actor.territoryId)
		.executeTakeFirstOrThrow();
	const timeZone = (await getTerritory(db, actor.territoryId))?.timeZone ?? territory.timeZone;
	const date = text(value).trim();
	if (!date) return { deadline: defaultDeadline(timeZone, Number(territory.days), now) };
	if (!isCalendarDate(date)) return invalid(400, LIFECYCLE_MESSAGES.deadline, 'deadline');
	if (date <= dateIn(timeZone, now))
		return invalid(400, LIFECYCLE_MESSAGES.pastDeadline, 'deadline');
	return { deadline: endOfDay(timeZone, date) };
}

/**
 * Opens a consultation of a named version, of the people and organisations chosen (those of
 * them who can read the document), until a deadline (default: the territory's number of
 * calendar days, at 23:59 in its zone).
 */
export function openConsultation(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { versionId: unknown; userIds: unknown; organisationIds: unknown; deadline: unknown },
	now = Date.now()
): Promise<CommandResult<{ consultationId: string; deadline: number }>> {
	return guarded(db, async (trx) => {
		const denied = await authorize(trx, actor, documentId, binome, LIFECYCLE_MESSAGES.binomeOnly);
		if (denied) return denied;
		if ((await statusOf(trx, documentId)) !== 'brouillon')
			return invalid(400, LIFECYCLE_MESSAGES.notDraft);
		const versionId = text(input.versionId);
		const version = ID_PATTERN.test(versionId)
			? await getVersion(trx, documentId, versionId)
			: null;
		if (!version || version.kind !== 'named')
			return invalid(400, LIFECYCLE_MESSAGES.version, 'versionId');
		const deadline = await deadlineFrom(trx, actor, input.deadline, now);
		if ('ok' in deadline) return deadline;
		// The people: those named, and everyone of the organisations named — who can read it.
		const organisationIds = ids(input.organisationIds);
		const candidates = await trx
			.selectFrom('app_user')
			.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
			.select([
				'app_user.id',
				'app_user.organisation_id as organisationId',
				'app_user.territory_role as territoryRole'
			])
			.where('organisation.territory_id', '=', actor.territoryId)
			.where((eb) =>
				eb.or([
					eb('app_user.id', 'in', ['', ...ids(input.userIds)]),
					eb('app_user.organisation_id', 'in', ['', ...organisationIds])
				])
			)
			.execute();
		const invitees: { userId: string; organisationId: string | null }[] = [];
		for (const user of candidates) {
			if (user.id === actor.id) continue;
			const access = await documentAccess(
				trx,
				{ ...user, territoryId: actor.territoryId },
				documentId
			);
			if (access.status !== 'granted') continue;
			const viaOrganisation = organisationIds.includes(user.organisationId);
			invitees.push({
				userId: user.id,
				organisationId: viaOrganisation ? user.organisationId : null
			});
		}
		if (invitees.length === 0) return invalid(400, LIFECYCLE_MESSAGES.nobody, 'userIds');
		const consultationId = newId();
		await trx
			.insertInto('consultation')
			.values({
				id: consultationId,
				document_id: documentId,
				version_id: version.id,
				opened_by: actor.id,
				opened_at: now,
				deadline_at: deadline.deadline,
				status: 'open',
				outcome: null,
				closed_by: null,
				closed_at: null
			})
			.execute();
		await trx
			.insertInto('consultation_invitee')
			.values(
				invitees.map((i) => ({
					consultation_id: consultationId,
					user_id: i.userId,
					organisation_id: i.organisationId
				}))
			)
			.execute();
		await transition(trx, {
			documentId,
			from: 'brouillon',
			to: 'consultation',
			action: 'open_consultation',
			actorId: actor.id,
			versionId: version.id,
			consultationId,
			at: now
		});
		await notify(
			trx,
			invitees.map((i) => i.userId),
			{ kind: 'consultation_opened', actorId: actor.id, documentId, excerpt: version.name ?? '' }
		);
		return {
			...done(
				documentId,
				`Consultation ouverte auprès de ${invitees.length} personne${invitees.length > 1 ? 's' : ''}.`
			),
			consultationId,
			deadline: deadline.deadline
		};
	});
}

/** Moves the deadline later (the binôme). */
export function extendConsultation(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { deadline: unknown },
	now = Date.now()
): Promise<CommandResult<{ deadline: number }>> {
	return guarded(db, async (trx) => {
		const denied = await authorize(trx, actor, documentId, binome, LIFECYCLE_MESSAGES.binomeOnly);
		if (denied) return denied;
		const consultation = await currentConsultation(trx, documentId);
		if (!consultation) return invalid(400, LIFECYCLE_MESSAGES.notInConsultation);
		if (!text(input.deadline).trim()) return invalid(400, LIFECYCLE_MESSAGES.deadline, 'deadline');
		const deadline = await deadlineFrom(trx, actor, input.deadline, now);
		if ('ok' in deadline) return deadline;
		if (deadline.deadline <= consultation.deadlineAt)
			return invalid(400, LIFECYCLE_MESSAGES.notLater, 'deadline');
		const extended = await trx
			.updateTable('consultation')
			.set({ deadline_at: deadline.deadline })
			.where('id', '=', consultation.id)
			.where('status', '=', 'open')
			.executeTakeFirst();
		if (Number(extended.numUpdatedRows) !== 1) throw new LifecycleConflict();
		await trx
			.insertInto('document_transition')
			.values({
				id: newId(),
				document_id: documentId,
				from_status: 'consultation',
				to_status: 'consultation',
				action: 'extend',
				actor_id: actor.id,
				reason: '',
				version_id: consultation.versionId,
				consultation_id: consultation.id,
				at: now
			})
			.execute();
		return {
			...done(documentId, 'La date limite de la consultation est repoussée.'),
			deadline: deadline.deadline
		};
	});
}

/**
 * Closes the open consultation of a document as validated — by the binôme (explicit), or by the
 * server at the deadline (tacit, `actorId` null). Refused while a blocking observation waits for
 * its answer. A conditional update: of two attempts at once, one validates.
 */
export async function closeAsValidated(
	trx: Db,
	documentId: string,
	consultationId: string,
	actorId: string | null,
	now: number
): Promise<'validated' | 'blocked' | 'already'> {
	if ((await unansweredBlocking(trx, consultationId)) > 0) return 'blocked';
	const closed = await trx
		.updateTable('consultation')
		.set({
			status: 'validated',
			outcome: actorId ? 'explicit' : 'tacit',
			closed_by: actorId,
			closed_at: now
		})
		.where('id', '=', consultationId)
		.where('status', '=', 'open')
		// Tacitly only if still due: an extension committed meanwhile wins.
		.$if(actorId === null, (q) => q.where('deadline_at', '<=', now))
		.executeTakeFirst();
	if (Number(closed.numUpdatedRows) !== 1) return 'already';
	const consultation = await trx
		.selectFrom('consultation')
		.select('version_id')
		.where('id', '=', consultationId)
		.executeTakeFirstOrThrow();
	await transition(trx, {
		documentId,
		from: 'consultation',
		to: 'valide',
		action: actorId ? 'validate' : 'validate_tacit',
		actorId,
		versionId: consultation.version_id,
		consultationId,
		at: now
	});
	const invitees = await trx
		.selectFrom('consultation_invitee')
		.select('user_id')
		.where('consultation_id', '=', consultationId)
		.execute();
	await notify(
		trx,
		await stillReaders(trx, documentId, [
			...(await coleadsOf(trx, documentId)),
			...invitees.map((i) => i.user_id)
		]),
		{
			kind: 'validated',
			actorId,
			documentId
		}
	);
	return 'validated';
}

export function validateConsultation(
	db: Db,
	actor: Actor,
	documentId: string,
	now = Date.now()
): Promise<CommandResult> {
	return guarded(db, async (trx) => {
		const denied = await authorize(trx, actor, documentId, binome, LIFECYCLE_MESSAGES.binomeOnly);
		if (denied) return denied;
		const consultation = await currentConsultation(trx, documentId);
		if (!consultation) return invalid(400, LIFECYCLE_MESSAGES.notInConsultation);
		const outcome = await closeAsValidated(trx, documentId, consultation.id, actor.id, now);
		if (outcome === 'blocked') return invalid(400, LIFECYCLE_MESSAGES.blocking);
		if (outcome === 'already') return invalid(400, LIFECYCLE_MESSAGES.notInConsultation);
		return done(documentId, 'Le document est validé.');
	});
}

/** Back to draft, with a reason: from a consultation (closed) or from a validated document. */
export function returnToDraft(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { reason: unknown },
	now = Date.now()
): Promise<CommandResult> {
	return guarded(db, async (trx) => {
		const denied = await authorize(trx, actor, documentId, binome, LIFECYCLE_MESSAGES.binomeOnly);
		if (denied) return denied;
		const checked = checkReason(input.reason, true);
		if ('ok' in checked) return checked;
		const status = await statusOf(trx, documentId);
		if (status !== 'consultation' && status !== 'valide')
			return invalid(400, 'Seul un document en consultation ou validé revient en brouillon.');
		const consultation = await currentConsultation(trx, documentId);
		if (consultation) {
			const closed = await trx
				.updateTable('consultation')
				.set({ status: 'returned', closed_by: actor.id, closed_at: now })
				.where('id', '=', consultation.id)
				.where('status', '=', 'open')
				.executeTakeFirst();
			if (Number(closed.numUpdatedRows) !== 1) throw new LifecycleConflict();
		}
		await transition(trx, {
			documentId,
			from: status,
			to: 'brouillon',
			action: 'return',
			actorId: actor.id,
			reason: checked.reason,
			consultationId: consultation?.id ?? null,
			at: now
		});
		if (consultation) {
			const invitees = await trx
				.selectFrom('consultation_invitee')
				.select('user_id')
				.where('consultation_id', '=', consultation.id)
				.execute();
			await notify(
				trx,
				await stillReaders(
					trx,
					documentId,
					invitees.map((i) => i.user_id)
				),
				{ kind: 'returned', actorId: actor.id, documentId, excerpt: checked.reason }
			);
		}
		return done(documentId, 'Le document est revenu en brouillon.');
	});
}

/**
 * An observation of the open consultation, by someone consulted: a comment thread (on a
 * passage, or on the whole document), blocking tacit validation until the binôme answers it
 * when `blocking`.
 */
export async function postObservation(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { anchor?: unknown; body: unknown; blocking: unknown },
	readPassage: PassageReader,
	now = Date.now()
): Promise<CommentResult<{ thread: ThreadView }>> {
	const access = await documentAccess(db, actor, documentId);
	if (access.status !== 'granted')
		return (await authorize(db, actor, documentId, () => true, '')) as never;
	const consultation = await currentConsultation(db, documentId);
	if (!consultation) return invalid(400, LIFECYCLE_MESSAGES.notInConsultation);
	if (consultation.deadlineAt < now) return invalid(400, LIFECYCLE_MESSAGES.pastObservation);
	if (!(await isInvitee(db, consultation.id, actor.id)))
		return { ok: false, status: 403, message: LIFECYCLE_MESSAGES.notConsulted, denied: false };
	const checked = checkBody(input.body);
	if (isFailure(checked)) return checked;
	let anchor: { bytes: [Uint8Array, Uint8Array]; quote: string } | null = null;
	if (input.anchor !== undefined && input.anchor !== null) {
		const decoded = decodeAnchor(input.anchor);
		if (!decoded)
			return invalid(400, 'Sélection illisible : sélectionnez de nouveau le passage.', 'anchor');
		const quote = await readPassage(documentId, decoded.anchor);
		if (quote === null)
			return invalid(
				400,
				'Le passage sélectionné est introuvable dans le document : sélectionnez-le de nouveau.',
				'anchor'
			);
		anchor = { bytes: decoded.bytes, quote };
	}
	const mentions = await mentionsOf(db, actor, documentId, checked.body);
	if (isFailure(mentions)) return mentions;
	const blocking = input.blocking === true || input.blocking === 'on' || input.blocking === '1';
	return inTransaction(db, async (trx) => {
		const still = await currentConsultation(trx, documentId);
		if (!still || still.id !== consultation.id)
			return invalid(400, LIFECYCLE_MESSAGES.notInConsultation);
		const now = Date.now();
		const threadId = await insertThread(trx, {
			documentId,
			authorId: actor.id,
			anchor: anchor?.bytes ?? null,
			quote: anchor?.quote ?? '',
			consultationId: consultation.id,
			blocking,
			now
		});
		await insertComment(trx, threadId, actor.id, checked.body, mentions.ids, now);
		await tell(trx, actor, documentId, mentions.ids, await coleadsOf(trx, documentId), {
			kind: 'observation',
			threadId,
			excerpt: checked.body
		});
		return {
			...done(
				documentId,
				blocking ? 'Observation bloquante envoyée au binôme.' : 'Observation envoyée au binôme.'
			),
			thread: await oneThread(trx, documentId, threadId)
		};
	});
}

/** Of `userIds`, those who can still read the document (the policy's sources). */
async function stillReaders(db: Db, documentId: string, userIds: string[]): Promise<string[]> {
	const document = await db
		.selectFrom('document')
		.select('territory_id')
		.where('id', '=', documentId)
		.executeTakeFirstOrThrow();
	const readers = new Set(
		(await readersOf(db, documentId, document.territory_id)).map((r) => r.id)
	);
	return userIds.filter((id) => readers.has(id));
}

async function isInvitee(db: Db, consultationId: string, userId: string): Promise<boolean> {
	return Boolean(
		await db
			.selectFrom('consultation_invitee')
			.select('user_id')
			.where('consultation_id', '=', consultationId)
			.where('user_id', '=', userId)
			.executeTakeFirst()
	);
}

/** The binôme answers an observation: accepted (the change is made) or rejected with a reason. */
export function answerObservation(
	db: Db,
	actor: Actor,
	documentId: string,
	threadId: unknown,
	input: { answer: unknown; reason: unknown }
): Promise<CommentResult<{ thread: ThreadView }>> {
	return guarded(db, async (trx) => {
		const denied = await authorize(trx, actor, documentId, binome, LIFECYCLE_MESSAGES.binomeOnly);
		if (denied) return denied;
		const id = text(threadId);
		const thread = ID_PATTERN.test(id)
			? await trx
					.selectFrom('comment_thread')
					.select(['id', 'author_id as authorId', 'consultation_id as consultationId', 'answer'])
					.where('id', '=', id)
					.where('document_id', '=', documentId)
					.executeTakeFirst()
			: undefined;
		const open = await currentConsultation(trx, documentId);
		if (!thread?.consultationId || thread.consultationId !== open?.id)
			return invalid(404, LIFECYCLE_MESSAGES.notObservation);
		if (thread.answer) return invalid(400, LIFECYCLE_MESSAGES.alreadyAnswered);
		const answer = input.answer;
		if (answer !== 'accepted' && answer !== 'rejected')
			return invalid(400, LIFECYCLE_MESSAGES.answer, 'answer');
		const checked = checkReason(input.reason, answer === 'rejected');
		if ('ok' in checked) return { ...checked, message: LIFECYCLE_MESSAGES.answer };
		const now = Date.now();
		await trx
			.updateTable('comment_thread')
			.set({
				answer,
				answer_reason: checked.reason || null,
				answered_by: actor.id,
				answered_at: now,
				status: 'resolved',
				resolved_by: actor.id,
				resolved_at: now,
				updated_at: now
			})
			.where('id', '=', thread.id)
			.where('answer', 'is', null)
			.executeTakeFirst()
			.then((r) => {
				// Both co-pilotes at once: the first answer stands.
				if (Number(r.numUpdatedRows) !== 1) throw new LifecycleConflict();
			});
		await notify(trx, await stillReaders(trx, documentId, [thread.authorId]), {
			kind: 'observation_answered',
			actorId: actor.id,
			documentId,
			threadId: thread.id,
			excerpt: checked.reason
		});
		return {
			...done(documentId, answer === 'accepted' ? 'Observation acceptée.' : 'Observation rejetée.'),
			thread: await oneThread(trx, documentId, thread.id)
		};
	});
}
