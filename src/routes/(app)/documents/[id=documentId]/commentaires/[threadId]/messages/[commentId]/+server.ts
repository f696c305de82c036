// One message of a thread, by its author only: PATCH { body } edits it, DELETE removes it.
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { deleteComment, editComment } from '$lib/server/comments/commands';
import { broadcastRemoved, broadcastThread } from '$lib/server/comments/broadcast';
import { BodyRefused, NO_STORE, readJsonObject, refusal } from '$lib/server/http/json';
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
		{
			body: input.body
		}
	);
	if (!result.ok) return refusal(result);
	broadcastThread(runtime().collab, result.thread);
	return json({ message: result.message, thread: result.thread }, { headers: NO_STORE });
};

export const DELETE: RequestHandler = async ({ locals, params }) => {
	const result = await deleteComment(
		db(),
		locals.user!,
		params.id,
		params.threadId,
		params.commentId
	);
	if (!result.ok) return refusal(result);
	if (result.thread) broadcastThread(runtime().collab, result.thread);
	if (result.removedThreadId) broadcastRemoved(runtime().collab, params.id, result.removedThreadId);
	return json(
		{ message: result.message, thread: result.thread, removedThreadId: result.removedThreadId },
		{ headers: NO_STORE }
	);
};
