import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { checkTemplateBody, getTemplate, saveTemplate } from '$lib/server/templates';
import { requireAdmin } from '$lib/server/auth/roles';
import { db } from '$lib/server/runtime';
import { readForm } from '$lib/server/http/form';

export const load: PageServerLoad = async ({ locals, params }) => {
	requireAdmin(locals.user);
	const template = await getTemplate(db(), params.id);
	if (!template) error(404, 'Modèle introuvable.');
	return { template };
};

export const actions: Actions = {
	default: async ({ locals, params, request }) => {
		const admin = requireAdmin(locals.user);
		if (!(await getTemplate(db(), params.id))) error(404, 'Modèle introuvable.');
		const form = await readForm(request);
		const name = String(form.get('name') ?? '')
			.replace(/\s+/g, ' ')
			.trim();
		if (!name || name.length > 120 || /[<>]/.test(name))
			return fail(400, {
				message: 'Indiquez un nom de modèle (120 caractères au plus, sans < ni >).'
			});
		let body: unknown;
		try {
			body = JSON.parse(String(form.get('body') ?? ''));
		} catch {
			return fail(400, { message: 'Le contenu du modèle n’est pas valide.' });
		}
		const problem = checkTemplateBody(body);
		if (problem) return fail(400, { message: problem });
		await saveTemplate(db(), params.id, name, body as never, admin.id);
		return { saved: true };
	}
};
