import type { Db } from '../db';

export interface TerritoryUser {
	id: string;
	displayName: string;
	jobTitle: string;
	organisationName: string;
	organisationKind: 'epci' | 'commune';
}

function territoryUsers(db: Db, territoryId: string) {
	return db
		.selectFrom('app_user')
		.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
		.select([
			'app_user.id',
			'app_user.display_name as displayName',
			'app_user.job_title as jobTitle',
			'organisation.name as organisationName',
			'organisation.kind as organisationKind'
		])
		.where('organisation.territory_id', '=', territoryId);
}

export async function listTerritoryUsers(db: Db, territoryId: string): Promise<TerritoryUser[]> {
	return territoryUsers(db, territoryId)
		.orderBy('organisation.kind')
		.orderBy('organisation.name')
		.orderBy('app_user.display_name')
		.execute();
}

/** A user of this territory, or null (an id from another territory is treated as unknown). */
export async function findTerritoryUser(
	db: Db,
	territoryId: string,
	userId: string
): Promise<TerritoryUser | null> {
	return (
		(await territoryUsers(db, territoryId).where('app_user.id', '=', userId).executeTakeFirst()) ??
		null
	);
}

export const DEFAULT_TIME_ZONE = 'Europe/Paris';

/** Whether `timeZone` is an IANA zone this runtime knows (and so can format dates in). */
export function isSupportedTimeZone(timeZone: string): boolean {
	return Intl.supportedValuesOf('timeZone').includes(timeZone) || timeZone === 'UTC';
}

export async function getTerritory(db: Db, territoryId: string) {
	const row = await db
		.selectFrom('territory')
		.select(['id', 'name', 'kind', 'time_zone as timeZone'])
		.where('id', '=', territoryId)
		.executeTakeFirst();
	if (!row) return null;
	// A zone written by hand that this runtime does not know would make every page throw.
	return {
		...row,
		timeZone: isSupportedTimeZone(row.timeZone) ? row.timeZone : DEFAULT_TIME_ZONE
	};
}

/** Sets the zone in which the territory's dates are shown; false (nothing saved) when unknown. */
export async function setTerritoryTimeZone(
	db: Db,
	territoryId: string,
	timeZone: string
): Promise<boolean> {
	if (!isSupportedTimeZone(timeZone)) return false;
	await db
		.updateTable('territory')
		.set({ time_zone: timeZone })
		.where('id', '=', territoryId)
		.execute();
	return true;
}

export async function listOrganisations(db: Db, territoryId: string) {
	return db
		.selectFrom('organisation')
		.select(['id', 'name', 'kind', 'population'])
		.where('territory_id', '=', territoryId)
		.orderBy('kind', 'desc') // the EPCI first
		.orderBy('name')
		.execute();
}
