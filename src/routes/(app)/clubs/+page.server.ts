// The clubs métiers of the territory: everyone sees them and may ask to join; the direction and
// the administrators create them.
import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { createClub, listClubs, requestToJoin } from '$lib/server/clubs';
import { settleClub } from '$lib/server/clubs/page-access';
import { listTerritoryUsers } from '$lib/server/territory/queries';
import { readForm } from '$lib/server/http/form';
import { db, runtime } from '$lib/server/runtime';

const canCreate = (role: string) => role === 'admin' || role === 'direction';

export const load: PageServerLoad = async ({ locals }) => {
	const user = locals.user!;
	const [clubs, users] = await Promise.all([
		listClubs(db(), user.territoryId, user.id),
		canCreate(user.territoryRole) ? listTerritoryUsers(db(), user.territoryId) : []
	]);
	return {
		clubs,
		canCreate: canCreate(user.territoryRole),
		users: users.map(({ id, displayName, organisationName }) => ({
			id,
			displayName,
			organisationName
		}))
	};
};

export const actions: Actions = {
	create: async ({ locals, request }) => {
		const form = await readForm(request);
		const values = {
			name: String(form.get('name') ?? ''),
			theme: String(form.get('theme') ?? ''),
			description: String(form.get('description') ?? ''),
			animateurs: [form.get('animateur1'), form.get('animateur2')].map((v) => String(v ?? ''))
		};
		const result = await settleClub(runtime().collab, createClub(db(), locals.user!, values));
		if (!result.ok)
			return fail(result.status, {
				createMessage: result.message,
				createField: result.field ?? null,
				values
			});
		redirect(303, `/clubs/${result.clubId}`);
	},
	requestJoin: async ({ locals, request }) => {
		const form = await readForm(request);
		const clubId = form.get('clubId');
		const result = await settleClub(
			runtime().collab,
			requestToJoin(db(), locals.user!, clubId, { message: form.get('message') })
		);
		return result.ok
			? { joinMessage: result.message, joinClubId: String(clubId) }
			: fail(result.status, {
					joinMessage: result.message,
					joinError: true,
					joinClubId: String(clubId)
				});
	}
};
