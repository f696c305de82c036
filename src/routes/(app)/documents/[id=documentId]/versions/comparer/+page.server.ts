// Comparing two points of a document's history: two versions (?de=<id>&a=<id>), a version and
// now (?de=<id>, or a=maintenant), or « since your last visit » (?depuis=<seq>, the journal
// position the reader last had). Whoever may read the document may compare; a version of
// another document is unknown here (404), a position beyond the journal is refused (400).
import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { commands, getDocument } from '$lib/server/documents';
import { requireDocumentAccess } from '$lib/server/documents/page-access';
import { compareSeqs, renderComparison } from '$lib/server/documents/compare';
import {
	getVersion,
	lastJournalSeq,
	listVersions,
	peopleByIds
} from '$lib/server/documents/versions';
import { ID_PATTERN } from '$lib/server/ids';
import { db } from '$lib/server/runtime';

const NOW = 'maintenant';
const { UNKNOWN_VERSION, UNREADABLE_HISTORY } = commands;

/** A point of the history given in the address: a version id, « maintenant », or a position. */
async function point(documentId: string, value: string | null, last: number) {
	if (value === null || value === NOW) return { seq: last, versionId: NOW };
	const version = ID_PATTERN.test(value) ? await getVersion(db(), documentId, value) : null;
	if (!version) error(404, UNKNOWN_VERSION);
	return { seq: version.seq, versionId: version.id };
}

export const load: PageServerLoad = async ({ locals, params, url }) => {
	await requireDocumentAccess(db(), locals.user!, params.id);
	const document = (await getDocument(db(), params.id))!;
	const last = await lastJournalSeq(db(), params.id);
	// A version chosen in « Depuis » wins over the last visit the page was opened with.
	const chosen = url.searchParams.get('de');
	const since = chosen ? null : url.searchParams.get('depuis');
	let from: { seq: number; versionId: string | null };
	if (since !== null) {
		const seq = Number(since);
		if (!/^\d{1,15}$/.test(since) || seq > last)
			error(400, 'Ce point de l’historique n’existe pas pour ce document.');
		from = { seq, versionId: null };
	} else {
		if (!url.searchParams.get('de')) error(400, 'Choisissez la version de départ à comparer.');
		from = await point(params.id, url.searchParams.get('de'), last);
	}
	let to: { seq: number; versionId: string | null } = await point(
		params.id,
		url.searchParams.get('a'),
		last
	);
	// Always from the older point to the newer one.
	if (from.seq > to.seq) [from, to] = [to, from];

	const comparison = await compareSeqs(db(), params.id, from.seq, to.seq).catch(
		(failure: Error) => {
			// Stored rows that cannot be read: this page fails, in French, not the process.
			console.error(`compare of ${params.id} failed: ${failure.message}`);
			error(503, UNREADABLE_HISTORY);
		}
	);
	const ids = comparison.summary.authors.map((a) => a.userId);
	const people = await peopleByIds(
		db(),
		ids.filter((id): id is string => id !== null)
	);
	const authors = comparison.summary.authors.map((a, index) => {
		const person = a.userId ? people.get(a.userId) : undefined;
		return {
			...a,
			index,
			name: a.userId ? (person?.displayName ?? 'Personne inconnue') : 'Assemblier (modèle)',
			organisationName: person?.organisationName ?? ''
		};
	});
	return {
		document: { id: document.id, title: document.title },
		since: since !== null ? Number(since) : null,
		from: from.versionId,
		to: to.versionId,
		versions: (await listVersions(db(), params.id, { limit: 100 })).map((v) => ({
			id: v.id,
			name: v.name,
			createdAt: v.createdAt,
			kind: v.kind,
			restored: v.restored
		})),
		summary: {
			paragraphsChanged: comparison.summary.paragraphsChanged,
			wordsAdded: comparison.summary.wordsAdded,
			wordsRemoved: comparison.summary.wordsRemoved
		},
		authors,
		html: renderComparison(
			comparison,
			authors.map((a) => ({ userId: a.userId, name: a.name }))
		)
	};
};
