// One access policy for both doors: HTTP routes and the collaboration websocket call this.
import type { Db } from '../db';
import type { TerritoryRole } from '../db/schema';
import { strongestRole, type Role } from '../../documents/vocabulary';

export interface Actor {
	id: string;
	territoryId: string;
	organisationId: string;
	territoryRole: TerritoryRole;
}

export interface Granted {
	status: 'granted';
	role: Role;
	/** Co-writes the text (co-pilotes and rédacteurs). */
	canEdit: boolean;
	/** Comments (everyone but readers). */
	canAnnotate: boolean;
	/** Participants, settings, metadata: the binôme. */
	canManage: boolean;
	/** Who may replace the binôme: the binôme itself or the direction. */
	canChangeBinome: boolean;
}

export type DocumentAccess = { status: 'not_found' } | { status: 'forbidden' } | Granted;

export function grant(role: Role, actor: Pick<Actor, 'territoryRole'>): Granted {
	const canManage = role === 'colead';
	return {
		status: 'granted',
		role,
		canEdit: role === 'colead' || role === 'editor',
		canAnnotate: role !== 'reader',
		canManage,
		canChangeBinome: canManage || actor.territoryRole === 'direction'
	};
}

/**
 * The role a user has on a document of their territory: the strongest of their own and their
 * organisation's participation; the direction générale reads everything. Null: no access.
 */
export function effectiveRole(
	actor: Pick<Actor, 'territoryRole'>,
	personalRole: Role | null,
	organisationRole: Role | null
): Role | null {
	return strongestRole(
		personalRole,
		organisationRole,
		actor.territoryRole === 'direction' ? 'reader' : null
	);
}

/**
 * Documents beside the viewer's own and organisation's participation (null when none): the
 * join the policy decides on. Every query that tells a viewer's role starts here, so the
 * dashboard and the policy cannot drift apart.
 */
export function documentsWithViewerRoles(db: Db, viewer: Pick<Actor, 'id' | 'organisationId'>) {
	return db
		.selectFrom('document')
		.leftJoin('document_member', (join) =>
			join
				.onRef('document_member.document_id', '=', 'document.id')
				.on('document_member.user_id', '=', viewer.id)
		)
		.leftJoin('document_org_member', (join) =>
			join
				.onRef('document_org_member.document_id', '=', 'document.id')
				.on('document_org_member.organisation_id', '=', viewer.organisationId)
		)
		.select([
			'document_member.role as personalRole',
			'document_org_member.role as organisationRole'
		]);
}

export async function documentAccess(
	db: Db,
	actor: Actor,
	documentId: string
): Promise<DocumentAccess> {
	const row = await documentsWithViewerRoles(db, actor)
		.select('document.territory_id as territoryId')
		.where('document.id', '=', documentId)
		.executeTakeFirst();
	// A document of another territory does not exist for this user: no hint that the id is valid.
	if (!row || row.territoryId !== actor.territoryId) return { status: 'not_found' };
	const role = effectiveRole(actor, row.personalRole, row.organisationRole);
	if (!role) return { status: 'forbidden' };
	return grant(role, actor);
}
