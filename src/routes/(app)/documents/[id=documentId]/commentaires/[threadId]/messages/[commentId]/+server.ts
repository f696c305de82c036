// One message of a thread, by its author only: PATCH { body } edits it, DELETE removes it.
import type { RequestHandler } from './$types';
import { deleteComment, editComment } from '$lib/server/comments/commands';
import { answerAndBroadcast } from '$lib/server/comments/broadcast';
import { BodyRefused, readJsonObject } from '$lib/server/http/json';
import { db, runtime } from '$lib/server/runtime';

export const PATCH: RequestHandler = async ({ locals, params, request }) => {
	const input = await readJsonObject(request);
	if (input instanceof BodyRefused) return input.response;
	const result = await editComment(
		db(),
		locals.user!,
		params.id,
		params.threadId,
		params.commentId,
		{ body: input.body }
	);
	return answerAndBroadcast(runtime().collab, result);
};

export const DELETE: RequestHandler = async ({ locals, params }) => {
	const result = await deleteComment(
		db(),
		locals.user!,
		params.id,
		params.threadId,
		params.commentId
	);
	return answerAndBroadcast(runtime().collab, result);
};
