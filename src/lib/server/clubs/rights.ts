// A club changes rights on every document it is invited to: its members are annotators there
// (documents/access.ts reads membership live). A command watches the roles of the people it
// touches before and after its write, so that only sockets whose rights really changed are
// closed — a co-pilote who joins a club keeps the stronger role and their editor stays open.
import type { Db } from '../db';
import { documentsWithViewerRoles, effectiveRole, type Actor } from '../documents/access';
import type { Role } from '../../documents/vocabulary';
import { closeRightsChanged, type RightsHub } from '../documents/commands/result';

/** The people whose role on one document changed (up, down or removed). */
export interface DocumentRightsChanged {
	documentId: string;
	users: string[];
}

async function actorsOf(db: Db, userIds: string[]): Promise<Actor[]> {
	if (userIds.length === 0) return [];
	return db
		.selectFrom('app_user')
		.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
		.select([
			'app_user.id',
			'app_user.organisation_id as organisationId',
			'app_user.territory_role as territoryRole',
			'organisation.territory_id as territoryId'
		])
		.where('app_user.id', 'in', userIds)
		.execute();
}

/** Each user's role on each document (absent: none), one query per user. */
async function rolesOn(
	db: Db,
	documentIds: string[],
	actors: Actor[]
): Promise<Map<string, Role | null>> {
	const roles = new Map<string, Role | null>();
	if (documentIds.length === 0) return roles;
	for (const actor of actors) {
		const rows = await documentsWithViewerRoles(db, actor)
			.select(['document.id as documentId', 'document.territory_id as territoryId'])
			.where('document.id', 'in', documentIds)
			.execute();
		for (const row of rows)
			if (row.territoryId === actor.territoryId)
				roles.set(`${row.documentId} ${actor.id}`, effectiveRole(actor, row));
	}
	return roles;
}

/**
 * Call before the write with the documents and people it may affect; `changed()` after it (in
 * the same transaction) tells whose role differs now.
 */
export async function watchRights(db: Db, documentIds: string[], userIds: string[]) {
	const documents = [...new Set(documentIds)];
	const actors = await actorsOf(db, [...new Set(userIds)]);
	const before = await rolesOn(db, documents, actors);
	return {
		async changed(): Promise<DocumentRightsChanged[]> {
			const after = await rolesOn(db, documents, actors);
			const changes: DocumentRightsChanged[] = [];
			for (const documentId of documents) {
				const users = actors
					.map((a) => a.id)
					.filter((id) => {
						const key = `${documentId} ${id}`;
						return (before.get(key) ?? null) !== (after.get(key) ?? null);
					});
				if (users.length) changes.push({ documentId, users });
			}
			return changes;
		}
	};
}

/**
 * Closes the open editors of everyone whose role changed (4509) on each document: they
 * reconnect and are authorised again. Call it once the command has committed (as
 * closeRightsChanged). Returns how many sockets were closed.
 */
export function closeRightsChangedOn(
	hub: RightsHub | null,
	changes: DocumentRightsChanged[]
): number {
	let closed = 0;
	for (const { documentId, users } of changes)
		closed += closeRightsChanged(hub, documentId, { users, organisations: [] });
	return closed;
}
