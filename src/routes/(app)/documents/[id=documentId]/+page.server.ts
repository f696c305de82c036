import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import {
	commands,
	epciFirst,
	getDocument,
	listMembers,
	listOrganisationMembers,
	type CommandResult
} from '$lib/server/documents';
import { requireDocumentAccess, settle } from '$lib/server/documents/page-access';
import { listOrganisations, listTerritoryUsers } from '$lib/server/territory/queries';
import { db, runtime } from '$lib/server/runtime';

export const load: PageServerLoad = async ({ locals, params }) => {
	const user = locals.user!;
	const access = await requireDocumentAccess(db(), user, params.id);
	const document = (await getDocument(db(), params.id))!;
	const [members, organisationMembers, organisations] = await Promise.all([
		listMembers(db(), params.id),
		listOrganisationMembers(db(), params.id),
		listOrganisations(db(), user.territoryId)
	]);
	const users =
		access.canManage || access.canChangeBinome
			? await listTerritoryUsers(db(), user.territoryId)
			: [];
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
		access: {
			role: access.role,
			canEdit: access.canEdit,
			canAnnotate: access.canAnnotate,
			canManage: access.canManage,
			canChangeBinome: access.canChangeBinome
		},
		binome: members.filter((m) => m.role === 'colead').sort(epciFirst),
		members: members.filter((m) => m.role !== 'colead'),
		organisationMembers,
		organisations,
		users
	};
};

/** Every command result goes through settle (error page, sockets closed); actions only word the rest for their form. */
const run = <T extends object>(pending: Promise<CommandResult<T>>) =>
	settle(runtime().collab, pending);

export const actions: Actions = {
	setMember: async ({ locals, params, request }) => {
		const form = await request.formData();
		const result = await run(
			commands.setMember(db(), locals.user!, params.id, {
				userId: form.get('userId'),
				role: form.get('role')
			})
		);
		return result.ok
			? { memberMessage: result.message }
			: fail(result.status, { memberMessage: result.message });
	},
	removeMember: async ({ locals, params, request }) => {
		const form = await request.formData();
		const result = await run(
			commands.removeMember(db(), locals.user!, params.id, { userId: form.get('userId') })
		);
		return result.ok
			? { memberMessage: result.message }
			: fail(result.status, { memberMessage: result.message });
	},
	setOrganisation: async ({ locals, params, request }) => {
		const form = await request.formData();
		const result = await run(
			commands.setOrganisation(db(), locals.user!, params.id, {
				organisationId: form.get('organisationId'),
				role: form.get('role')
			})
		);
		return result.ok
			? { memberMessage: result.message }
			: fail(result.status, { memberMessage: result.message });
	},
	removeOrganisation: async ({ locals, params, request }) => {
		const form = await request.formData();
		const result = await run(
			commands.removeOrganisation(db(), locals.user!, params.id, {
				organisationId: form.get('organisationId')
			})
		);
		return result.ok
			? { memberMessage: result.message }
			: fail(result.status, { memberMessage: result.message });
	},
	setBinome: async ({ locals, params, request }) => {
		const form = await request.formData();
		const result = await run(
			commands.setBinome(db(), locals.user!, params.id, {
				epci: form.get('epci'),
				commune: form.get('commune')
			})
		);
		return result.ok
			? { binomeMessage: result.message }
			: fail(result.status, { binomeMessage: result.message });
	},
	updateSettings: async ({ locals, params, request }) => {
		const result = await run(
			commands.updateSettings(db(), locals.user!, params.id, await request.formData())
		);
		return result.ok
			? { settingsMessage: result.message }
			: fail(result.status, { settingsMessage: result.message, settingsError: true });
	}
};
