// Mentions are read by the server from the text itself: « @Isabelle Moreau » names the user of
// the territory whose full name follows the « @ » (the longest name that fits, ending on a
// word boundary). The browser's autocomplete only types that text; no list of ids sent by the
// client is believed.

export interface Named {
	id: string;
	name: string;
}

const LETTER = /[\p{L}\p{N}_-]/u;

/** Composed accents and plain spaces: « É » typed as E + accent, or a no-break space, still match. */
function comparable(text: string): string {
	return text.normalize('NFC').replace(/[\u00a0\u202f]/g, ' ');
}

/** At most this many people mentioned in one message (the rest of the text is left as text). */
export const MAX_MENTIONS = 20;

/**
 * The mentions of `body`, in order of first mention, each once: the ids of the users named
 * (several when namesakes share the name).
 */
export function mentionedIn(text: string, users: readonly Named[]): string[][] {
	if (!text.includes('@') || users.length === 0) return [];
	const body = comparable(text);
	// Longest names first: « @Marie Dupont-Martin » is not « @Marie Dupont ». Folded once.
	const names = users
		.filter((u) => u.name.length > 0)
		.map((u) => ({ id: u.id, name: comparable(u.name).toLocaleLowerCase('fr') }))
		.sort((a, b) => b.name.length - a.name.length);
	const longest = names[0]?.name.length ?? 0;
	const found: string[][] = [];
	const seen = new Set<string>();
	for (
		let at = body.indexOf('@');
		at !== -1 && found.length < MAX_MENTIONS;
		at = body.indexOf('@', at + 1)
	) {
		// An e-mail address is not a mention.
		if (at > 0 && LETTER.test(body[at - 1])) continue;
		// Only as far as the longest name (and the character after it): linear in the text.
		const window = body.slice(at + 1, at + 2 + longest);
		const folded = window.toLocaleLowerCase('fr');
		const match = names.find(
			(u) => folded.startsWith(u.name) && !LETTER.test(window.charAt(u.name.length))
		);
		if (!match || seen.has(match.name)) continue;
		seen.add(match.name);
		found.push(names.filter((u) => u.name === match.name).map((u) => u.id));
	}
	return found;
}
