// Reading a document's life cycle: its open consultation, its observations, its transitions.
import type { Db } from '../db';
import { DEFAULT_TIME_ZONE, isSupportedTimeZone } from '../territory/queries';
import { addDays, dateIn } from './deadline';

const safeZone = (zone: string | undefined) =>
	zone && isSupportedTimeZone(zone) ? zone : DEFAULT_TIME_ZONE;

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

/** What the document page shows of the life cycle. */
export async function lifecycleView(
	db: Db,
	documentId: string,
	viewerId: string,
	territoryId: string
) {
	const [consultation, transitions, named, territory] = await Promise.all([
		currentConsultation(db, documentId),
		db
			.selectFrom('document_transition as t')
			.leftJoin('app_user as u', 'u.id', 't.actor_id')
			.select([
				't.id',
				't.action',
				't.from_status as from',
				't.to_status as to',
				't.reason',
				't.at',
				'u.display_name as actorName'
			])
			.where('t.document_id', '=', documentId)
			.orderBy('t.at', 'desc')
			.limit(20)
			.execute(),
		db
			.selectFrom('document_version')
			.select(['id', 'name', 'created_at as createdAt'])
			.where('document_id', '=', documentId)
			.where('kind', '=', 'named')
			.orderBy('created_at', 'desc')
			.limit(50)
			.execute(),
		db
			.selectFrom('territory')
			.select(['consultation_days as days', 'time_zone as timeZone'])
			.where('id', '=', territoryId)
			.executeTakeFirst()
	]);
	let open = null;
	if (consultation) {
		const [invitees, version, blocking] = await Promise.all([
			db
				.selectFrom('consultation_invitee as i')
				.innerJoin('app_user as u', 'u.id', 'i.user_id')
				.innerJoin('organisation as o', 'o.id', 'u.organisation_id')
				.select(['u.id', 'u.display_name as name', 'o.name as organisationName'])
				.where('i.consultation_id', '=', consultation.id)
				.execute(),
			db
				.selectFrom('document_version')
				.select('name')
				.where('id', '=', consultation.versionId)
				.executeTakeFirst(),
			unansweredBlocking(db, consultation.id)
		]);
		open = {
			...consultation,
			versionName: version?.name ?? null,
			invitees: invitees.sort((a, b) => a.name.localeCompare(b.name, 'fr')),
			blockingUnanswered: blocking,
			consulted: invitees.some((i) => i.id === viewerId)
		};
	}
	return {
		consultation: open,
		record: await lastRecord(db, documentId),
		transitions: transitions.map((t) => ({ ...t, at: Number(t.at) })),
		namedVersions: named.map((v) => ({
			id: v.id,
			name: v.name ?? '',
			createdAt: Number(v.createdAt)
		})),
		consultationDays: Number(territory?.days ?? 8),
		// The earliest date a deadline may take (tomorrow, in the territory's calendar).
		minDeadline: addDays(dateIn(safeZone(territory?.timeZone), Date.now()), 1)
	};
}

/**
 * The record of the last closed consultation: validated (explicitly or tacitly) or returned,
 * when, by whom, on which version — who was consulted, who answered (posted an observation)
 * and who stayed silent.
 */
export async function lastRecord(db: Db, documentId: string) {
	const last = await db
		.selectFrom('consultation as c')
		.leftJoin('app_user as u', 'u.id', 'c.closed_by')
		.leftJoin('document_version as v', 'v.id', 'c.version_id')
		.select([
			'c.id',
			'c.status',
			'c.outcome',
			'c.closed_at as closedAt',
			'u.display_name as closedBy',
			'v.name as versionName'
		])
		.where('c.document_id', '=', documentId)
		.where('c.status', '!=', 'open')
		.orderBy('c.closed_at', 'desc')
		.limit(1)
		.executeTakeFirst();
	if (!last) return null;
	const [invitees, observers] = await Promise.all([
		db
			.selectFrom('consultation_invitee as i')
			.innerJoin('app_user as u', 'u.id', 'i.user_id')
			.select(['u.id', 'u.display_name as name'])
			.where('i.consultation_id', '=', last.id)
			.execute(),
		db
			.selectFrom('comment_thread')
			.select('author_id')
			.where('consultation_id', '=', last.id)
			.execute()
	]);
	const answered = new Set(observers.map((o) => o.author_id));
	const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'fr');
	return {
		status: last.status,
		outcome: last.outcome,
		closedAt: last.closedAt === null ? null : Number(last.closedAt),
		closedBy: last.closedBy,
		versionName: last.versionName,
		answered: invitees
			.filter((i) => answered.has(i.id))
			.sort(byName)
			.map((i) => i.name),
		silent: invitees
			.filter((i) => !answered.has(i.id))
			.sort(byName)
			.map((i) => i.name)
	};
}
