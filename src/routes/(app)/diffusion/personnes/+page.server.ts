// The structured function of each person of the territory, set by the direction and the
// administrators: lists « par fonctions » are built on it. One form per person (no JavaScript).
import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { listPeopleWithFunctions, setFunction } from '$lib/server/distribution';
import { requireListManager } from '$lib/server/distribution/page-access';
import { readForm } from '$lib/server/http/form';
import { db } from '$lib/server/runtime';

export const load: PageServerLoad = async ({ locals }) => {
	const user = requireListManager(locals.user);
	return { people: await listPeopleWithFunctions(db(), user.territoryId) };
};

export const actions: Actions = {
	default: async ({ locals, request }) => {
		const user = requireListManager(locals.user);
		const form = await readForm(request);
		const result = await setFunction(db(), user, {
			userId: form.get('userId'),
			function: form.get('function')
		});
		if (result.ok) return { userId: result.userId, message: result.message };
		if (result.denied) error(result.status, result.message);
		return fail(result.status, {
			userId: String(form.get('userId') ?? ''),
			message: result.message,
			error: true
		});
	}
};
