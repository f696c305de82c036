// The outbox, for the administrators: what was sent, what waits, what failed and why — and,
// without SMTP_URL, the plain statement that nothing actually leaves.
import type { PageServerLoad } from './$types';
import { requireAdmin } from '$lib/server/auth/roles';
import { db, runtime } from '$lib/server/runtime';
import { listOutbox } from '$lib/server/mail';

export const load: PageServerLoad = async ({ locals, url }) => {
	requireAdmin(locals.user);
	const page = Number(url.searchParams.get('page') ?? '1');
	return {
		outbox: await listOutbox(db(), Number.isInteger(page) && page > 0 ? page : 1),
		smtpConfigured: runtime().config.smtpUrl !== '',
		mailFrom: runtime().config.mailFrom
	};
};
