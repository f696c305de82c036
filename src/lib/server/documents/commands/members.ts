// Participants: people and whole organisations to whom the binôme grants a role. Co-pilotes
// are not granted here: they change only with the binôme (binome.ts).
import { inTransaction, type Db } from '../../db';
import { findTerritoryUser, listOrganisations } from '../../territory/queries';
import { isGrantableRole, type GrantableRole } from '../../../documents/vocabulary';
import type { Actor } from '../access';
import * as queries from '../queries';
import { authorize, COLEADS_ONLY, done, invalid, text, type CommandResult } from './result';

const CHOOSE_ROLE = 'Choisissez un rôle : rédacteur, annotateur ou lecteur.';
const canManage = (access: { canManage: boolean }) => access.canManage;

/**
 * What a participant change replaced: the role before it (null: was not taking part), so the
 * page can offer to undo it through the same commands.
 */
export type Previous = { previousRole: GrantableRole | null };

/** Adds a person of the territory with a role, or changes the role of a participant. */
export function setMember(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { userId: unknown; role: unknown }
): Promise<CommandResult<Previous>> {
	return inTransaction(db, async (trx) => {
		const denied = await authorize(trx, actor, documentId, canManage, COLEADS_ONLY);
		if (denied) return denied;
		const { role } = input;
		if (!isGrantableRole(role)) return invalid(400, CHOOSE_ROLE, 'role');
		const userId = text(input.userId);
		const target = userId ? await findTerritoryUser(trx, actor.territoryId, userId) : null;
		if (!target) return invalid(400, 'Choisissez une personne du territoire.', 'userId');
		const current = (await queries.listMembers(trx, documentId)).find((m) => m.userId === userId);
		if (current?.role === 'colead')
			return invalid(400, 'Un co-pilote change de rôle en changeant le binôme.', 'role');
		await queries.setMember(trx, documentId, userId, role, actor.id);
		// Raised rights count too: an open editor keeps the rights it connected with until it reconnects.
		const changed = current && current.role !== role ? [userId] : [];
		return {
			...done(
				documentId,
				current
					? `Le rôle de ${target.displayName} a été modifié.`
					: `${target.displayName} a été ajouté(e).`,
				{ users: changed }
			),
			previousRole: (current?.role as GrantableRole | undefined) ?? null
		};
	});
}

export function removeMember(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { userId: unknown }
): Promise<CommandResult<Previous>> {
	return inTransaction(db, async (trx) => {
		const denied = await authorize(trx, actor, documentId, canManage, COLEADS_ONLY);
		if (denied) return denied;
		const userId = text(input.userId);
		const target = (await queries.listMembers(trx, documentId)).find((m) => m.userId === userId);
		if (!target) return invalid(404, 'Cette personne ne participe pas au document.', 'userId');
		if (target.role === 'colead')
			return invalid(
				400,
				'Un co-pilote ne peut pas être retiré : changez d’abord le binôme.',
				'userId'
			);
		await queries.removeMember(trx, documentId, userId);
		return {
			...done(documentId, `${target.displayName} ne participe plus au document.`, {
				users: [userId]
			}),
			previousRole: target.role
		};
	});
}

/** Gives every person of an organisation of the territory a role, or changes it. */
export function setOrganisation(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { organisationId: unknown; role: unknown }
): Promise<CommandResult<Previous>> {
	return inTransaction(db, async (trx) => {
		const denied = await authorize(trx, actor, documentId, canManage, COLEADS_ONLY);
		if (denied) return denied;
		const { role } = input;
		if (!isGrantableRole(role)) return invalid(400, CHOOSE_ROLE, 'role');
		const organisationId = text(input.organisationId);
		const organisation = (await listOrganisations(trx, actor.territoryId)).find(
			(o) => o.id === organisationId
		);
		if (!organisation)
			return invalid(400, 'Choisissez une organisation du territoire.', 'organisationId');
		const previous = await queries.setOrganisationMember(
			trx,
			documentId,
			organisationId,
			role,
			actor.id
		);
		const changed = previous && previous !== role ? [organisationId] : [];
		return {
			...done(
				documentId,
				`Toutes les personnes de ${organisation.name} participent désormais au document.`,
				{ organisations: changed }
			),
			previousRole: previous
		};
	});
}

export function removeOrganisation(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { organisationId: unknown }
): Promise<CommandResult<Previous>> {
	return inTransaction(db, async (trx) => {
		const denied = await authorize(trx, actor, documentId, canManage, COLEADS_ONLY);
		if (denied) return denied;
		const organisationId = text(input.organisationId);
		const current = (await queries.listOrganisationMembers(trx, documentId)).find(
			(o) => o.organisationId === organisationId
		);
		if (!current || !(await queries.removeOrganisationMember(trx, documentId, organisationId)))
			return invalid(404, 'Cette organisation ne participe pas au document.', 'organisationId');
		return {
			...done(documentId, 'L’organisation ne participe plus au document.', {
				organisations: [organisationId]
			}),
			previousRole: current.role
		};
	});
}
