import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { login, LoginThrottle } from '$lib/server/auth';
import { setSessionCookie } from '$lib/server/auth/cookie';
import { safeRedirect } from '$lib/server/auth/redirect';
import { db } from '$lib/server/runtime';

const throttle = new LoginThrottle();

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.user) redirect(303, safeRedirect(url.searchParams.get('redirectTo')));
	return {};
};

export const actions: Actions = {
	default: async ({ request, cookies, url, getClientAddress }) => {
		const form = await request.formData();
		const email = String(form.get('email') ?? '')
			.trim()
			.slice(0, 320);
		const password = String(form.get('password') ?? '').slice(0, 1024);
		if (!email || !password)
			return fail(400, {
				email,
				message: 'Saisissez votre adresse électronique et votre mot de passe.'
			});

		const result = await login(db(), throttle, email, password, getClientAddress());
		if (!result.ok) {
			if (result.reason === 'throttled') {
				const minutes = Math.max(1, Math.ceil(result.retryAfterMs / 60_000));
				return fail(429, {
					email,
					message: `Trop de tentatives de connexion. Réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`
				});
			}
			return fail(400, { email, message: 'Adresse électronique ou mot de passe incorrect.' });
		}
		setSessionCookie(cookies, result.token, result.session.expiresAt, url.protocol === 'https:');
		redirect(303, safeRedirect(url.searchParams.get('redirectTo')));
	}
};
