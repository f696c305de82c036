// Mentions are read by the server from the text itself: « @Isabelle Moreau » names the user of
// the territory whose full name follows the « @ » (the longest name that fits, ending on a
// word boundary). The browser's autocomplete only types that text; no list of ids sent by the
// client is believed.

export interface Named {
	id: string;
	name: string;
}

const LETTER = /[\p{L}\p{N}_-]/u;

/** Ids of the users mentioned in `body`, in order of first mention, each once. */
export function mentionedIn(body: string, users: readonly Named[]): string[] {
	if (!body.includes('@') || users.length === 0) return [];
	// Longest names first: « @Marie Dupont-Martin » is not « @Marie Dupont ».
	const byLength = [...users]
		.filter((u) => u.name.length > 0)
		.sort((a, b) => b.name.length - a.name.length);
	const found: string[] = [];
	for (let at = body.indexOf('@'); at !== -1; at = body.indexOf('@', at + 1)) {
		// An e-mail address is not a mention.
		if (at > 0 && LETTER.test(body[at - 1])) continue;
		const rest = body.slice(at + 1);
		const lower = rest.toLocaleLowerCase('fr');
		const matches = byLength.filter((u) => {
			const name = u.name.toLocaleLowerCase('fr');
			return lower.startsWith(name) && !LETTER.test(rest.charAt(name.length));
		});
		if (matches.length === 0) continue;
		// Namesakes: all of them are mentioned (the reader decides who was meant).
		const length = matches[0].name.length;
		for (const user of matches)
			if (user.name.length === length && !found.includes(user.id)) found.push(user.id);
	}
	return found;
}
