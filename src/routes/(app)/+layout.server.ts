import { redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';
import { getTerritory } from '$lib/server/territory/queries';
import { db } from '$lib/server/runtime';
import { countDamagedDocuments } from '$lib/server/documents/storage-damage';
import { unreadCount } from '$lib/server/notifications';

export const load: LayoutServerLoad = async ({ locals }) => {
	// hooks.server.ts already refuses anonymous requests; this narrows the type for pages.
	if (!locals.user) redirect(303, '/connexion');
	const isAdmin = locals.user.territoryRole === 'admin';
	const [territory, damagedDocuments, unreadNotifications] = await Promise.all([
		getTerritory(db(), locals.user.territoryId),
		// Administrators are told at once when a document's storage could not be read.
		isAdmin ? countDamagedDocuments(db(), locals.user.territoryId) : 0,
		// The bell's count as the page is served; the browser keeps it fresh (notifications/bell).
		unreadCount(db(), locals.user.id)
	]);
	return {
		user: {
			id: locals.user.id,
			displayName: locals.user.displayName,
			jobTitle: locals.user.jobTitle,
			organisationName: locals.user.organisationName,
			territoryRole: locals.user.territoryRole
		},
		territoryName: territory?.name ?? '',
		damagedDocuments,
		unreadNotifications,
		// Every date of the app is shown in this zone, by the server and the browser alike.
		timeZone: territory?.timeZone ?? 'Europe/Paris'
	};
};
