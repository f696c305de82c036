// The route side of distribution lists: who may open the pages, the list as a SvelteKit answer.
import { error } from '@sveltejs/kit';
import type { Db } from '../db';
import type { Actor } from '../documents/access';
import { ID_PATTERN } from '../ids';
import { canManageLists, LIST_NOT_FOUND, LISTS_STEERING_ONLY } from './commands';
import { getDistributionList } from './queries';

/** The pages of /diffusion are the direction's and the administrators': 403 for anyone else. */
export function requireListManager<T extends Pick<Actor, 'territoryRole'>>(user: T | null): T {
	if (!user || !canManageLists(user)) error(403, LISTS_STEERING_ONLY);
	return user;
}

/** A list of the viewer's territory, or the 404 (unknown id, another territory's list). */
export async function requireList(db: Db, territoryId: string, listId: string) {
	const list = ID_PATTERN.test(listId) ? await getDistributionList(db, territoryId, listId) : null;
	if (!list) error(404, LIST_NOT_FOUND);
	return list;
}
