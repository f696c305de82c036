// Documents whose stored state could not be read (the collaboration server records them), and
// the repair: unreadable journal rows or snapshot set aside, kept as stored, so that the
// document opens again with what remains (documents/storage-damage.ts).
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireAdmin } from '$lib/server/auth/roles';
import { db } from '$lib/server/runtime';
import { getDocument } from '$lib/server/documents';
import { ID_PATTERN } from '$lib/server/ids';
import { listDamagedDocuments, setAsideUnreadable } from '$lib/server/documents/storage-damage';
import { readForm } from '$lib/server/http/form';

export const load: PageServerLoad = async ({ locals }) => {
	const admin = requireAdmin(locals.user);
	return { damaged: await listDamagedDocuments(db(), admin.territoryId) };
};

export const actions: Actions = {
	repair: async ({ locals, request }) => {
		const admin = requireAdmin(locals.user);
		const documentId = String((await readForm(request)).get('documentId') ?? '');
		const document = ID_PATTERN.test(documentId) ? await getDocument(db(), documentId) : null;
		if (!document || document.territoryId !== admin.territoryId)
			return fail(404, { message: 'Document introuvable.', error: true });
		const moved = await setAsideUnreadable(db(), documentId, admin.id);
		return {
			error: false,
			message:
				moved === 0
					? `« ${document.title} » : aucune partie illisible n’a été trouvée ; le document s’ouvre de nouveau.`
					: `« ${document.title} » : ${moved === 1 ? 'une partie illisible mise' : `${moved} parties illisibles mises`} de côté ; le document s’ouvre avec le reste.`
		};
	}
};
