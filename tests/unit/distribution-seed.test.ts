// The demo territory's functions and distribution lists: every person has a function, and the
// five demo lists resolve to the people a DGS would expect.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { seedDemoTerritory } from '../../src/lib/server/territory/seed';
import { listDistributionLists, resolveList } from '../../src/lib/server/distribution';
import { freshDb } from '../helpers/db';

let db: Db;
let territoryId: string;
beforeAll(async () => {
	({ db } = await freshDb());
	territoryId = (await seedDemoTerritory(db))!.territoryId;
});

async function recipientsOf(name: string) {
	const list = (await listDistributionLists(db, territoryId)).find((l) => l.name === name)!;
	const resolved = await resolveList(db, territoryId, list.id);
	if (!resolved.ok) throw new Error(resolved.message);
	return resolved.recipients;
}

describe('demo functions and lists', () => {
	it('gives every demo person a function', async () => {
		const people = await db.selectFrom('app_user').select(['email', 'function']).execute();
		expect(people.filter((p) => p.function === null)).toEqual([]);
	});

	it('seeds the five lists of the porter à connaissance', async () => {
		const lists = await listDistributionLists(db, territoryId);
		expect(lists.map((l) => [l.name, l.kind])).toEqual([
			['Cadres concernés', 'functions'],
			['Commission ressources humaines', 'manual'],
			['Maires du territoire', 'manual'],
			['Membres du Club RH', 'club'],
			['Tous les DGS et secrétaires de mairie', 'functions']
		]);
	});

	it('« Tous les DGS… » reaches the nine DGS and the four secrétaires de mairie', async () => {
		const recipients = await recipientsOf('Tous les DGS et secrétaires de mairie');
		expect(recipients.filter((r) => r.function === 'dgs')).toHaveLength(9);
		expect(recipients.filter((r) => r.function === 'secretaire_mairie')).toHaveLength(4);
		expect(recipients).toHaveLength(13);
		expect(recipients.map((r) => r.email)).toContain('claire.martin@agglo-lauze.test');
	});

	it('the mayors are twelve people without an account; the commission mixes users and élus; the club list is the Club RH', async () => {
		const mayors = await recipientsOf('Maires du territoire');
		expect(mayors).toHaveLength(12);
		expect(mayors.every((m) => m.userId === null && /^maire@[a-z-]+\.test$/.test(m.email))).toBe(
			true
		);
		const commission = await recipientsOf('Commission ressources humaines');
		expect(commission.filter((r) => r.userId !== null)).toHaveLength(4);
		expect(commission.filter((r) => r.userId === null)).toHaveLength(3);
		const club = await recipientsOf('Membres du Club RH');
		expect(club.map((r) => r.name).sort()).toEqual(
			[
				'Nadia Benali',
				'Marion Petit',
				'Élodie Marchand',
				'Laurent Chevalier',
				'Hélène Faure'
			].sort()
		);
		const cadres = await recipientsOf('Cadres concernés');
		expect(cadres.map((r) => r.function).every((f) => f === 'directeur' || f === 'cadre')).toBe(
			true
		);
	});
});
