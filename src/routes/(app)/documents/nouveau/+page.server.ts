import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { commands } from '$lib/server/documents';
import { settle } from '$lib/server/documents/page-access';
import { listTemplates } from '$lib/server/templates';
import { listOrganisations, listTerritoryUsers } from '$lib/server/territory/queries';
import { db, runtime } from '$lib/server/runtime';
import { readForm } from '$lib/server/http/form';

export const load: PageServerLoad = async ({ locals }) => {
	const user = locals.user!;
	const users = await listTerritoryUsers(db(), user.territoryId);
	return {
		templates: (await listTemplates(db())).map(({ id, kind, name }) => ({ id, kind, name })),
		organisations: await listOrganisations(db(), user.territoryId),
		// The binôme joins both sides: offer the other side's people.
		partners: users.filter((u) => u.organisationKind !== user.organisationKind),
		creatorSide: user.organisationKind
	};
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const user = locals.user!;
		const form = await readForm(request);
		const result = await settle(runtime().collab, commands.createDocument(db(), user, form));
		if (!result.ok) {
			const keep = (name: string) => String(form.get(name) ?? '').slice(0, 1000);
			return fail(result.status, {
				message: result.message,
				field: result.field ?? null,
				errors: result.errors ?? [{ field: result.field ?? '', message: result.message }],
				values: {
					title: keep('title').slice(0, 300),
					kind: keep('kind'),
					template: keep('template'),
					theme: keep('theme'),
					summary: keep('summary'),
					dueDate: keep('dueDate'),
					partner: keep('partner'),
					organisations: form.getAll('organisations').map(String)
				}
			});
		}
		redirect(303, `/documents/${result.documentId}`);
	}
};
