import type { PageServerLoad } from './$types';
import { listOrganisations } from '$lib/server/territory/queries';
import { listDocuments, parseListParams } from '$lib/server/search/list';
import { db } from '$lib/server/runtime';
import { openThreadsByClub } from '$lib/server/documents/open-threads';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user!;
	const params = parseListParams(url.searchParams);
	const [{ documents, others }, organisations, clubThreads] = await Promise.all([
		listDocuments(db(), user, params),
		listOrganisations(db(), user.territoryId),
		openThreadsByClub(db(), user)
	]);
	return { params, documents, others, organisations, clubThreads };
};
