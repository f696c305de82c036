// Clubs métiers: what the pages read and the commands write. Rows become domain objects here.
import { sql } from 'kysely';
import type { Db } from '../db';
import { newId } from '../ids';
import type { ClubRole } from '../../clubs/vocabulary';

export interface Club {
	id: string;
	name: string;
	theme: string;
	description: string;
	createdAt: number;
}

export interface ClubPerson {
	userId: string;
	displayName: string;
	jobTitle: string;
	organisationName: string;
}

export interface ClubMember extends ClubPerson {
	role: ClubRole;
	addedAt: number;
}

export interface ClubSummary extends Club {
	animateurs: ClubPerson[];
	memberCount: number;
	documentCount: number;
	/** The viewer's role in the club, null when not a member. */
	viewerRole: ClubRole | null;
	/** The viewer asked to join and the animateurs have not answered yet. */
	viewerRequestPending: boolean;
}

export interface JoinRequest extends ClubPerson {
	id: string;
	message: string;
	createdAt: number;
}

export interface ClubDocument {
	id: string;
	title: string;
	kind: string;
	invitedAt: number;
}

export interface InvitedClub {
	id: string;
	name: string;
	theme: string;
	memberCount: number;
	invitedAt: number;
}

const byName = (a: string, b: string) => a.localeCompare(b, 'fr', { sensitivity: 'base' });

const CLUB_COLUMNS = [
	'club.id',
	'club.name',
	'club.theme',
	'club.description',
	'club.created_at as createdAt'
] as const;

/** A club of this territory, or null (another territory's club does not exist for its users). */
export async function getClub(db: Db, territoryId: string, clubId: string): Promise<Club | null> {
	return (
		(await db
			.selectFrom('club')
			.select(CLUB_COLUMNS)
			.where('club.id', '=', clubId)
			.where('club.territory_id', '=', territoryId)
			.executeTakeFirst()) ?? null
	);
}

function members(db: Db) {
	return db
		.selectFrom('club_member')
		.innerJoin('app_user', 'app_user.id', 'club_member.user_id')
		.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
		.select([
			'club_member.club_id as clubId',
			'club_member.user_id as userId',
			'club_member.role',
			'club_member.added_at as addedAt',
			'app_user.display_name as displayName',
			'app_user.job_title as jobTitle',
			'organisation.name as organisationName'
		]);
}

/** Every club of the territory, by name, with what the list shows of each. */
export async function listClubs(db: Db, territoryId: string, viewerId: string) {
	const clubs = await db
		.selectFrom('club')
		.select(CLUB_COLUMNS)
		.select((eb) => [
			eb
				.selectFrom('club_member')
				.select(eb.fn.countAll<number | string>().as('n'))
				.whereRef('club_member.club_id', '=', 'club.id')
				.as('memberCount'),
			eb
				.selectFrom('document_club')
				.select(eb.fn.countAll<number | string>().as('n'))
				.whereRef('document_club.club_id', '=', 'club.id')
				.as('documentCount')
		])
		.where('club.territory_id', '=', territoryId)
		.execute();
	if (clubs.length === 0) return [];
	const ids = clubs.map((c) => c.id);
	const [people, pending] = await Promise.all([
		members(db)
			.where('club_member.club_id', 'in', ids)
			.where((eb) =>
				eb.or([eb('club_member.role', '=', 'animateur'), eb('club_member.user_id', '=', viewerId)])
			)
			.orderBy('app_user.display_name')
			.execute(),
		db
			.selectFrom('club_join_request')
			.select('club_id')
			.where('user_id', '=', viewerId)
			.where('status', '=', 'pending')
			.execute()
	]);
	const pendingIds = new Set(pending.map((p) => p.club_id));
	// Sorted here: SQLite and PostgreSQL collate names differently (« Club RH » / « Club finances »).
	clubs.sort((a, b) => byName(a.name, b.name));
	return clubs.map((club): ClubSummary => ({
		...club,
		memberCount: Number(club.memberCount ?? 0),
		documentCount: Number(club.documentCount ?? 0),
		animateurs: people
			.filter((p) => p.clubId === club.id && p.role === 'animateur')
			.map(({ userId, displayName, jobTitle, organisationName }) => ({
				userId,
				displayName,
				jobTitle,
				organisationName
			})),
		viewerRole: people.find((p) => p.clubId === club.id && p.userId === viewerId)?.role ?? null,
		viewerRequestPending: pendingIds.has(club.id)
	}));
}

/** Animateurs first, then by name. */
export async function listClubMembers(db: Db, clubId: string): Promise<ClubMember[]> {
	const rows = await members(db)
		.where('club_member.club_id', '=', clubId)
		.orderBy('club_member.role') // 'animateur' < 'membre'
		.orderBy('app_user.display_name')
		.execute();
	return rows.map(({ userId, displayName, jobTitle, organisationName, role, addedAt }) => ({
		userId,
		displayName,
		jobTitle,
		organisationName,
		role,
		addedAt
	}));
}

export async function clubRoleOf(db: Db, clubId: string, userId: string): Promise<ClubRole | null> {
	const row = await db
		.selectFrom('club_member')
		.select('role')
		.where('club_id', '=', clubId)
		.where('user_id', '=', userId)
		.executeTakeFirst();
	return row?.role ?? null;
}

export async function animateurIds(db: Db, clubId: string): Promise<string[]> {
	const rows = await db
		.selectFrom('club_member')
		.select('user_id')
		.where('club_id', '=', clubId)
		.where('role', '=', 'animateur')
		.execute();
	return rows.map((r) => r.user_id);
}

export async function memberIds(db: Db, clubId: string): Promise<string[]> {
	const rows = await db
		.selectFrom('club_member')
		.select('user_id')
		.where('club_id', '=', clubId)
		.execute();
	return rows.map((r) => r.user_id);
}

export async function insertClub(
	db: Db,
	territoryId: string,
	input: { name: string; theme: string; description: string },
	createdBy: string,
	now = Date.now()
): Promise<string> {
	const id = newId();
	await db
		.insertInto('club')
		.values({ id, territory_id: territoryId, ...input, created_by: createdBy, created_at: now })
		.execute();
	return id;
}

export async function clubNameTaken(db: Db, territoryId: string, name: string): Promise<boolean> {
	const row = await db
		.selectFrom('club')
		.select('id')
		.where('territory_id', '=', territoryId)
		.where(sql`lower(name)`, '=', name.toLowerCase())
		.executeTakeFirst();
	return !!row;
}

/** Adds a member or changes their role (an upsert: two answers at once make one row). */
export async function setClubMember(
	db: Db,
	clubId: string,
	userId: string,
	role: ClubRole,
	addedBy: string,
	now = Date.now()
): Promise<void> {
	await db
		.insertInto('club_member')
		.values({ club_id: clubId, user_id: userId, role, added_by: addedBy, added_at: now })
		.onConflict((conflict) => conflict.columns(['club_id', 'user_id']).doUpdateSet({ role }))
		.execute();
}

export async function removeClubMember(db: Db, clubId: string, userId: string): Promise<boolean> {
	const result = await db
		.deleteFrom('club_member')
		.where('club_id', '=', clubId)
		.where('user_id', '=', userId)
		.executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

export async function listPendingJoinRequests(db: Db, clubId: string): Promise<JoinRequest[]> {
	return db
		.selectFrom('club_join_request')
		.innerJoin('app_user', 'app_user.id', 'club_join_request.user_id')
		.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
		.select([
			'club_join_request.id',
			'club_join_request.user_id as userId',
			'club_join_request.message',
			'club_join_request.created_at as createdAt',
			'app_user.display_name as displayName',
			'app_user.job_title as jobTitle',
			'organisation.name as organisationName'
		])
		.where('club_join_request.club_id', '=', clubId)
		.where('club_join_request.status', '=', 'pending')
		.orderBy('club_join_request.created_at')
		.execute();
}

/**
 * Records a pending request; false when one is already pending (the partial unique index
 * decides, so two clicks at once on PostgreSQL still make one request).
 */
export async function insertJoinRequest(
	db: Db,
	clubId: string,
	userId: string,
	message: string,
	now = Date.now()
): Promise<boolean> {
	const result = await db
		.insertInto('club_join_request')
		.values({
			id: newId(),
			club_id: clubId,
			user_id: userId,
			message,
			status: 'pending',
			created_at: now
		})
		.onConflict((conflict) =>
			// The predicate as a literal: SQLite matches a partial index only on the same text.
			conflict.columns(['club_id', 'user_id']).where('status', '=', sql.lit('pending')).doNothing()
		)
		.executeTakeFirst();
	return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findPendingJoinRequest(db: Db, clubId: string, requestId: string) {
	return (
		(await db
			.selectFrom('club_join_request')
			.select(['id', 'user_id as userId', 'message'])
			.where('id', '=', requestId)
			.where('club_id', '=', clubId)
			.where('status', '=', 'pending')
			.executeTakeFirst()) ?? null
	);
}

/** Settles the pending request(s) of a person for a club (none: nothing to do). */
export async function decideJoinRequests(
	db: Db,
	clubId: string,
	userId: string,
	status: 'accepted' | 'refused',
	decidedBy: string,
	now = Date.now()
): Promise<void> {
	await db
		.updateTable('club_join_request')
		.set({ status, decided_by: decidedBy, decided_at: now })
		.where('club_id', '=', clubId)
		.where('user_id', '=', userId)
		.where('status', '=', 'pending')
		.execute();
}

/** The documents a club is invited to, by title. */
export async function listClubDocuments(db: Db, clubId: string): Promise<ClubDocument[]> {
	return db
		.selectFrom('document_club')
		.innerJoin('document', 'document.id', 'document_club.document_id')
		.select([
			'document.id',
			'document.title',
			'document.kind',
			'document_club.invited_at as invitedAt'
		])
		.where('document_club.club_id', '=', clubId)
		.orderBy('document.title')
		.execute();
}

export async function invitedDocumentIds(db: Db, clubId: string): Promise<string[]> {
	return (await listClubDocuments(db, clubId)).map((d) => d.id);
}

/** The clubs invited to a document, by name, with their member counts. */
export async function listInvitedClubs(db: Db, documentId: string): Promise<InvitedClub[]> {
	const rows = await db
		.selectFrom('document_club')
		.innerJoin('club', 'club.id', 'document_club.club_id')
		.select((eb) => [
			'club.id',
			'club.name',
			'club.theme',
			'document_club.invited_at as invitedAt',
			eb
				.selectFrom('club_member')
				.select(eb.fn.countAll<number | string>().as('n'))
				.whereRef('club_member.club_id', '=', 'club.id')
				.as('memberCount')
		])
		.where('document_club.document_id', '=', documentId)
		.orderBy('club.name')
		.execute();
	return rows.map((r) => ({ ...r, memberCount: Number(r.memberCount ?? 0) }));
}

/** Invites a club; false when it already was. */
export async function inviteClub(
	db: Db,
	documentId: string,
	clubId: string,
	invitedBy: string,
	now = Date.now()
): Promise<boolean> {
	const result = await db
		.insertInto('document_club')
		.values({ document_id: documentId, club_id: clubId, invited_by: invitedBy, invited_at: now })
		.onConflict((conflict) => conflict.columns(['document_id', 'club_id']).doNothing())
		.executeTakeFirst();
	return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function uninviteClub(db: Db, documentId: string, clubId: string): Promise<boolean> {
	const result = await db
		.deleteFrom('document_club')
		.where('document_id', '=', documentId)
		.where('club_id', '=', clubId)
		.executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

/** The territory's clubs by name, for a choice list. */
export async function listTerritoryClubs(
	db: Db,
	territoryId: string
): Promise<{ id: string; name: string }[]> {
	const clubs = await db
		.selectFrom('club')
		.select(['id', 'name'])
		.where('territory_id', '=', territoryId)
		.execute();
	return clubs.sort((a, b) => byName(a.name, b.name));
}
