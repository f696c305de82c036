import type { PageServerLoad } from './$types';
import { listTemplates } from '$lib/server/templates';
import { requireAdmin } from '$lib/server/auth/roles';
import { db } from '$lib/server/runtime';

export const load: PageServerLoad = async ({ locals }) => {
	requireAdmin(locals.user);
	return {
		templates: (await listTemplates(db())).map(({ id, kind, name }) => ({ id, kind, name }))
	};
};
