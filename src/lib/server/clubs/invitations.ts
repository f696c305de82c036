// A document's co-pilotes invite clubs of the territory to annotate it: every member becomes an
// annotator (unless they hold a stronger role) for as long as both the invitation and their
// membership last (documents/access.ts reads them live). These are document commands: their
// result goes through the document page's settle(), which closes the changed sockets.
import { inTransaction, type Db } from '../db';
import type { Actor } from '../documents/access';
import {
	authorize,
	COLEADS_ONLY,
	done,
	invalid,
	text,
	type CommandResult
} from '../documents/commands/result';
import * as queries from './queries';
import { watchRights } from './rights';

const canManage = (access: { canManage: boolean }) => access.canManage;

export function inviteClub(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { clubId: unknown }
): Promise<CommandResult> {
	return inTransaction(db, async (trx) => {
		const refused = await authorize(trx, actor, documentId, canManage, COLEADS_ONLY);
		if (refused) return refused;
		const clubId = text(input.clubId);
		const club = clubId ? await queries.getClub(trx, actor.territoryId, clubId) : null;
		if (!club) return invalid(400, 'Choisissez un club du territoire.', 'clubId');
		const watch = await watchRights(trx, [documentId], await queries.memberIds(trx, club.id));
		if (!(await queries.inviteClub(trx, documentId, club.id, actor.id)))
			return invalid(400, `Le club « ${club.name} » est déjà invité.`, 'clubId');
		const [changed] = await watch.changed();
		return done(
			documentId,
			`Le club « ${club.name} » est invité : ses membres peuvent annoter le document.`,
			{ users: changed?.users ?? [] }
		);
	});
}

export function uninviteClub(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { clubId: unknown }
): Promise<CommandResult> {
	return inTransaction(db, async (trx) => {
		const refused = await authorize(trx, actor, documentId, canManage, COLEADS_ONLY);
		if (refused) return refused;
		const clubId = text(input.clubId);
		const club = clubId ? await queries.getClub(trx, actor.territoryId, clubId) : null;
		if (!club) return invalid(404, 'Ce club n’est pas invité sur ce document.', 'clubId');
		const watch = await watchRights(trx, [documentId], await queries.memberIds(trx, club.id));
		if (!(await queries.uninviteClub(trx, documentId, club.id)))
			return invalid(404, 'Ce club n’est pas invité sur ce document.', 'clubId');
		const [changed] = await watch.changed();
		return done(documentId, `Le club « ${club.name} » n’est plus invité sur ce document.`, {
			users: changed?.users ?? []
		});
	});
}
