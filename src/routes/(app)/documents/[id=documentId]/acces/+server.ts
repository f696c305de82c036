import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { documentAccess } from '$lib/server/documents';
import { db } from '$lib/server/runtime';

/**
 * The viewer's current access, for the open editor: browsers cannot read the HTTP status of a
 * failed upgrade, and a socket closed because rights changed (4509) does not say the new role,
 * so the editor asks here (same session cookie, same policy).
 */
export const GET: RequestHandler = async ({ locals, params }) => {
	const user = locals.user!;
	const access = await documentAccess(db(), user, params.id);
	const status = access.status === 'granted' ? 200 : access.status === 'forbidden' ? 403 : 404;
	return json(
		access.status === 'granted'
			? { status, role: access.role, canEdit: access.canEdit }
			: { status, role: null, canEdit: false },
		{ status, headers: { 'cache-control': 'no-store' } }
	);
};
