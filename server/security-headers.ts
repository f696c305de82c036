// The security headers every HTTP answer of the process carries: pages, static assets, the
// shell's own answers (413, 503) and refused collaboration upgrades. The shell sets them on each
// response before anything else writes (server/app-server.ts); the collaboration server writes
// its refusals straight on the socket and takes them from here (securityHeaderLines). The
// Content-Security-Policy of pages is SvelteKit's (svelte.config.js, a nonce per page); answers
// that the shell or the collaboration server write themselves get STANDALONE_CSP.
// Stateless, no import: bundled into the shell (server/scripts/build-server.js allows it) and
// into the SvelteKit bundle alike.

/** Static headers, the same for every answer. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
	// Never framed (clickjacking); CSP's frame-ancestors 'none' says it again for pages.
	'X-Frame-Options': 'DENY',
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'same-origin',
	// Powerful features nobody here uses: refused for the page and anything it could embed.
	'Permissions-Policy':
		'camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()',
	// No other site's window keeps a handle on ours; no other site may embed our files.
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Resource-Policy': 'same-origin'
});

/**
 * HTTPS only (ORIGIN in https): browsers remember for a year to never try plain HTTP. Without
 * includeSubDomains: the agglomeration's other sub-domains are not ours to decide.
 */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';

/** For answers that are not SvelteKit pages: nothing may load, run or frame them. */
export const STANDALONE_CSP =
	"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The headers for an answer of this process; HSTS when the public origin is HTTPS. */
export function securityHeaders(
	origin: string | undefined = process.env.ORIGIN
): Record<string, string> {
	return origin?.startsWith('https://')
		? { ...SECURITY_HEADERS, 'Strict-Transport-Security': STRICT_TRANSPORT_SECURITY }
		: { ...SECURITY_HEADERS };
}

/**
 * The same headers as raw HTTP/1.1 lines (each ending in CRLF), with STANDALONE_CSP, for answers
 * written straight on a socket (a refused websocket upgrade).
 */
export function securityHeaderLines(origin: string | undefined = process.env.ORIGIN): string {
	const headers = { ...securityHeaders(origin), 'Content-Security-Policy': STANDALONE_CSP };
	return Object.entries(headers)
		.map(([name, value]) => `${name}: ${value}\r\n`)
		.join('');
}

/**
 * The page's CSP with the collaboration websocket's origin named beside 'self' in connect-src:
 * CSP 3 makes 'self' match ws:/wss: on the same host (Chromium, Firefox), older engines did
 * not. `pageUrl` is the page's own URL (ORIGIN, else the Host header), so nothing foreign.
 */
export function withCollabSocketOrigin(csp: string, pageUrl: URL): string {
	const socketOrigin = `${pageUrl.protocol === 'https:' ? 'wss:' : 'ws:'}//${pageUrl.host}`;
	return csp.replace(/(^|;\s*)connect-src 'self'/, `$1connect-src 'self' ${socketOrigin}`);
}
