import { json } from '@sveltejs/kit';
import { isReachable } from '$lib/server/db';
import { db } from '$lib/server/runtime';

/** Liveness and readiness: 200 when the database answers, 503 otherwise. */
export async function GET() {
	const ok = await isReachable(db());
	return json(
		{ status: ok ? 'ok' : 'database unreachable' },
		{ status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } }
	);
}
