// One thread: POST a reply; PATCH { status: 'resolved' | 'open' } to resolve or reopen it, or
// PATCH { anchor } to follow its passage after an edit of the text's structure (writers).
import type { RequestHandler } from './$types';
import { moveAnchor, reply, setThreadStatus } from '$lib/server/comments/commands';
import { answerAndBroadcast } from '$lib/server/comments/broadcast';
import { passageReader } from '$lib/server/comments/passage';
import { BodyRefused, readJsonObject } from '$lib/server/http/json';
import { db, runtime } from '$lib/server/runtime';

export const POST: RequestHandler = async ({ locals, params, request }) => {
	const input = await readJsonObject(request);
	if (input instanceof BodyRefused) return input.response;
	const result = await reply(db(), locals.user!, params.id, params.threadId, { body: input.body });
	return answerAndBroadcast(runtime().collab, result, 201);
};

export const PATCH: RequestHandler = async ({ locals, params, request }) => {
	const input = await readJsonObject(request);
	if (input instanceof BodyRefused) return input.response;
	const hub = runtime().collab;
	const result =
		'anchor' in input
			? await moveAnchor(
					db(),
					locals.user!,
					params.id,
					params.threadId,
					{ anchor: input.anchor },
					passageReader(db(), hub)
				)
			: await setThreadStatus(db(), locals.user!, params.id, params.threadId, {
					status: input.status
				});
	return answerAndBroadcast(hub, result);
};
