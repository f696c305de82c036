import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { listNotifications, markAllRead, markRead } from '$lib/server/notifications';
import { ID_PATTERN } from '$lib/server/ids';
import { readForm } from '$lib/server/http/form';
import { db } from '$lib/server/runtime';
import { notificationHref } from '$lib/notifications/sentences';

function pageOf(url: URL): number {
	const page = Number(url.searchParams.get('page') ?? '1');
	return Number.isInteger(page) && page > 0 ? page : 1;
}

/** The list page to come back to after marking (the one the form was on). */
function back(url: URL): string {
	const page = pageOf(url);
	return page > 1 ? `/notifications?page=${page}` : '/notifications';
}

export const load: PageServerLoad = async ({ locals, url }) => {
	return listNotifications(db(), locals.user!.id, pageOf(url));
};

/** The notification the form names, marked read; 404 for an unknown id or someone else's. */
async function readOwn(userId: string, request: Request) {
	const id = String((await readForm(request)).get('id') ?? '');
	const target = ID_PATTERN.test(id) ? await markRead(db(), userId, id) : null;
	if (!target) error(404, 'Notification introuvable.');
	return target;
}

// Forms, so that following and marking work without JavaScript; each answers with a redirect.
export const actions: Actions = {
	/** Follows a notification: marks it read, then goes where it leads. */
	ouvrir: async ({ locals, request }) => {
		redirect(303, notificationHref(await readOwn(locals.user!.id, request)));
	},
	lu: async ({ locals, request, url }) => {
		await readOwn(locals.user!.id, request);
		redirect(303, back(url));
	},
	toutLu: async ({ locals, url }) => {
		await markAllRead(db(), locals.user!.id);
		redirect(303, back(url));
	}
};
