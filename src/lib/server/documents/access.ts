// One access policy for both doors: HTTP routes and the collaboration websocket call this.
import type { Db } from '../db';
import type { DocumentRole } from '../db/schema';

export interface Actor {
	id: string;
	territoryId: string;
}

export type DocumentAccess =
	| { status: 'not_found' }
	| { status: 'forbidden' }
	| { status: 'granted'; role: DocumentRole; canEdit: boolean; canManage: boolean };

export async function documentAccess(db: Db, actor: Actor, documentId: string): Promise<DocumentAccess> {
	const row = await db
		.selectFrom('document')
		.leftJoin('document_member', (join) =>
			join.onRef('document_member.document_id', '=', 'document.id').on('document_member.user_id', '=', actor.id)
		)
		.select(['document.territory_id as territoryId', 'document_member.role as role'])
		.where('document.id', '=', documentId)
		.executeTakeFirst();
	// A document of another territory does not exist for this user: no hint that the id is valid.
	if (!row || row.territoryId !== actor.territoryId) return { status: 'not_found' };
	if (!row.role) return { status: 'forbidden' };
	const canEdit = row.role === 'editor';
	return { status: 'granted', role: row.role, canEdit, canManage: canEdit };
}
