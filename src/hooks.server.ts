// The one door for identity: the session cookie becomes `locals.user` / `locals.session`.
import { building } from '$app/environment';
import { redirect, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { db } from '$lib/server/runtime';
import { startServices } from '../server/services';
import { securityHeaders, withCollabSocketOrigin } from '../server/security-headers';
import { validateSessionToken } from '$lib/server/auth/session';
import { deleteSessionCookie, getSessionToken, setSessionCookie } from '$lib/server/auth/cookie';

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

const PUBLIC_PATHS = ['/connexion', '/healthz'];
function isPublicPath(pathname: string): boolean {
	return (
		PUBLIC_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`)) ||
		pathname.startsWith('/_app/')
	);
}

export const handleError: HandleServerError = ({ error, status }) => {
	if (status !== 404) console.error(error);
	return {
		message:
			status === 404
				? 'Page introuvable.'
				: 'Une erreur inattendue est survenue. Réessayez dans un instant.'
	};
};
