import type { Cookies } from '@sveltejs/kit';

// Over HTTPS the cookies carry the `__Host-` prefix: the browser then only accepts them Secure,
// with Path=/ and no Domain, so a sibling subdomain (another service of the intercommunality,
// a compromised site under the same domain) can neither set nor overwrite them. Over plain http
// (development, a local instance) a `__Host-` cookie would be refused, so the plain name is kept.
// The protocol is the request's (`event.url.protocol`: https when ORIGIN is, or when the proxy
// says so through PROTOCOL_HEADER). Over HTTPS only the prefixed name is read — accepting the
// plain one there would let a planted cookie through, which is what the prefix is for; a plain
// cookie left from before is ignored (its holder signs in once more), then deleted.

/** The session cookie's name over plain http. */
export const SESSION_COOKIE = 'assemblier-session';
/** The session cookie's name over HTTPS. */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;
/** A device on which someone has signed in before (auth/known-device.ts). */
export const DEVICE_COOKIE = 'assemblier-device';
export const SECURE_DEVICE_COOKIE = `__Host-${DEVICE_COOKIE}`;

export function sessionCookieName(secure: boolean): string {
	return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/** The session token of a SvelteKit request, under the name that fits its protocol. */
export function getSessionToken(cookies: Cookies, secure: boolean): string | null {
	return cookies.get(sessionCookieName(secure)) ?? null;
}

export function setSessionCookie(
	cookies: Cookies,
	token: string,
	expiresAt: number,
	secure: boolean
): void {
	cookies.set(sessionCookieName(secure), token, {
		httpOnly: true,
		sameSite: 'lax',
		path: '/',
		secure,
		expires: new Date(expiresAt)
	});
	deleteOther(cookies, SESSION_COOKIE, secure);
}

export function deleteSessionCookie(cookies: Cookies, secure: boolean): void {
	deleteCookie(cookies, sessionCookieName(secure), secure);
	deleteOther(cookies, SESSION_COOKIE, secure);
}

function deviceCookieName(secure: boolean): string {
	return secure ? SECURE_DEVICE_COOKIE : DEVICE_COOKIE;
}

export function getDeviceToken(cookies: Cookies, secure: boolean): string | null {
	return cookies.get(deviceCookieName(secure)) ?? null;
}

/** Long-lived, HttpOnly; only the login form reads it (a same-site POST: SameSite=Strict). */
export function setDeviceCookie(
	cookies: Cookies,
	token: string,
	expiresAt: number,
	secure: boolean
): void {
	cookies.set(deviceCookieName(secure), token, {
		httpOnly: true,
		sameSite: 'strict',
		path: '/',
		secure,
		expires: new Date(expiresAt)
	});
	deleteOther(cookies, DEVICE_COOKIE, secure);
}

/** The cookie of the other protocol's name, when the request carries one. */
function deleteOther(cookies: Cookies, plainName: string, secure: boolean): void {
	const other = secure ? plainName : `__Host-${plainName}`;
	if (cookies.get(other) !== undefined) deleteCookie(cookies, other, secure);
}

function deleteCookie(cookies: Cookies, name: string, secure: boolean): void {
	// A `__Host-` cookie can only be set, deleted included, with Secure.
	cookies.delete(name, {
		httpOnly: true,
		sameSite: 'lax',
		path: '/',
		secure: secure || name.startsWith('__Host-')
	});
}

/** Reads one cookie from a raw Cookie header (the websocket upgrade has no SvelteKit `cookies`). */
export function readCookie(header: string | undefined, name: string): string | null {
	if (!header) return null;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq < 0) continue;
		if (part.slice(0, eq).trim() === name) {
			try {
				return decodeURIComponent(part.slice(eq + 1).trim());
			} catch {
				return null;
			}
		}
	}
	return null;
}

/**
 * The session token of a raw Cookie header (the websocket upgrade, which does not know the
 * protocol the browser used), under either name, the `__Host-` one first. The page that opens
 * the socket has already been served under the protocol's own name.
 */
export function readSessionCookie(header: string | undefined): string | null {
	return readCookie(header, SECURE_SESSION_COOKIE) ?? readCookie(header, SESSION_COOKIE);
}
