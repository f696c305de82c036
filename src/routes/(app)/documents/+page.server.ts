import type { PageServerLoad } from './$types';
import { listOrganisations } from '$lib/server/territory/queries';
import { listDocuments, parseListParams } from '$lib/server/search/list';
import { db } from '$lib/server/runtime';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user!;
	const params = parseListParams(url.searchParams);
	const { documents, others } = await listDocuments(db(), user, params);
	return {
		params,
		documents,
		others,
		organisations: await listOrganisations(db(), user.territoryId)
	};
};
