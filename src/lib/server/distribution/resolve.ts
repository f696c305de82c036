// Who a list reaches today — what publishing sends to. Read at the moment of use, never copied:
// a list by functions follows arrivals and departures, a club list the club's membership.
import type { Db } from '../db';
import { text, type CommandFailure } from '../documents/commands/result';
import { ID_PATTERN } from '../ids';
import { LIST_NOT_FOUND } from './commands';
import { dedupeRecipients, getDistributionList, recipientsOf, type Recipient } from './queries';

export type Resolved =
	{ ok: true; lists: { id: string; name: string }[]; recipients: Recipient[] } | CommandFailure;

const notFound: CommandFailure = {
	ok: false,
	status: 404,
	message: LIST_NOT_FOUND,
	field: 'lists',
	denied: false
};

/**
 * The recipients of one list of the territory, one per address (a user kept over a person
 * without an account at the same address), by name. An unknown id, or another territory's
 * list, is a 404 refusal: nothing says whether it exists elsewhere.
 */
export function resolveList(db: Db, territoryId: string, listId: unknown): Promise<Resolved> {
	return resolveLists(db, territoryId, [listId]);
}

/** The union of several lists, de-duplicated by address; any unknown id refuses them all. */
export async function resolveLists(
	db: Db,
	territoryId: string,
	listIds: unknown[]
): Promise<Resolved> {
	const ids = [...new Set(listIds.map(text))];
	const lists = [];
	for (const id of ids) {
		const list = ID_PATTERN.test(id) ? await getDistributionList(db, territoryId, id) : null;
		if (!list) return notFound;
		lists.push(list);
	}
	const everyone: Recipient[] = [];
	for (const list of lists) everyone.push(...(await recipientsOf(db, territoryId, list)));
	return {
		ok: true,
		lists: lists.map(({ id, name }) => ({ id, name })),
		recipients: dedupeRecipients(everyone)
	};
}
