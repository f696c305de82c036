import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { checkTitle, createDocument, listTerritoryDocuments } from '$lib/server/documents';
import { db } from '$lib/server/runtime';

export const load: PageServerLoad = async ({ locals }) => {
	const user = locals.user!;
	const documents = await listTerritoryDocuments(db(), { id: user.id, territoryId: user.territoryId });
	return {
		mine: documents.filter((d) => d.role !== null),
		others: documents.filter((d) => d.role === null)
	};
};

export const actions: Actions = {
	create: async ({ request, locals }) => {
		const user = locals.user!;
		const form = await request.formData();
		const rawTitle = form.get('title');
		const check = checkTitle(rawTitle);
		if (!check.ok) return fail(400, { title: typeof rawTitle === 'string' ? rawTitle.slice(0, 300) : '', message: check.message });
		const id = await createDocument(db(), { id: user.id, territoryId: user.territoryId }, check.title);
		redirect(303, `/documents/${id}`);
	}
};
