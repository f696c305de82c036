// What each role allows, in the words shown beside the role selectors and to the viewer.
import type { Role } from '$lib/documents/vocabulary';

/** Said to the person who holds the role (« Votre rôle »). */
export const YOUR_ROLE: Record<Role, string> = {
	colead:
		'Co-pilote : vous écrivez, vous gérez les participants, les réglages et les demandes d’accès.',
	editor: 'Rédacteur : vous écrivez dans le document avec le binôme.',
	// Comments do not exist yet: say what the role will bring rather than leave a dead end.
	annotator:
		'Annotateur : vous pourrez commenter le document (commentaires à venir) ; vous ne modifiez pas le texte.',
	reader: 'Lecteur : vous lisez le document et suivez les modifications en direct.'
};

/** Said to the binôme when it chooses a role for someone. */
export const ROLE_HELP =
	'Rédacteur : écrit dans le document. Annotateur : pourra commenter le document (commentaires à venir), sans modifier le texte. Lecteur : lit le document.';
