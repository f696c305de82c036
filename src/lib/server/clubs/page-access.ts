// The route side of clubs: the club as a SvelteKit answer, and the commands' results settled.
import { error } from '@sveltejs/kit';
import type { Db } from '../db';
import { ID_PATTERN } from '../ids';
import type { CommandFailure, RightsHub } from '../documents/commands/result';
import { CLUB_NOT_FOUND, type ClubResult, type ClubSuccess } from './commands';
import { getClub } from './queries';
import { closeRightsChangedOn } from './rights';

/** A club of the viewer's territory, or the 404 (unknown id, another territory's club). */
export async function requireClub(db: Db, territoryId: string, clubId: string) {
	const club = ID_PATTERN.test(clubId) ? await getClub(db, territoryId, clubId) : null;
	if (!club) error(404, CLUB_NOT_FOUND);
	return club;
}

/**
 * As documents' settle(): a refusal by who-may-act becomes the error page (404 / 403); a
 * success closes, once committed, the sockets of everyone whose role changed on each document
 * the club is invited to.
 */
export async function settleClub<T extends object>(
	hub: RightsHub | null,
	pending: Promise<ClubResult<T>>
): Promise<ClubSuccess<T> | CommandFailure> {
	const result = await pending;
	if (!result.ok) {
		if (result.denied) error(result.status, result.message);
		return result;
	}
	closeRightsChangedOn(hub, result.rightsChanged);
	return result;
}
