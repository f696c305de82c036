// The viewer's access as the open editor knows it, and how a change is told to them.
import { ROLE_LABELS, type Role } from '$lib/documents/vocabulary';

export interface Access {
	role: Role;
	canEdit: boolean;
}

export const KEPT_ASIDE = 'Vos modifications non envoyées sont mises de côté.';
/** Offline edits merged into a passage someone removed meanwhile (a restore, a deletion). */
export const REMOVED_WHILE_OFFLINE =
	'Un passage que vous aviez modifié hors connexion a été supprimé entre-temps (par exemple par la restauration d’une version) : votre texte est mis de côté ci-dessous.';

/** The French notice shown when the open page learns that the user's role changed. */
export function roleChangeNotice(before: Access, after: Access, keptAside: boolean): string {
	const parts = [
		`Votre rôle a changé : vous êtes désormais ${ROLE_LABELS[after.role].toLowerCase()}.`
	];
	if (after.canEdit && !before.canEdit) parts.push('Vous pouvez maintenant modifier le texte.');
	if (!after.canEdit && before.canEdit) parts.push('Le texte passe en lecture seule.');
	if (keptAside) parts.push(KEPT_ASIDE);
	return parts.join(' ');
}
