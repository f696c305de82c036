// One access policy for both doors: HTTP routes and the collaboration websocket call this.
import { sql } from 'kysely';
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

/** What the viewer-role join tells of one document. */
export interface ViewerRoles {
	personalRole: Role | null;
	organisationRole: Role | null;
	/** 1 when a club the viewer belongs to is invited to the document (clubs annotate). */
	viaClub: number | string | null;
}

/**
 * The role a user has on a document of their territory: the strongest of their own, their
 * organisation's participation and, as annotator, a club of theirs invited to it; the
 * direction générale reads everything. Null: no access.
 */
export function effectiveRole(
	actor: Pick<Actor, 'territoryRole'>,
	roles: ViewerRoles
): Role | null {
	return strongestRole(
		roles.personalRole,
		roles.organisationRole,
		Number(roles.viaClub ?? 0) > 0 ? 'annotator' : null,
		actor.territoryRole === 'direction' ? 'reader' : null
	);
}

/** Whether the viewer takes part in the document (the direction's reading right aside). */
export function participates(roles: ViewerRoles): boolean {
	return (
		roles.personalRole !== null || roles.organisationRole !== null || Number(roles.viaClub ?? 0) > 0
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
		.select((eb) => [
			'document_member.role as personalRole',
			'document_org_member.role as organisationRole',
			// A club is a group like an organisation: membership counts while it lasts, so
			// leaving the club takes the right away (no copy of the role to forget).
			eb
				.selectFrom('document_club')
				.innerJoin('club_member', 'club_member.club_id', 'document_club.club_id')
				.select(sql<number>`1`.as('one'))
				.whereRef('document_club.document_id', '=', 'document.id')
				.where('club_member.user_id', '=', viewer.id)
				.limit(1)
				.as('viaClub')
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
	const role = effectiveRole(actor, row);
	if (!role) return { status: 'forbidden' };
	return grant(role, actor);
}
