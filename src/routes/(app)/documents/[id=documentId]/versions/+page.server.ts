// A document's whole history, newest first, paged back by journal position (?avant=<seq>).
import type { PageServerLoad } from './$types';
import { getDocument } from '$lib/server/documents';
import { requireDocumentAccess } from '$lib/server/documents/page-access';
import { listVersions, withAuthorNames } from '$lib/server/documents/versions';
import { contributionsByOrganisation } from '$lib/server/documents/attribution';
import { db } from '$lib/server/runtime';

const PAGE_SIZE = 20;

export const load: PageServerLoad = async ({ locals, params, url }) => {
	await requireDocumentAccess(db(), locals.user!, params.id);
	// A journal position: digits only, as many as a safe integer holds (a bigger one would
	// reach PostgreSQL's bigint parser and fail the page).
	const raw = url.searchParams.get('avant') ?? '';
	const before = /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
	const versions = await listVersions(db(), params.id, {
		before: before > 0 ? before : undefined,
		limit: PAGE_SIZE + 1
	});
	const page = versions.slice(0, PAGE_SIZE);
	const document = (await getDocument(db(), params.id))!;
	return {
		document: { id: document.id, title: document.title },
		versions: await withAuthorNames(db(), page),
		older: versions.length > PAGE_SIZE ? page[page.length - 1].seq : null,
		contributions: await contributionsByOrganisation(db(), params.id)
	};
};
