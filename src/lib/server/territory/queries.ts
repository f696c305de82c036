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

export async function getTerritory(db: Db, territoryId: string) {
	return (
		(await db
			.selectFrom('territory')
			.select(['id', 'name', 'kind'])
			.where('id', '=', territoryId)
			.executeTakeFirst()) ?? null
	);
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
