// One club métier: its members, the documents it is invited to, and — for its animateurs, the
// direction and the administrators — the requests to join and the member management.
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import {
	addClubMember,
	answerJoinRequest,
	canManageClub,
	leaveClub,
	listClubDocuments,
	listClubMembers,
	listPendingJoinRequests,
	removeClubMember,
	requestToJoin,
	setClubRole,
	type ClubResult
} from '$lib/server/clubs';
import { requireClub, settleClub } from '$lib/server/clubs/page-access';
import { listTerritoryUsers } from '$lib/server/territory/queries';
import { readForm } from '$lib/server/http/form';
import { db, runtime } from '$lib/server/runtime';

export const load: PageServerLoad = async ({ locals, params }) => {
	const user = locals.user!;
	const club = await requireClub(db(), user.territoryId, params.id);
	const [members, documents, pending] = await Promise.all([
		listClubMembers(db(), club.id),
		// Titles only, as the dashboard shows every title of the territory; opening one still
		// goes through the document's access policy.
		listClubDocuments(db(), club.id),
		db()
			.selectFrom('club_join_request')
			.select('id')
			.where('club_id', '=', club.id)
			.where('user_id', '=', user.id)
			.where('status', '=', 'pending')
			.executeTakeFirst()
	]);
	const viewerRole = members.find((m) => m.userId === user.id)?.role ?? null;
	const canManage = canManageClub(user, viewerRole);
	const [requests, users] = canManage
		? await Promise.all([
				listPendingJoinRequests(db(), club.id),
				listTerritoryUsers(db(), user.territoryId)
			])
		: [[], []];
	const memberIds = new Set(members.map((m) => m.userId));
	return {
		club,
		members,
		documents,
		viewerRole,
		viewerRequestPending: !!pending,
		canManage,
		requests,
		candidates: users
			.filter((u) => !memberIds.has(u.id))
			.map(({ id, displayName, organisationName }) => ({ id, displayName, organisationName }))
	};
};

const answer = async (pending: Promise<ClubResult>) => {
	const result = await settleClub(runtime().collab, pending);
	return result.ok
		? { clubMessage: result.message }
		: fail(result.status, { clubMessage: result.message, clubError: true });
};

export const actions: Actions = {
	addMember: async ({ locals, params, request }) => {
		const form = await readForm(request);
		return answer(addClubMember(db(), locals.user!, params.id, { userId: form.get('userId') }));
	},
	removeMember: async ({ locals, params, request }) => {
		const form = await readForm(request);
		return answer(removeClubMember(db(), locals.user!, params.id, { userId: form.get('userId') }));
	},
	setRole: async ({ locals, params, request }) => {
		const form = await readForm(request);
		return answer(
			setClubRole(db(), locals.user!, params.id, {
				userId: form.get('userId'),
				role: form.get('role')
			})
		);
	},
	answerRequest: async ({ locals, params, request }) => {
		const form = await readForm(request);
		return answer(
			answerJoinRequest(db(), locals.user!, params.id, {
				requestId: form.get('requestId'),
				decision: form.get('decision')
			})
		);
	},
	requestJoin: async ({ locals, params, request }) => {
		const form = await readForm(request);
		return answer(requestToJoin(db(), locals.user!, params.id, { message: form.get('message') }));
	},
	leave: async ({ locals, params }) => answer(leaveClub(db(), locals.user!, params.id))
};
