// Naming a version (issue 11): a co-pilote, or the direction, gives the document's current
// state a name (« Projet v2 pour le comité d'appui ») and an optional comment.
import { inTransaction, type Db } from '../../db';
import type { Actor } from '../access';
import { recordVersion } from '../versions';
import { authorize, done, invalid, text, type CommandResult } from './result';

export const VERSION_NAME_MAX_LENGTH = 120;
export const VERSION_COMMENT_MAX_LENGTH = 1_000;
export const VERSION_STEERS_ONLY =
	'Seuls le binôme de co-pilotes et la direction générale nomment et restaurent des versions.';

export function nameVersion(
	db: Db,
	actor: Actor,
	documentId: string,
	input: { name: unknown; comment: unknown },
	now = Date.now()
): Promise<CommandResult<{ versionId?: string }>> {
	return inTransaction(db, async (trx) => {
		const denied = await authorize(
			trx,
			actor,
			documentId,
			(a) => a.canChangeBinome,
			VERSION_STEERS_ONLY
		);
		if (denied) return denied;
		const name = text(input.name).trim();
		const comment = text(input.comment).trim();
		if (!name) return invalid(400, 'Donnez un nom à la version.', 'name');
		if (name.length > VERSION_NAME_MAX_LENGTH)
			return invalid(
				400,
				`Le nom d’une version tient en ${VERSION_NAME_MAX_LENGTH} caractères au plus.`,
				'name'
			);
		if (comment.length > VERSION_COMMENT_MAX_LENGTH)
			return invalid(
				400,
				`Le commentaire tient en ${VERSION_COMMENT_MAX_LENGTH} caractères au plus.`,
				'comment'
			);
		const version = await recordVersion(trx, documentId, {
			kind: 'named',
			name,
			comment: comment || null,
			by: actor.id,
			now
		});
		return { ...done(documentId, `Version « ${name} » enregistrée.`), versionId: version?.id };
	});
}
