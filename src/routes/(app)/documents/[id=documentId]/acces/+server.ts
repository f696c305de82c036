import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { documentAccess } from '$lib/server/documents';
import { db } from '$lib/server/runtime';

/**
 * Why the editor's websocket was refused: browsers cannot read the HTTP status of a failed
 * upgrade, so the editor asks here (same session cookie, same policy).
 */
export const GET: RequestHandler = async ({ locals, params }) => {
	const user = locals.user!;
	const access = await documentAccess(db(), user, params.id);
	const status = access.status === 'granted' ? 200 : access.status === 'forbidden' ? 403 : 404;
	return json(
		{ status, canEdit: access.status === 'granted' && access.canEdit },
		{ status, headers: { 'cache-control': 'no-store' } }
	);
};
