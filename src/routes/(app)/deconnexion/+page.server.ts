import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { invalidateSession } from '$lib/server/auth';
import { deleteSessionCookie } from '$lib/server/auth/cookie';
import { CloseCode } from '$lib/collab/protocol';
import { db, runtime } from '$lib/server/runtime';

export const load: PageServerLoad = async () => redirect(303, '/documents');

export const actions: Actions = {
	default: async ({ locals, cookies, url }) => {
		if (locals.session) {
			await invalidateSession(db(), locals.session.id);
			// Open editors of this session lose their right to write now, not at the next reconnect.
			runtime().collab?.closeSessionConnections(
				locals.session.id,
				CloseCode.sessionEnded,
				'logged out'
			);
		}
		deleteSessionCookie(cookies, url.protocol === 'https:');
		redirect(303, '/connexion');
	}
};
