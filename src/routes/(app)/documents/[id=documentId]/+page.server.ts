import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import {
	checkBinome,
	epciFirst,
	getDocument,
	listMembers,
	listOrganisationMembers,
	parseMetadata,
	removeMember,
	removeOrganisationMember,
	setBinome,
	setMember,
	setOrganisationMember,
	updateMetadata,
	type Granted
} from '$lib/server/documents';
import { requireDocumentAccess } from '$lib/server/documents/page-access';
import { findTerritoryUser, listOrganisations, listTerritoryUsers } from '$lib/server/territory/queries';
import { isGrantableRole } from '$lib/documents/vocabulary';
import { CloseCode } from '$lib/collab/protocol';
import { db, runtime } from '$lib/server/runtime';

export const load: PageServerLoad = async ({ locals, params }) => {
	const user = locals.user!;
	const access = await requireDocumentAccess(db(), user, params.id);
	const document = (await getDocument(db(), params.id))!;
	const [members, organisationMembers, organisations] = await Promise.all([listMembers(db(), params.id), listOrganisationMembers(db(), params.id), listOrganisations(db(), user.territoryId)]);
	const users = access.canManage || access.canChangeBinome ? await listTerritoryUsers(db(), user.territoryId) : [];
	return {
		document: {
			id: document.id,
			title: document.title,
			kind: document.kind,
			theme: document.theme,
			status: document.status,
			summary: document.summary,
			dueDate: document.dueDate,
			organisationIds: document.organisationIds,
			updatedAt: document.updatedAt
		},
		access: { role: access.role, canEdit: access.canEdit, canAnnotate: access.canAnnotate, canManage: access.canManage, canChangeBinome: access.canChangeBinome },
		binome: members.filter((m) => m.role === 'colead').sort(epciFirst),
		members: members.filter((m) => m.role !== 'colead'),
		organisationMembers,
		organisations,
		users
	};
};

async function requireAccess(locals: App.Locals, documentId: string, allowed: (a: Granted) => boolean, message: string) {
	const access = await requireDocumentAccess(db(), locals.user!, documentId);
	if (!allowed(access)) error(403, message);
	return access;
}
const coleadsOnly = (locals: App.Locals, id: string) => requireAccess(locals, id, (a) => a.canManage, 'Seul le binôme de co-pilotes gère les participants et les réglages.');

/** No editing on stale rights: the user's open editors reconnect and get their new role. */
function dropUserConnections(documentId: string, userId: string) {
	runtime().collab?.closeUserConnections(documentId, userId, CloseCode.rightsChanged, 'rights changed');
}

export const actions: Actions = {
	setMember: async ({ locals, params, request }) => {
		await coleadsOnly(locals, params.id);
		const form = await request.formData();
		const userId = String(form.get('userId') ?? '');
		const role = form.get('role');
		if (!isGrantableRole(role)) return fail(400, { memberMessage: 'Choisissez un rôle : rédacteur, annotateur ou lecteur.' });
		const target = userId ? await findTerritoryUser(db(), locals.user!.territoryId, userId) : null;
		if (!target) return fail(400, { memberMessage: 'Choisissez une personne du territoire.' });
		const current = (await listMembers(db(), params.id)).find((m) => m.userId === userId);
		if (current?.role === 'colead') return fail(400, { memberMessage: 'Un co-pilote change de rôle en changeant le binôme.' });
		await setMember(db(), params.id, userId, role, locals.user!.id);
		if (current && current.role !== role) dropUserConnections(params.id, userId);
		return { memberMessage: current ? `Le rôle de ${target.displayName} a été modifié.` : `${target.displayName} a été ajouté(e).` };
	},
	removeMember: async ({ locals, params, request }) => {
		await coleadsOnly(locals, params.id);
		const userId = String((await request.formData()).get('userId') ?? '');
		const target = (await listMembers(db(), params.id)).find((m) => m.userId === userId);
		if (!target) return fail(404, { memberMessage: 'Cette personne ne participe pas au document.' });
		if (target.role === 'colead') return fail(400, { memberMessage: 'Un co-pilote ne peut pas être retiré : changez d’abord le binôme.' });
		await removeMember(db(), params.id, userId);
		dropUserConnections(params.id, userId);
		return { memberMessage: `${target.displayName} ne participe plus au document.` };
	},
	setOrganisation: async ({ locals, params, request }) => {
		await coleadsOnly(locals, params.id);
		const form = await request.formData();
		const organisationId = String(form.get('organisationId') ?? '');
		const role = form.get('role');
		if (!isGrantableRole(role)) return fail(400, { memberMessage: 'Choisissez un rôle : rédacteur, annotateur ou lecteur.' });
		const organisation = (await listOrganisations(db(), locals.user!.territoryId)).find((o) => o.id === organisationId);
		if (!organisation) return fail(400, { memberMessage: 'Choisissez une organisation du territoire.' });
		const previous = await setOrganisationMember(db(), params.id, organisationId, role, locals.user!.id);
		if (previous && previous !== role) runtime().collab?.closeOrganisationConnections(params.id, organisationId, CloseCode.rightsChanged, 'rights changed');
		return { memberMessage: `Toutes les personnes de ${organisation.name} participent désormais au document.` };
	},
	removeOrganisation: async ({ locals, params, request }) => {
		await coleadsOnly(locals, params.id);
		const organisationId = String((await request.formData()).get('organisationId') ?? '');
		if (!(await removeOrganisationMember(db(), params.id, organisationId))) return fail(404, { memberMessage: 'Cette organisation ne participe pas au document.' });
		runtime().collab?.closeOrganisationConnections(params.id, organisationId, CloseCode.rightsChanged, 'rights changed');
		return { memberMessage: 'L’organisation ne participe plus au document.' };
	},
	setBinome: async ({ locals, params, request }) => {
		await requireAccess(locals, params.id, (a) => a.canChangeBinome, 'Seuls le binôme lui-même et la direction générale peuvent changer le binôme.');
		const form = await request.formData();
		const territoryId = locals.user!.territoryId;
		const first = await findTerritoryUser(db(), territoryId, String(form.get('epci') ?? ''));
		const second = await findTerritoryUser(db(), territoryId, String(form.get('commune') ?? ''));
		if (!first) return fail(400, { binomeMessage: 'Choisissez le co-pilote de l’intercommunalité.' });
		const problem = first.organisationKind !== 'epci' ? 'Le premier co-pilote doit appartenir à l’intercommunalité.' : checkBinome(first, second);
		if (problem) return fail(400, { binomeMessage: problem });
		const changed = await setBinome(db(), params.id, [first.id, second!.id], locals.user!.id);
		for (const userId of changed) dropUserConnections(params.id, userId);
		return { binomeMessage: `Binôme : ${first.displayName} et ${second!.displayName}.` };
	},
	updateSettings: async ({ locals, params, request }) => {
		await coleadsOnly(locals, params.id);
		const parsed = await parseMetadata(db(), locals.user!, await request.formData());
		if (!parsed.ok) return fail(400, { settingsMessage: parsed.message, settingsError: true });
		await updateMetadata(db(), params.id, parsed.value);
		return { settingsMessage: 'Réglages enregistrés.' };
	}
};
