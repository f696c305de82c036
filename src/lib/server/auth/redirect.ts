// Where to go after signing in. An open redirect there would be a phishing gift: « sign in to
// Assemblier » landing on a look-alike site. Browsers drop tabs and newlines from URLs, so
// `/\t/evil.example` becomes `//evil.example` (another host) — string prefix checks miss it. The
// target is parsed with the URL API against our own origin, must stay on it, and must be one of
// our pages; anything else goes to the home page.

const OWN_ORIGIN = 'http://assemblier.invalid';
const DOCUMENT_ID = '[a-z2-7]{16}';
const KNOWN_PAGES = [
	/^\/$/,
	/^\/documents$/,
	/^\/documents\/nouveau$/,
	new RegExp(`^/documents/${DOCUMENT_ID}(/demande-acces)?$`),
	/^\/admin\/modeles$/,
	/^\/admin\/modeles\/[a-z0-9-]{1,64}$/
];

function hasControlOrBackslash(value: string): boolean {
	for (const char of value) {
		const code = char.charCodeAt(0);
		if (code < 0x20 || code === 0x7f || char === '\\') return true;
	}
	return false;
}

export function safeRedirect(target: string | null | undefined): string {
	// Control characters (tab, newline…) and backslashes have no place in our own paths.
	if (!target || !target.startsWith('/') || hasControlOrBackslash(target)) return '/';
	let url: URL;
	try {
		url = new URL(target, OWN_ORIGIN);
	} catch {
		return '/';
	}
	if (url.origin !== OWN_ORIGIN) return '/';
	if (!KNOWN_PAGES.some((page) => page.test(url.pathname))) return '/';
	return url.pathname + url.search;
}
