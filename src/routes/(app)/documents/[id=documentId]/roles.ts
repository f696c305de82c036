// What each role allows, in the words shown beside the role selectors and to the viewer.
import type { Role } from '$lib/documents/vocabulary';

/** Said to the person who holds the role (« Votre rôle »). */
export const YOUR_ROLE: Record<Role, string> = {
	colead:
		'Co-pilote : vous écrivez, vous gérez les participants, les réglages et les demandes d’accès.',
	editor: 'Rédacteur : vous écrivez dans le document avec le binôme.',
	annotator:
		'Annotateur : vous commentez le texte (sélectionnez un passage, puis « Commenter la sélection ») ; vous ne le modifiez pas.',
	reader:
		'Lecteur : vous lisez le document et ses commentaires, et suivez les modifications en direct.'
};

/** Said to the binôme when it chooses a role for someone. */
export const ROLE_HELP =
	'Rédacteur : écrit dans le document. Annotateur : commente le texte, sans le modifier (les membres des clubs invités le sont). Lecteur : lit le document.';
