// One version of a document, read-only: the document exactly as it was at that point of its
// journal, rendered through the editor schema's whitelist. Whoever may read the document may
// read its versions; a version of another document is unknown here (404).
import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getDocument } from '$lib/server/documents';
import { requireDocumentAccess } from '$lib/server/documents/page-access';
import { renderDocHtml } from '$lib/server/documents/render';
import { getVersion, stateAt, withAuthorNames } from '$lib/server/documents/versions';
import { ID_PATTERN } from '$lib/server/ids';
import { db } from '$lib/server/runtime';

export const load: PageServerLoad = async ({ locals, params }) => {
	await requireDocumentAccess(db(), locals.user!, params.id);
	const version = ID_PATTERN.test(params.versionId)
		? await getVersion(db(), params.id, params.versionId)
		: null;
	if (!version) error(404, 'Version introuvable pour ce document.');
	const document = (await getDocument(db(), params.id))!;
	const doc = await stateAt(db(), params.id, version.seq);
	try {
		const [named] = await withAuthorNames(db(), [version]);
		return {
			document: { id: document.id, title: document.title },
			version: named,
			html: renderDocHtml(doc)
		};
	} finally {
		doc.destroy();
	}
};
