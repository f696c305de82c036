import type { PageServerLoad } from './$types';
import { listTerritoryDocuments, type DocumentSummary } from '$lib/server/documents';
import { listOrganisations } from '$lib/server/territory/queries';
import { searchDocuments } from '$lib/server/search';
import { db } from '$lib/server/runtime';

const SCOPES = ['mine', 'organisation', 'all'] as const;
type Scope = (typeof SCOPES)[number];

/** An organisation is involved in a document it is concerned by or that one of its people co-pilots. */
function involves(doc: DocumentSummary, organisationId: string): boolean {
	return (
		doc.organisationIds.includes(organisationId) ||
		doc.coleads.some((c) => c.organisationId === organisationId)
	);
}

function inScope(doc: DocumentSummary, scope: Scope, viewer: { organisationId: string }): boolean {
	if (scope === 'mine') return doc.participates;
	if (scope === 'organisation') return involves(doc, viewer.organisationId);
	return true;
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user!;
	const params = url.searchParams;
	const scopeParam = params.get('vue');
	const scope: Scope = SCOPES.includes(scopeParam as Scope) ? (scopeParam as Scope) : 'all';
	const filters = {
		kind: params.get('type') ?? '',
		theme: params.get('theme') ?? '',
		status: params.get('statut') ?? '',
		organisation: params.get('organisation') ?? '',
		sort:
			params.get('tri') === 'echeance'
				? 'echeance'
				: params.get('tri') === 'titre'
					? 'titre'
					: 'activite',
		q: (params.get('q') ?? '').slice(0, 200)
	};

	const all = await listTerritoryDocuments(db(), user);
	const readable = all.filter((d) => d.role !== null);
	let documents = readable.filter(
		(d) =>
			inScope(d, scope, user) &&
			(!filters.kind || d.kind === filters.kind) &&
			(!filters.theme || d.theme === filters.theme) &&
			(!filters.status || d.status === filters.status) &&
			(!filters.organisation || involves(d, filters.organisation))
	);
	if (filters.sort === 'titre')
		documents = documents.toSorted((a, b) => a.title.localeCompare(b.title, 'fr'));
	if (filters.sort === 'echeance')
		documents = documents.toSorted((a, b) =>
			(a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999')
		);

	// Search only among what the user may read: the access rules decide, not the index.
	const hits = filters.q
		? await searchDocuments(
				db(),
				filters.q,
				readable.map((d) => d.id)
			)
		: [];

	return {
		scope,
		filters,
		documents,
		hits,
		others: all
			.filter((d) => d.role === null)
			.map(({ id, title, coleads, updatedAt }) => ({ id, title, coleads, updatedAt })),
		organisations: await listOrganisations(db(), user.territoryId)
	};
};
