import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { commands, documentAccess } from '$lib/server/documents';
import { forbiddenDetails, settle } from '$lib/server/documents/page-access';
import { db, runtime } from '$lib/server/runtime';
import { readForm } from '$lib/server/http/form';

// /documents/<id>/demande-acces: where the 403 page's request lands, and a page of its own that
// explains how to get access (whom to ask, whether a request is pending).
export const load: PageServerLoad = async ({ locals, params }) => {
	const user = locals.user!;
	const access = await documentAccess(db(), user, params.id);
	if (access.status === 'not_found') error(404, 'Document introuvable.');
	if (access.status === 'granted') redirect(303, `/documents/${params.id}`);
	const details = await forbiddenDetails(db(), user, params.id);
	return { message: details.message, request: details.accessRequest! };
};

export const actions: Actions = {
	default: async ({ locals, params, request }) => {
		const form = await readForm(request);
		const result = await settle(
			runtime().collab,
			commands.requestAccess(db(), locals.user!, params.id, { message: form.get('message') })
		);
		if (!result.ok)
			return fail(result.status, {
				error: { message: result.message, value: String(form.get('message') ?? '').slice(0, 2000) }
			});
		return { sent: result.message };
	}
};
