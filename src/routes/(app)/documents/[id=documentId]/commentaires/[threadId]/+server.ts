// One thread: POST a reply; PATCH { status: 'resolved' | 'open' } to resolve or reopen it.
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { reply, setThreadStatus } from '$lib/server/comments/commands';
import { broadcastThread } from '$lib/server/comments/broadcast';
import { BodyRefused, NO_STORE, readJsonObject, refusal } from '$lib/server/http/json';
import { db, runtime } from '$lib/server/runtime';

export const POST: RequestHandler = async ({ locals, params, request }) => {
	const input = await readJsonObject(request);
	if (input instanceof BodyRefused) return input.response;
	const result = await reply(db(), locals.user!, params.id, params.threadId, { body: input.body });
	if (!result.ok) return refusal(result);
	broadcastThread(runtime().collab, result.thread);
	return json(
		{ message: result.message, thread: result.thread },
		{ status: 201, headers: NO_STORE }
	);
};

export const PATCH: RequestHandler = async ({ locals, params, request }) => {
	const input = await readJsonObject(request);
	if (input instanceof BodyRefused) return input.response;
	const result = await setThreadStatus(db(), locals.user!, params.id, params.threadId, {
		status: input.status
	});
	if (!result.ok) return refusal(result);
	broadcastThread(runtime().collab, result.thread);
	return json({ message: result.message, thread: result.thread }, { headers: NO_STORE });
};
