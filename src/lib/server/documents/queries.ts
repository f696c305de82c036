import { sql } from 'kysely';
import { inTransaction, type Db } from '../db';
import type { DocumentRole, OrganisationRole } from '../db/schema';
import { newId } from '../ids';
import { ROLE_RANK, type DocumentKind, type Role } from '../../documents/vocabulary';
import { appendUpdates } from './journal';
import { documentsWithViewerRoles, effectiveRole, participates, type Actor } from './access';

export interface DocumentSummary {
	id: string;
	title: string;
	kind: string;
	theme: string | null;
	status: string;
	summary: string;
	dueDate: string | null;
	createdAt: number;
	updatedAt: number;
	/** The viewer's effective role, or null when the viewer may not open it. */
	role: Role | null;
	/** Personal or organisation participation (not only the direction's right to read). */
	participates: boolean;
	coleads: { id: string; name: string; organisationId: string; organisationName: string }[];
	organisationIds: string[];
}

/** EPCI co-pilote first, then the commune's: the binôme reads the same way everywhere. */
export function epciFirst(
	a: { organisationKind: 'epci' | 'commune' },
	b: { organisationKind: 'epci' | 'commune' }
): number {
	return a.organisationKind === b.organisationKind ? 0 : a.organisationKind === 'epci' ? -1 : 1;
}

export interface DocumentMember {
	userId: string;
	displayName: string;
	jobTitle: string;
	organisationId: string;
	organisationName: string;
	organisationKind: 'epci' | 'commune';
	role: DocumentRole;
}

export interface OrganisationMember {
	organisationId: string;
	organisationName: string;
	role: OrganisationRole;
}

export interface NewDocument {
	title: string;
	kind: DocumentKind;
	theme: string | null;
	summary: string;
	dueDate: string | null;
	organisationIds: string[];
	/** The other half of the binôme; the creator is the first. */
	partnerId: string;
}

/** Every document of the viewer's territory, most recently active first, with the viewer's effective role. */
export async function listTerritoryDocuments(db: Db, viewer: Actor): Promise<DocumentSummary[]> {
	const rows = await documentsWithViewerRoles(db, viewer)
		.select([
			'document.id',
			'document.title',
			'document.kind',
			'document.theme',
			'document.status',
			'document.summary',
			'document.due_date as dueDate',
			'document.created_at as createdAt',
			'document.updated_at as updatedAt'
		])
		.where('document.territory_id', '=', viewer.territoryId)
		.orderBy('document.updated_at', 'desc')
		.execute();
	if (rows.length === 0) return [];
	const ids = rows.map((r) => r.id);
	const coleads = await db
		.selectFrom('document_member')
		.innerJoin('app_user', 'app_user.id', 'document_member.user_id')
		.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
		.select([
			'document_member.document_id as documentId',
			'app_user.id',
			'app_user.display_name as name',
			'organisation.id as organisationId',
			'organisation.name as organisationName',
			'organisation.kind as organisationKind'
		])
		.where('document_member.role', '=', 'colead')
		.where('document_member.document_id', 'in', ids)
		.execute();
	const concerned = await db
		.selectFrom('document_organisation')
		.select(['document_id', 'organisation_id'])
		.where('document_id', 'in', ids)
		.execute();
	return rows.map((r) => ({
		id: r.id,
		title: r.title,
		kind: r.kind,
		theme: r.theme,
		status: r.status,
		summary: r.summary,
		dueDate: r.dueDate,
		createdAt: Number(r.createdAt),
		updatedAt: Number(r.updatedAt),
		role: effectiveRole(viewer, r),
		participates: participates(r),
		coleads: coleads
			.filter((c) => c.documentId === r.id)
			.sort(epciFirst)
			.map(({ id, name, organisationId, organisationName }) => ({
				id,
				name,
				organisationId,
				organisationName
			})),
		organisationIds: concerned.filter((c) => c.document_id === r.id).map((c) => c.organisation_id)
	}));
}

export async function getDocument(db: Db, documentId: string) {
	const row = await db
		.selectFrom('document')
		.select([
			'id',
			'title',
			'kind',
			'theme',
			'status',
			'summary',
			'due_date as dueDate',
			'territory_id as territoryId',
			'created_by as createdBy',
			'created_at as createdAt',
			'updated_at as updatedAt'
		])
		.where('id', '=', documentId)
		.executeTakeFirst();
	if (!row) return null;
	const organisations = await db
		.selectFrom('document_organisation')
		.select('organisation_id')
		.where('document_id', '=', documentId)
		.execute();
	return {
		...row,
		createdAt: Number(row.createdAt),
		updatedAt: Number(row.updatedAt),
		organisationIds: organisations.map((o) => o.organisation_id)
	};
}

/** Creates a document with its binôme (creator + partner as co-pilotes); `initialContent` is a Yjs update. Inputs must be validated. */
export async function createDocument(
	db: Db,
	creator: { id: string; territoryId: string },
	input: NewDocument,
	initialContent?: Uint8Array,
	now = Date.now()
): Promise<string> {
	const id = newId();
	await inTransaction(db, async (trx) => {
		await trx
			.insertInto('document')
			.values({
				id,
				territory_id: creator.territoryId,
				title: input.title,
				kind: input.kind,
				theme: input.theme,
				summary: input.summary,
				due_date: input.dueDate,
				status: 'brouillon',
				created_by: creator.id,
				created_at: now,
				updated_at: now
			})
			.execute();
		await trx
			.insertInto('document_member')
			.values(
				[creator.id, input.partnerId].map((userId) => ({
					document_id: id,
					user_id: userId,
					role: 'colead' as const,
					added_by: creator.id,
					added_at: now
				}))
			)
			.execute();
		if (input.organisationIds.length) {
			await trx
				.insertInto('document_organisation')
				.values(
					input.organisationIds.map((organisationId) => ({
						document_id: id,
						organisation_id: organisationId
					}))
				)
				.execute();
		}
		// The template's text is nobody's writing: stored as the server's (no author), so that
		// « Qui a écrit ce passage ? » and the contributions do not credit it to the creator.
		if (initialContent)
			await appendUpdates(trx, id, 0, [{ userId: null, data: initialContent }], now);
	});
	return id;
}

export async function updateMetadata(
	db: Db,
	documentId: string,
	input: Omit<NewDocument, 'partnerId' | 'kind'>,
	now = Date.now()
): Promise<void> {
	await inTransaction(db, async (trx) => {
		await trx
			.updateTable('document')
			.set({
				title: input.title,
				theme: input.theme,
				summary: input.summary,
				due_date: input.dueDate,
				updated_at: now
			})
			.where('id', '=', documentId)
			.execute();
		await trx.deleteFrom('document_organisation').where('document_id', '=', documentId).execute();
		if (input.organisationIds.length) {
			await trx
				.insertInto('document_organisation')
				.values(
					input.organisationIds.map((organisationId) => ({
						document_id: documentId,
						organisation_id: organisationId
					}))
				)
				.execute();
		}
	});
	await syncSearchTitle(db, documentId, input.title);
}

async function syncSearchTitle(db: Db, documentId: string, title: string): Promise<void> {
	await db
		.updateTable('document_search')
		.set({ title })
		.where('document_id', '=', documentId)
		.execute();
}

export async function listMembers(db: Db, documentId: string): Promise<DocumentMember[]> {
	const rows = await db
		.selectFrom('document_member')
		.innerJoin('app_user', 'app_user.id', 'document_member.user_id')
		.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
		.select([
			'app_user.id as userId',
			'app_user.display_name as displayName',
			'app_user.job_title as jobTitle',
			'organisation.id as organisationId',
			'organisation.name as organisationName',
			'organisation.kind as organisationKind',
			'document_member.role as role'
		])
		.where('document_member.document_id', '=', documentId)
		.orderBy('app_user.display_name')
		.execute();
	// Strongest role first (co-pilotes, rédacteurs, annotateurs, lecteurs), by name within a role.
	return rows.sort((a, b) => ROLE_RANK[b.role] - ROLE_RANK[a.role]);
}

export async function listOrganisationMembers(
	db: Db,
	documentId: string
): Promise<OrganisationMember[]> {
	return db
		.selectFrom('document_org_member')
		.innerJoin('organisation', 'organisation.id', 'document_org_member.organisation_id')
		.select([
			'organisation.id as organisationId',
			'organisation.name as organisationName',
			'document_org_member.role as role'
		])
		.where('document_org_member.document_id', '=', documentId)
		.orderBy('organisation.name')
		.execute();
}

/** Who takes part in a document: one user, or every person of one organisation. */
type Participant = { userId: string } | { organisationId: string };

/**
 * Adds a participant or changes their role; returns the previous role (null: newly added).
 * Users and organisations share the row shape, only the table and key column differ (and each
 * table holds only its own kind of role, hence R for the previous one).
 */
async function setParticipantRole<R extends DocumentRole>(
	db: Db,
	documentId: string,
	participant: Participant,
	role: R,
	addedBy: string,
	now: number
): Promise<R | null> {
	const [table, column, id] =
		'userId' in participant
			? (['document_member', 'user_id', participant.userId] as const)
			: (['document_org_member', 'organisation_id', participant.organisationId] as const);
	return inTransaction(db, async (trx) => {
		const existing = await trx
			.selectFrom(table)
			.select('role')
			.where('document_id', '=', documentId)
			.where(column, '=', id)
			.executeTakeFirst();
		// An upsert, not "insert if the select found nothing": on PostgreSQL two requests adding
		// the same person at once both find nothing, and a plain insert would fail the second.
		await trx
			.insertInto(table)
			.values({ document_id: documentId, [column]: id, role, added_by: addedBy, added_at: now })
			.onConflict((conflict) => conflict.columns(['document_id', column]).doUpdateSet({ role }))
			.execute();
		return (existing?.role as R | undefined) ?? null;
	});
}

/** Adds a participant or changes their role (never a co-pilote: see setBinome). Returns the previous role. */
export function setMember(
	db: Db,
	documentId: string,
	userId: string,
	role: DocumentRole,
	addedBy: string,
	now = Date.now()
): Promise<DocumentRole | null> {
	return setParticipantRole(db, documentId, { userId }, role, addedBy, now);
}

export async function removeMember(db: Db, documentId: string, userId: string): Promise<boolean> {
	const result = await db
		.deleteFrom('document_member')
		.where('document_id', '=', documentId)
		.where('user_id', '=', userId)
		.executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

export function setOrganisationMember(
	db: Db,
	documentId: string,
	organisationId: string,
	role: OrganisationRole,
	addedBy: string,
	now = Date.now()
): Promise<OrganisationRole | null> {
	return setParticipantRole(db, documentId, { organisationId }, role, addedBy, now);
}

export async function removeOrganisationMember(
	db: Db,
	documentId: string,
	organisationId: string
): Promise<boolean> {
	const result = await db
		.deleteFrom('document_org_member')
		.where('document_id', '=', documentId)
		.where('organisation_id', '=', organisationId)
		.executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

/**
 * Replaces the binôme. Former co-pilotes who leave it stay as rédacteurs: they keep writing,
 * they no longer steer. Returns the ids whose role changed.
 */
export async function setBinome(
	db: Db,
	documentId: string,
	pair: [string, string],
	by: string,
	now = Date.now()
): Promise<string[]> {
	return inTransaction(db, async (trx) => {
		const current = await trx
			.selectFrom('document_member')
			.select('user_id')
			.where('document_id', '=', documentId)
			.where('role', '=', 'colead')
			.execute();
		const changed: string[] = [];
		for (const { user_id } of current) {
			if (pair.includes(user_id)) continue;
			await trx
				.updateTable('document_member')
				.set({ role: 'editor' })
				.where('document_id', '=', documentId)
				.where('user_id', '=', user_id)
				.execute();
			changed.push(user_id);
		}
		for (const userId of pair) {
			if (current.some((c) => c.user_id === userId)) continue;
			await setMember(trx, documentId, userId, 'colead', by, now);
			changed.push(userId);
		}
		return changed;
	});
}

export interface AccessRequest {
	id: string;
	userId: string;
	displayName: string;
	jobTitle: string;
	organisationName: string;
	message: string;
	createdAt: number;
}

/** Pending access requests of a document, oldest first: the binôme answers them in order. */
export async function listPendingAccessRequests(
	db: Db,
	documentId: string
): Promise<AccessRequest[]> {
	const rows = await db
		.selectFrom('document_access_request')
		.innerJoin('app_user', 'app_user.id', 'document_access_request.user_id')
		.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
		.select([
			'document_access_request.id',
			'app_user.id as userId',
			'app_user.display_name as displayName',
			'app_user.job_title as jobTitle',
			'organisation.name as organisationName',
			'document_access_request.message',
			'document_access_request.created_at as createdAt'
		])
		.where('document_access_request.document_id', '=', documentId)
		.where('document_access_request.status', '=', 'pending')
		.orderBy('document_access_request.created_at')
		.orderBy('document_access_request.id')
		.execute();
	return rows.map((r) => ({ ...r, createdAt: Number(r.createdAt) }));
}

/** When this user's pending request for the document was made, or null. */
export async function pendingAccessRequestOf(
	db: Db,
	documentId: string,
	userId: string
): Promise<number | null> {
	const row = await db
		.selectFrom('document_access_request')
		.select('created_at')
		.where('document_id', '=', documentId)
		.where('user_id', '=', userId)
		.where('status', '=', 'pending')
		.executeTakeFirst();
	return row ? Number(row.created_at) : null;
}

/**
 * Stores a pending request; false when one was already pending (the partial unique index
 * decides, so two clicks at the same instant on PostgreSQL still make one request).
 */
export async function insertAccessRequest(
	db: Db,
	documentId: string,
	userId: string,
	message: string,
	now = Date.now()
): Promise<boolean> {
	const result = await db
		.insertInto('document_access_request')
		.values({
			id: newId(),
			document_id: documentId,
			user_id: userId,
			message,
			status: 'pending',
			created_at: now
		})
		.onConflict((conflict) =>
			// The predicate as a literal: SQLite matches a partial index only on the same text.
			conflict
				.columns(['document_id', 'user_id'])
				.where('status', '=', sql.lit('pending'))
				.doNothing()
		)
		.executeTakeFirst();
	return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findPendingAccessRequest(db: Db, documentId: string, requestId: string) {
	return db
		.selectFrom('document_access_request')
		.select(['id', 'user_id as userId'])
		.where('id', '=', requestId)
		.where('document_id', '=', documentId)
		.where('status', '=', 'pending')
		.executeTakeFirst();
}

export async function decideAccessRequest(
	db: Db,
	requestId: string,
	status: 'accepted' | 'refused',
	decidedBy: string,
	now = Date.now()
): Promise<void> {
	await db
		.updateTable('document_access_request')
		.set({ status, decided_by: decidedBy, decided_at: now })
		.where('id', '=', requestId)
		.where('status', '=', 'pending')
		.execute();
}
