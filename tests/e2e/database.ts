// The database behind the server a scenario runs against (tests/e2e/run.ts makes one per
// project), for the few scenarios that must set up or move what no page can (damaged storage,
// a deadline in the past).
import type { TestInfo } from '@playwright/test';
import { openDatabase, type Db } from '../../src/lib/server/db';

export function databaseOf(testInfo: TestInfo): Db {
	const url =
		testInfo.project.name === 'postgres'
			? process.env.E2E_POSTGRES_URL
			: process.env.E2E_SQLITE_URL;
	if (!url) throw new Error('tests/e2e/run.ts gives each server its database');
	return openDatabase(url);
}

/** A demo user by e-mail: id and territory (what document factories take as the actor). */
export function demoUser(db: Db, email: string) {
	return db
		.selectFrom('app_user')
		.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
		.select(['app_user.id', 'organisation.territory_id as territoryId'])
		.where('app_user.email', '=', email)
		.executeTakeFirstOrThrow();
}
