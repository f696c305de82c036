// One version of a document, read-only: the document exactly as it was at that point of its
// journal, rendered through the editor schema's whitelist. Whoever may read the document may
// read its versions; a version of another document is unknown here (404).
import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { commands, getDocument } from '$lib/server/documents';
import { requireDocumentAccess, settle } from '$lib/server/documents/page-access';
import { renderDocHtml } from '$lib/server/documents/render';
import { getVersion, stateAt, withAuthorNames } from '$lib/server/documents/versions';
import { ID_PATTERN } from '$lib/server/ids';
import { db, runtime } from '$lib/server/runtime';
import { avisClubsOf, issueAvis, listAvis } from '$lib/server/clubs';
import { readForm } from '$lib/server/http/form';

export const load: PageServerLoad = async ({ locals, params }) => {
	const access = await requireDocumentAccess(db(), locals.user!, params.id);
	const version = ID_PATTERN.test(params.versionId)
		? await getVersion(db(), params.id, params.versionId)
		: null;
	if (!version) error(404, commands.UNKNOWN_VERSION);
	const document = (await getDocument(db(), params.id))!;
	const doc = await stateAt(db(), params.id, version.seq).catch((failure: Error) => {
		console.error(`version ${version.id} of ${params.id} not read: ${failure.message}`);
		error(503, commands.UNREADABLE_HISTORY);
	});
	try {
		const [[named], avis, avisClubs] = await Promise.all([
			withAuthorNames(db(), [version]),
			listAvis(db(), params.id),
			// The clubs whose avis the viewer may issue: invited ones they animate.
			avisClubsOf(db(), locals.user!.id, params.id)
		]);
		return {
			document: { id: document.id, title: document.title },
			version: named,
			html: renderDocHtml(doc),
			// Restoring: the binôme and the direction générale (checked again by the command).
			canRestore: access.canChangeBinome,
			avis: avis.filter((a) => a.versionId === version.id),
			avisClubs
		};
	} finally {
		doc.destroy();
	}
};

export const actions: Actions = {
	issueAvis: async ({ locals, params, request }) => {
		const form = await readForm(request);
		const values = {
			clubId: String(form.get('clubId') ?? ''),
			verdict: String(form.get('verdict') ?? ''),
			body: String(form.get('body') ?? '')
		};
		const result = await settle(
			runtime().collab,
			issueAvis(db(), locals.user!, params.id, { versionId: params.versionId, ...values })
		);
		if (result.ok) return { avisMessage: result.message };
		return fail(result.status, {
			avisMessage: result.message,
			avisError: true,
			avisField: result.field ?? null,
			values
		});
	},
	restore: async ({ locals, params }) => {
		const result = await settle(
			runtime().collab,
			commands.restoreVersion(db(), runtime().collab, locals.user!, params.id, params.versionId)
		);
		if (result.ok) return { restoreMessage: result.message };
		return fail(result.status, { restoreMessage: result.message, restoreError: true });
	}
};
