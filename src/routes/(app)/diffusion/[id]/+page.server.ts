// One distribution list: what it is built on, who it reaches today, and — manual lists — its
// people, with or without an account. Deleting is confirmed in the page (?supprimer).
import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import {
	addListExternal,
	addListUser,
	deleteList,
	editList,
	listMembers,
	removeListMember,
	resolveList,
	type ListResult
} from '$lib/server/distribution';
import { requireList, requireListManager } from '$lib/server/distribution/page-access';
import { listTerritoryClubs } from '$lib/server/clubs';
import { listTerritoryUsers } from '$lib/server/territory/queries';
import { readForm } from '$lib/server/http/form';
import { db } from '$lib/server/runtime';

export const load: PageServerLoad = async ({ locals, params }) => {
	const user = requireListManager(locals.user);
	const list = await requireList(db(), user.territoryId, params.id);
	const [members, resolved, clubs, users] = await Promise.all([
		list.kind === 'manual' ? listMembers(db(), list.id) : [],
		resolveList(db(), user.territoryId, list.id),
		listTerritoryClubs(db(), user.territoryId),
		list.kind === 'manual' ? listTerritoryUsers(db(), user.territoryId) : []
	]);
	const inList = new Set(members.map((m) => m.userId));
	return {
		list,
		members,
		recipients: resolved.ok ? resolved.recipients : [],
		clubs,
		candidates: users
			.filter((u) => !inList.has(u.id))
			.map(({ id, displayName, organisationName }) => ({ id, displayName, organisationName }))
	};
};

/** A command's answer: refusals by who-may-act are the error page, others stay beside `form`. */
function answer(result: ListResult, form: string) {
	if (result.ok) return { form, message: result.message };
	if (result.denied) error(result.status, result.message);
	return fail(result.status, {
		form,
		message: result.message,
		field: result.field ?? null,
		error: true
	});
}

export const actions: Actions = {
	edit: async ({ locals, params, request }) => {
		const user = requireListManager(locals.user);
		const data = await readForm(request);
		const values = {
			name: String(data.get('name') ?? ''),
			description: String(data.get('description') ?? ''),
			functions: data.getAll('functions').map(String),
			clubId: String(data.get('clubId') ?? '')
		};
		const result = await editList(db(), user, params.id, values);
		// The typed values come back beside the refusal, so nothing typed is lost.
		if (!result.ok && !result.denied)
			return fail(result.status, {
				form: 'edit',
				message: result.message,
				field: result.field ?? null,
				error: true,
				editValues: values
			});
		return answer(result, 'edit');
	},
	addUser: async ({ locals, params, request }) => {
		const user = requireListManager(locals.user);
		const data = await readForm(request);
		return answer(
			await addListUser(db(), user, params.id, { userId: data.get('userId') }),
			'addUser'
		);
	},
	addExternal: async ({ locals, params, request }) => {
		const user = requireListManager(locals.user);
		const data = await readForm(request);
		const values = { name: String(data.get('name') ?? ''), email: String(data.get('email') ?? '') };
		const result = await addListExternal(db(), user, params.id, values);
		if (!result.ok && !result.denied)
			return fail(result.status, {
				form: 'addExternal',
				message: result.message,
				field: result.field ?? null,
				error: true,
				externalValues: values
			});
		return answer(result, 'addExternal');
	},
	removeMember: async ({ locals, params, request }) => {
		const user = requireListManager(locals.user);
		const data = await readForm(request);
		return answer(
			await removeListMember(db(), user, params.id, { memberId: data.get('memberId') }),
			'members'
		);
	},
	delete: async ({ locals, params }) => {
		const user = requireListManager(locals.user);
		const result = await deleteList(db(), user, params.id);
		if (!result.ok) error(result.status, result.message);
		redirect(303, '/diffusion');
	}
};
