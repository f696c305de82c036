// The territory's time zone (migration 0007), on both databases (`unit` and `unit:pg`).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { getTerritory, setTerritoryTimeZone } from '../../src/lib/server/territory/queries';
import { freshDb } from '../helpers/db';
import { buildTerritory, type TestTerritory } from '../helpers/factories';

let db: Db;
let territory: TestTerritory;

beforeAll(async () => {
	({ db } = await freshDb());
	territory = await buildTerritory(db);
});

describe('the territory’s time zone', () => {
	it('is Europe/Paris unless set', async () => {
		expect((await getTerritory(db, territory.territoryId))?.timeZone).toBe('Europe/Paris');
	});

	it('can be set to an overseas zone, and refuses a name that is not a time zone', async () => {
		expect(await setTerritoryTimeZone(db, territory.territoryId, 'Indian/Reunion')).toBe(true);
		expect((await getTerritory(db, territory.territoryId))?.timeZone).toBe('Indian/Reunion');
		expect(await setTerritoryTimeZone(db, territory.territoryId, 'Europe/Lauze')).toBe(false);
		expect((await getTerritory(db, territory.territoryId))?.timeZone).toBe('Indian/Reunion');
	});

	it('falls back to Europe/Paris when the stored name is unknown to this runtime', async () => {
		await db
			.updateTable('territory')
			.set({ time_zone: 'Mars/Olympus' })
			.where('id', '=', territory.territoryId)
			.execute();
		expect((await getTerritory(db, territory.territoryId))?.timeZone).toBe('Europe/Paris');
	});
});
