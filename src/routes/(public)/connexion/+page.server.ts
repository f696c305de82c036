import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { login, LoginThrottle, throttledMessage } from '$lib/server/auth';
import { getDeviceToken, setDeviceCookie, setSessionCookie } from '$lib/server/auth/cookie';
import { readClientAddress, UNKNOWN_ADDRESS_MESSAGE } from '$lib/server/auth/login';
import { safeRedirect } from '$lib/server/auth/redirect';
import { db } from '$lib/server/runtime';
import { logRequestLine, readForm } from '$lib/server/http/form';

// Its counters live in the database (they survive a restart); the object serialises decisions.
const throttle = new LoginThrottle();

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.user) redirect(303, safeRedirect(url.searchParams.get('redirectTo')));
	return {};
};

export const actions: Actions = {
	default: async ({ request, cookies, url, getClientAddress, setHeaders }) => {
		const form = await readForm(request);
		const email = String(form.get('email') ?? '')
			.trim()
			.slice(0, 320);
		const password = String(form.get('password') ?? '').slice(0, 1024);
		// Behind a reverse proxy, the client's address comes from ADDRESS_HEADER (README); a
		// request without it, or with no IP address in it, did not come through the proxy.
		const client = readClientAddress(getClientAddress);
		if (client.address === null) {
			logRequestLine(400, request, `adresse du client inconnue (${client.problem})`);
			return fail(400, { email, message: UNKNOWN_ADDRESS_MESSAGE });
		}
		if (!email || !password)
			return fail(400, {
				email,
				message: 'Saisissez votre adresse électronique et votre mot de passe.'
			});

		const secure = url.protocol === 'https:';
		const result = await login(db(), throttle, email, password, client.address, {
			deviceToken: getDeviceToken(cookies, secure)
		});
		if (!result.ok) {
			if (result.reason === 'throttled') {
				setHeaders({ 'retry-after': String(Math.max(1, Math.ceil(result.retryAfterMs / 1000))) });
				return fail(429, {
					email,
					message: throttledMessage(result.retryAfterMs)
				});
			}
			return fail(400, { email, message: 'Adresse électronique ou mot de passe incorrect.' });
		}
		setSessionCookie(cookies, result.token, result.session.expiresAt, secure);
		setDeviceCookie(cookies, result.device.token, result.device.expiresAt, secure);
		redirect(303, safeRedirect(url.searchParams.get('redirectTo')));
	}
};
