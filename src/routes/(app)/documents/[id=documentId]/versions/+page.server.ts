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
	// Where the previous page ended: « seq-time-id » (numbers as many digits as a safe integer
	// holds: a bigger one would reach PostgreSQL's bigint parser and fail the page).
	const cursor = /^(\d{1,15})-(\d{1,15})-([a-z2-7]{16})$/.exec(url.searchParams.get('avant') ?? '');
	const versions = await listVersions(db(), params.id, {
		before: cursor
			? { seq: Number(cursor[1]), createdAt: Number(cursor[2]), id: cursor[3] }
			: undefined,
		limit: PAGE_SIZE + 1
	});
	const page = versions.slice(0, PAGE_SIZE);
	const document = (await getDocument(db(), params.id))!;
	return {
		document: { id: document.id, title: document.title },
		versions: await withAuthorNames(db(), page),
		older:
			versions.length > PAGE_SIZE
				? `${page[page.length - 1].seq}-${page[page.length - 1].createdAt}-${page[page.length - 1].id}`
				: null,
		contributions: await contributionsByOrganisation(db(), params.id)
	};
};
