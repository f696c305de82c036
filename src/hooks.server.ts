// The one door for identity: the session cookie becomes `locals.user` / `locals.session`.
import { building } from '$app/environment';
import { redirect, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { db } from '$lib/server/runtime';
import { startServices } from '../server/services';
import { securityHeaders, withCollabSocketOrigin } from '../server/security-headers';
import { validateSessionToken } from '$lib/server/auth/session';
import { deleteSessionCookie, getSessionToken, setSessionCookie } from '$lib/server/auth/cookie';
import { logRequestLine, UNREADABLE_FORM_MESSAGE } from '$lib/server/http/form';

/** Migrations, demo territory when asked, collaboration server: see server/services.ts. */
export const init: ServerInit = async () => {
	// Not while `vite build` analyses or prerenders: no migration, no socket at build time.
	if (!building) await startServices();
};

export const handle: Handle = async ({ event, resolve }) => {
	// `__Host-assemblier-session` over HTTPS, `assemblier-session` over http (auth/cookie.ts).
	const secure = event.url.protocol === 'https:';
	const token = getSessionToken(event.cookies, secure);
	if (!token) {
		event.locals.user = null;
		event.locals.session = null;
	} else {
		const { session, user } = await validateSessionToken(db(), token);
		if (session) setSessionCookie(event.cookies, token, session.expiresAt, secure);
		else deleteSessionCookie(event.cookies, secure);
		event.locals.user = user;
		event.locals.session = session;
	}
	if (!event.locals.user && !isPublicPath(event.url.pathname)) {
		// Guarded here rather than in a layout: form actions and endpoints run without layout loads.
		if (
			event.request.method === 'GET' &&
			event.request.headers.get('accept')?.includes('text/html')
		) {
			const target = event.url.pathname + event.url.search;
			redirect(
				303,
				`/connexion${target === '/' ? '' : `?redirectTo=${encodeURIComponent(target)}`}`
			);
		}
		return new Response('Authentification requise', {
			status: 401,
			headers: { 'content-type': 'text/plain; charset=utf-8' }
		});
	}
	const response = await resolve(event);
	// The production shell sets these on every answer (server/app-server.ts); set here too for
	// `npm run dev`, where Vite serves. The page's CSP comes from svelte.config.js (kit.csp).
	for (const [name, value] of Object.entries(securityHeaders())) response.headers.set(name, value);
	const csp = response.headers.get('content-security-policy');
	if (csp) response.headers.set('content-security-policy', withCollabSocketOrigin(csp, event.url));
	return response;
};

// A digest's unsubscribe link works without signing in: its signed token is the credential.
const PUBLIC_PATHS = ['/connexion', '/healthz', '/courriels/desabonnement'];
function isPublicPath(pathname: string): boolean {
	return (
		PUBLIC_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`)) ||
		pathname.startsWith('/_app/')
	);
}

/**
 * Unexpected errors (500) are logged whole. A client's error that SvelteKit raises itself (415: a
 * form action posted as something else than a form, 405, 404…) is one line, without stack: an
 * anonymous client must not be able to fill the log with traces. 404s are not logged (scanners).
 */
export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status >= 500) console.error(error);
	else if (status !== 404)
		logRequestLine(status, event.request, error instanceof Error ? error.message : String(error));
	return { message: ERROR_MESSAGES[status] ?? (status < 500 ? REFUSED : UNEXPECTED) };
};

const UNEXPECTED = 'Une erreur inattendue est survenue. Réessayez dans un instant.';
const REFUSED = 'Cette requête ne peut pas être traitée.';
const ERROR_MESSAGES: Record<number, string> = {
	404: 'Page introuvable.',
	405: 'Cette page n’accepte pas cette action.',
	415: UNREADABLE_FORM_MESSAGE
};
