import { inTransaction, type Db } from '../db';
import type { DocumentRole } from '../db/schema';
import { newId } from '../ids';
import { appendUpdates } from './journal';

export const TITLE_MAX_LENGTH = 200;

export interface DocumentSummary {
	id: string;
	title: string;
	createdAt: number;
	updatedAt: number;
	creatorName: string;
	creatorOrganisation: string;
	/** The viewer's role, or null when the viewer does not take part. */
	role: DocumentRole | null;
}

export interface DocumentMember {
	userId: string;
	displayName: string;
	jobTitle: string;
	organisationName: string;
	role: DocumentRole;
}

/** Every document of the viewer's territory, most recently active first, with the viewer's role. */
export async function listTerritoryDocuments(db: Db, viewer: { id: string; territoryId: string }): Promise<DocumentSummary[]> {
	const rows = await db
		.selectFrom('document')
		.innerJoin('app_user as creator', 'creator.id', 'document.created_by')
		.innerJoin('organisation as creator_org', 'creator_org.id', 'creator.organisation_id')
		.leftJoin('document_member', (join) =>
			join.onRef('document_member.document_id', '=', 'document.id').on('document_member.user_id', '=', viewer.id)
		)
		.select([
			'document.id',
			'document.title',
			'document.created_at as createdAt',
			'document.updated_at as updatedAt',
			'creator.display_name as creatorName',
			'creator_org.name as creatorOrganisation',
			'document_member.role as role'
		])
		.where('document.territory_id', '=', viewer.territoryId)
		.orderBy('document.updated_at', 'desc')
		.execute();
	return rows.map((r) => ({ ...r, createdAt: Number(r.createdAt), updatedAt: Number(r.updatedAt), role: r.role ?? null }));
}

export async function getDocument(db: Db, documentId: string) {
	const row = await db
		.selectFrom('document')
		.select(['id', 'title', 'territory_id as territoryId', 'created_by as createdBy', 'created_at as createdAt', 'updated_at as updatedAt'])
		.where('id', '=', documentId)
		.executeTakeFirst();
	return row ? { ...row, createdAt: Number(row.createdAt), updatedAt: Number(row.updatedAt) } : null;
}

export type TitleCheck = { ok: true; title: string } | { ok: false; message: string };

/** Validates a document title; the message is shown to the user as is. */
export function checkTitle(raw: unknown): TitleCheck {
	if (typeof raw !== 'string') return { ok: false, message: 'Indiquez un titre.' };
	const title = raw.replace(/\s+/g, ' ').trim();
	if (!title) return { ok: false, message: 'Indiquez un titre.' };
	if (title.length > TITLE_MAX_LENGTH) return { ok: false, message: `Le titre ne doit pas dépasser ${TITLE_MAX_LENGTH} caractères.` };
	return { ok: true, title };
}

/** Creates a document whose creator is its first editor; `initialContent` is an optional Yjs update. */
export async function createDocument(
	db: Db,
	creator: { id: string; territoryId: string },
	title: string,
	initialContent?: Uint8Array,
	now = Date.now()
): Promise<string> {
	const id = newId();
	await inTransaction(db, async (trx) => {
		await trx
			.insertInto('document')
			.values({ id, territory_id: creator.territoryId, title, created_by: creator.id, created_at: now, updated_at: now })
			.execute();
		await trx
			.insertInto('document_member')
			.values({ document_id: id, user_id: creator.id, role: 'editor', added_by: creator.id, added_at: now })
			.execute();
		if (initialContent) await appendUpdates(trx, id, 0, [{ userId: creator.id, data: initialContent }], now);
	});
	return id;
}

export async function listMembers(db: Db, documentId: string): Promise<DocumentMember[]> {
	return db
		.selectFrom('document_member')
		.innerJoin('app_user', 'app_user.id', 'document_member.user_id')
		.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
		.select([
			'app_user.id as userId',
			'app_user.display_name as displayName',
			'app_user.job_title as jobTitle',
			'organisation.name as organisationName',
			'document_member.role as role'
		])
		.where('document_member.document_id', '=', documentId)
		.orderBy('document_member.role') // editors before readers
		.orderBy('app_user.display_name')
		.execute();
}

/** Adds a participant or changes their role. Returns the previous role (null if newly added). */
export async function setMember(db: Db, documentId: string, userId: string, role: DocumentRole, addedBy: string, now = Date.now()): Promise<DocumentRole | null> {
	return inTransaction(db, async (trx) => {
		const existing = await trx
			.selectFrom('document_member')
			.select('role')
			.where('document_id', '=', documentId)
			.where('user_id', '=', userId)
			.executeTakeFirst();
		if (existing) {
			await trx.updateTable('document_member').set({ role }).where('document_id', '=', documentId).where('user_id', '=', userId).execute();
		} else {
			await trx.insertInto('document_member').values({ document_id: documentId, user_id: userId, role, added_by: addedBy, added_at: now }).execute();
		}
		return existing?.role ?? null;
	});
}

export async function removeMember(db: Db, documentId: string, userId: string): Promise<boolean> {
	const result = await db.deleteFrom('document_member').where('document_id', '=', documentId).where('user_id', '=', userId).executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}
