// How notifications reach the user by e-mail: at once, in a daily digest, or never (a form,
// no JavaScript needed).
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { db, runtime } from '$lib/server/runtime';
import { readForm } from '$lib/server/http/form';
import { emailPreferenceOf, isEmailPreference, setEmailPreference } from '$lib/server/mail';

export const load: PageServerLoad = async ({ locals }) => {
	return {
		preference: await emailPreferenceOf(db(), locals.user!.id),
		digestHour: runtime().config.mailDigestHour
	};
};

export const actions: Actions = {
	default: async ({ locals, request }) => {
		const value = (await readForm(request)).get('courriel');
		if (!isEmailPreference(value))
			return fail(400, { message: 'Choisissez l’une des trois possibilités.', saved: false });
		await setEmailPreference(db(), locals.user!.id, value);
		return { message: 'Préférence enregistrée.', saved: true };
	}
};
