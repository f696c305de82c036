// Comment threads of a document. GET: every thread (readers included), who can be mentioned,
// the clubs the viewer may post for. POST: opens a thread on a passage (annotator and above).
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { documentAccess } from '$lib/server/documents';
import { ACCESS_MESSAGES } from '$lib/server/documents/commands/result';
import { listThreads, postableClubs, readersOf } from '$lib/server/comments/queries';
import { openThread } from '$lib/server/comments/commands';
import { passageReader } from '$lib/server/comments/passage';
import { answerAndBroadcast } from '$lib/server/comments/broadcast';
import { BodyRefused, NO_STORE, readJsonObject } from '$lib/server/http/json';
import { db, runtime } from '$lib/server/runtime';

export const GET: RequestHandler = async ({ locals, params }) => {
	const user = locals.user!;
	const access = await documentAccess(db(), user, params.id);
	if (access.status !== 'granted') {
		const status = access.status === 'forbidden' ? 403 : 404;
		return json({ message: ACCESS_MESSAGES[access.status] }, { status, headers: NO_STORE });
	}
	const [threads, mentionables, clubs] = await Promise.all([
		listThreads(db(), params.id),
		access.canAnnotate ? readersOf(db(), params.id, user.territoryId) : [],
		access.canAnnotate ? postableClubs(db(), params.id, user.id) : []
	]);
	return json({ threads, mentionables, clubs }, { headers: NO_STORE });
};

export const POST: RequestHandler = async ({ locals, params, request }) => {
	const input = await readJsonObject(request);
	if (input instanceof BodyRefused) return input.response;
	const hub = runtime().collab;
	const result = await openThread(
		db(),
		locals.user!,
		params.id,
		{ anchor: input.anchor, body: input.body, clubId: input.clubId },
		passageReader(db(), hub)
	);
	return answerAndBroadcast(hub, result, 201);
};
