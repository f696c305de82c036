import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDocument, listMembers, removeMember, setMember } from '$lib/server/documents';
import { requireDocumentAccess } from '$lib/server/documents/page-access';
import { findTerritoryUser, listTerritoryUsers } from '$lib/server/territory/queries';
import type { DocumentRole } from '$lib/server/db/schema';
import { CloseCode } from '$lib/collab/protocol';
import { db, runtime } from '$lib/server/runtime';

const ROLES: DocumentRole[] = ['editor', 'reader'];

export const load: PageServerLoad = async ({ locals, params }) => {
	const user = locals.user!;
	const access = await requireDocumentAccess(db(), user, params.id);
	const document = (await getDocument(db(), params.id))!;
	const members = await listMembers(db(), params.id);
	const memberIds = new Set(members.map((m) => m.userId));
	const candidates = access.canManage ? (await listTerritoryUsers(db(), user.territoryId)).filter((u) => !memberIds.has(u.id)) : [];
	return {
		document: { id: document.id, title: document.title, updatedAt: document.updatedAt },
		access: { role: access.role, canEdit: access.canEdit, canManage: access.canManage },
		members,
		candidates
	};
};

/** Checks that the actor may manage participants; returns the form data. */
async function managerForm(locals: App.Locals, documentId: string, request: Request) {
	const access = await requireDocumentAccess(db(), locals.user!, documentId);
	if (!access.canManage) error(403, 'Seuls les rédacteurs peuvent gérer les participants.');
	return request.formData();
}

/** Cuts the user's open editors of this document: no writing on stale rights. */
function dropStaleConnections(documentId: string, userId: string, removed = false) {
	if (removed) runtime().collab?.closeUserConnections(documentId, userId, CloseCode.accessRevoked, 'access revoked');
	else runtime().collab?.closeUserConnections(documentId, userId, CloseCode.rightsChanged, 'rights changed'); // reconnects with the new role
}

function isLastEditor(members: { role: DocumentRole }[]): boolean {
	return members.filter((m) => m.role === 'editor').length === 1;
}

export const actions: Actions = {
	setMember: async ({ locals, params, request }) => {
		const form = await managerForm(locals, params.id, request);
		const userId = String(form.get('userId') ?? '');
		const role = String(form.get('role') ?? '') as DocumentRole;
		if (!ROLES.includes(role)) return fail(400, { memberMessage: 'Choisissez un rôle : rédacteur ou lecteur.' });
		const target = userId ? await findTerritoryUser(db(), locals.user!.territoryId, userId) : null;
		if (!target) return fail(400, { memberMessage: 'Choisissez une personne du territoire.' });
		const members = await listMembers(db(), params.id);
		const current = members.find((m) => m.userId === userId);
		if (current?.role === 'editor' && role === 'reader' && isLastEditor(members)) {
			return fail(400, { memberMessage: 'Le document doit garder au moins un rédacteur.' });
		}
		const previous = await setMember(db(), params.id, userId, role, locals.user!.id);
		if (previous && previous !== role) dropStaleConnections(params.id, userId);
		return { memberMessage: previous ? `${target.displayName} est désormais ${role === 'editor' ? 'rédacteur' : 'lecteur'}.` : `${target.displayName} a été ajouté(e).` };
	},
	removeMember: async ({ locals, params, request }) => {
		const form = await managerForm(locals, params.id, request);
		const userId = String(form.get('userId') ?? '');
		const members = await listMembers(db(), params.id);
		const target = members.find((m) => m.userId === userId);
		if (!target) return fail(404, { memberMessage: 'Cette personne ne participe pas au document.' });
		if (target.role === 'editor' && isLastEditor(members)) {
			return fail(400, { memberMessage: 'Le document doit garder au moins un rédacteur.' });
		}
		await removeMember(db(), params.id, userId);
		dropStaleConnections(params.id, userId, true);
		return { memberMessage: `${target.displayName} ne participe plus au document.` };
	}
};
