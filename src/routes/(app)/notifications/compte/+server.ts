import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { unreadCount } from '$lib/server/notifications';
import { db } from '$lib/server/runtime';

/** The bell's live count (lib/notifications/bell.svelte.ts); anonymous requests get 401 (hooks). */
export const GET: RequestHandler = async ({ locals }) =>
	json(
		{ unread: await unreadCount(db(), locals.user!.id) },
		{ headers: { 'cache-control': 'no-store' } }
	);
