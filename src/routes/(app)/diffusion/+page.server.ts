// The territory's distribution lists (porter à connaissance): the direction's and the
// administrators' page. Each list with how many it reaches today and a few names; a form
// creates a list of each kind.
import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { createList, listDistributionLists, resolveList } from '$lib/server/distribution';
import { requireListManager } from '$lib/server/distribution/page-access';
import { listTerritoryClubs } from '$lib/server/clubs';
import { readForm } from '$lib/server/http/form';
import { db } from '$lib/server/runtime';

const PREVIEW = 4;

export const load: PageServerLoad = async ({ locals }) => {
	const user = requireListManager(locals.user);
	const [lists, clubs] = await Promise.all([
		listDistributionLists(db(), user.territoryId),
		listTerritoryClubs(db(), user.territoryId)
	]);
	const summaries = [];
	for (const list of lists) {
		const resolved = await resolveList(db(), user.territoryId, list.id);
		const recipients = resolved.ok ? resolved.recipients : [];
		summaries.push({
			...list,
			recipientCount: recipients.length,
			withoutAccount: recipients.filter((r) => r.userId === null).length,
			preview: recipients.slice(0, PREVIEW).map((r) => r.name)
		});
	}
	return { lists: summaries, clubs: clubs.map(({ id, name }) => ({ id, name })) };
};

export const actions: Actions = {
	create: async ({ locals, request }) => {
		const user = requireListManager(locals.user);
		const form = await readForm(request);
		const values = {
			name: String(form.get('name') ?? ''),
			description: String(form.get('description') ?? ''),
			kind: String(form.get('kind') ?? ''),
			functions: form.getAll('functions').map(String),
			clubId: String(form.get('clubId') ?? '')
		};
		const result = await createList(db(), user, values);
		if (!result.ok) {
			if (result.denied) error(result.status, result.message);
			return fail(result.status, { message: result.message, field: result.field ?? null, values });
		}
		redirect(303, `/diffusion/${result.listId}?creee=1`);
	}
};
