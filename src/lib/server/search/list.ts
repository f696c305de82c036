// The documents page's one result list: the scope (mine / my organisation / all I can read),
// every filter and the search applied together, from the page's URL parameters (a GET form:
// the state lives in the URL and works without JavaScript).
import type { Db } from '../db';
import { listTerritoryDocuments, type Actor, type DocumentSummary } from '../documents';
import { listOrganisations } from '../territory/queries';
import { documentNames, matchesTitleOrNames, searchDocuments, type SearchHit } from './index';

export const SCOPES = ['mine', 'organisation', 'all'] as const;
export type Scope = (typeof SCOPES)[number];
export const SORTS = ['pertinence', 'activite', 'echeance', 'titre'] as const;
export type Sort = (typeof SORTS)[number];

export interface ListParams {
	scope: Scope;
	kind: string;
	theme: string;
	status: string;
	organisation: string;
	/** `pertinence` only means something with a search; without, the list is by last activity. */
	sort: Sort;
	q: string;
}

const pick = <T extends string>(values: readonly T[], value: string | null, fallback: T): T =>
	values.includes(value as T) ? (value as T) : fallback;

/** The list's state from the URL: unknown values fall back to « all » rather than failing. */
export function parseListParams(params: URLSearchParams): ListParams {
	const q = (params.get('q') ?? '').trim().slice(0, 200);
	return {
		scope: pick(SCOPES, params.get('vue'), 'all'),
		kind: params.get('type') ?? '',
		theme: params.get('theme') ?? '',
		status: params.get('statut') ?? '',
		organisation: params.get('organisation') ?? '',
		// Without a search there is nothing to be pertinent to: last activity.
		sort: pick(
			SORTS.filter((sort) => q || sort !== 'pertinence'),
			params.get('tri') || null,
			q ? 'pertinence' : 'activite'
		),
		q
	};
}

/** An organisation is involved in a document it is concerned by or that one of its people co-pilots. */
function involves(doc: DocumentSummary, organisationId: string): boolean {
	return (
		doc.organisationIds.includes(organisationId) ||
		doc.coleads.some((c) => c.organisationId === organisationId)
	);
}

function inScope(doc: DocumentSummary, scope: Scope, viewer: Actor): boolean {
	if (scope === 'mine') return doc.participates;
	if (scope === 'organisation') return involves(doc, viewer.organisationId);
	return true;
}

export type ListedDocument = DocumentSummary & { hit: SearchHit | null };

export interface DocumentList {
	documents: ListedDocument[];
	/** Documents of the territory the viewer may not open, under the same scope, filters and search. */
	others: Pick<DocumentSummary, 'id' | 'title' | 'coleads' | 'updatedAt'>[];
}

export async function listDocuments(
	db: Db,
	viewer: Actor,
	params: ListParams
): Promise<DocumentList> {
	const all = (await listTerritoryDocuments(db, viewer)).filter(
		(d) =>
			inScope(d, params.scope, viewer) &&
			(!params.kind || d.kind === params.kind) &&
			(!params.theme || d.theme === params.theme) &&
			(!params.status || d.status === params.status) &&
			(!params.organisation || involves(d, params.organisation))
	);
	let documents: ListedDocument[];
	let others = all.filter((d) => d.role === null);
	const readable = all.filter((d) => d.role !== null);
	if (params.q) {
		// Search only among what the user may read: the access rules decide, not the index.
		const names = await documentNames(
			db,
			readable.map((d) => d.id)
		);
		const hits = await searchDocuments(
			db,
			params.q,
			readable.map((d) => ({ id: d.id, title: d.title, names: names.get(d.id) ?? [] }))
		);
		const byId = new Map(readable.map((d) => [d.id, d]));
		documents = hits.map((hit) => ({ ...byId.get(hit.id)!, hit }));
		if (params.sort !== 'pertinence')
			documents = documents.toSorted((a, b) => b.updatedAt - a.updatedAt);
		// Of a document one cannot open, only what the list shows anyway is searched: its title,
		// its binôme and the organisations concerned — never its text or its participants.
		const orgNames = new Map(
			(await listOrganisations(db, viewer.territoryId)).map((o) => [o.id, o.name])
		);
		others = others.filter((d) =>
			matchesTitleOrNames(params.q, [
				d.title,
				...d.coleads.flatMap((c) => [c.name, c.organisationName]),
				...d.organisationIds.map((id) => orgNames.get(id) ?? '')
			])
		);
	} else documents = readable.map((d) => ({ ...d, hit: null }));
	if (params.sort === 'titre')
		documents = documents.toSorted((a, b) => a.title.localeCompare(b.title, 'fr'));
	if (params.sort === 'echeance')
		documents = documents.toSorted((a, b) =>
			(a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999')
		);
	return {
		documents,
		others: others.map(({ id, title, coleads, updatedAt }) => ({ id, title, coleads, updatedAt }))
	};
}
