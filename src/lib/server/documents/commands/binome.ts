import { inTransaction, type Db } from '../../db';
import { findTerritoryUser } from '../../territory/queries';
import type { Actor } from '../access';
import * as queries from '../queries';
import { checkBinome } from '../rules';
import { authorize, done, invalid, text, type CommandResult } from './result';

/**
 * Replaces the binôme with one person of the intercommunality (`epci`) and one of a member
 * commune (`commune`). Former co-pilotes stay as rédacteurs; everyone whose role changed,
 * either way, is in `rightsChanged`.
 */
export function setBinome(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { epci: unknown; commune: unknown }
): Promise<CommandResult> {
	return inTransaction(db, async (trx) => {
		const denied = await authorize(
			trx,
			actor,
			documentId,
			(a) => a.canChangeBinome,
			'Seuls le binôme lui-même et la direction générale peuvent changer le binôme.'
		);
		if (denied) return denied;
		const first = await findTerritoryUser(trx, actor.territoryId, text(input.epci));
		const second = await findTerritoryUser(trx, actor.territoryId, text(input.commune));
		if (!first) return invalid(400, 'Choisissez le co-pilote de l’intercommunalité.', 'epci');
		if (first.organisationKind !== 'epci')
			return invalid(400, 'Le premier co-pilote doit appartenir à l’intercommunalité.', 'epci');
		const problem = checkBinome(first, second);
		if (problem) return invalid(400, problem, 'commune');
		const changed = await queries.setBinome(trx, documentId, [first.id, second!.id], actor.id);
		return done(documentId, `Binôme : ${first.displayName} et ${second!.displayName}.`, {
			users: changed
		});
	});
}
