// « Qui a écrit ce passage ? » for the open editor: ?chemin=2.0.1 is the block's path (indices
// from the body down, as ProseMirror resolves the selection). Whoever may read the document
// may ask; others get the policy's 403/404, a path that leads nowhere a French 404.
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { documentAccess } from '$lib/server/documents';
import { ACCESS_MESSAGES } from '$lib/server/documents/commands/result';
import { attributePassage } from '$lib/server/documents/attribution';
import { peopleByIds } from '$lib/server/documents/versions';
import { db } from '$lib/server/runtime';

const headers = { 'cache-control': 'no-store' };

export const GET: RequestHandler = async ({ locals, params, url }) => {
	const access = await documentAccess(db(), locals.user!, params.id);
	if (access.status !== 'granted') {
		const status = access.status === 'forbidden' ? 403 : 404;
		return json({ message: ACCESS_MESSAGES[access.status] }, { status, headers });
	}
	const raw = url.searchParams.get('chemin') ?? '';
	if (!/^\d{1,6}(\.\d{1,6}){0,15}$/.test(raw))
		return json(
			{ message: 'Passage invalide : placez le curseur dans un paragraphe.' },
			{ status: 400, headers }
		);
	const attribution = await attributePassage(db(), params.id, raw.split('.').map(Number));
	if (!attribution)
		return json(
			{ message: 'Ce passage n’existe plus dans la version enregistrée du document.' },
			{ status: 404, headers }
		);
	const people = await peopleByIds(
		db(),
		attribution.authors.map((a) => a.userId)
	);
	return json(
		{
			text: attribution.text,
			authors: attribution.authors.map((a) => ({
				...a,
				displayName: people.get(a.userId)?.displayName ?? 'Personne inconnue',
				organisationName: people.get(a.userId)?.organisationName ?? ''
			}))
		},
		{ headers }
	);
};
