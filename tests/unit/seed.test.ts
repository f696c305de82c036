import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Db } from '../../src/lib/server/db';
import { seedDemoTerritory, DEMO_PASSWORD } from '../../src/lib/server/territory/seed';
import { documentAccess, loadStoredState, plainText } from '../../src/lib/server/documents';
import { login } from '../../src/lib/server/auth/login';
import { LoginThrottle } from '../../src/lib/server/auth/throttle';
import { freshDb } from '../helpers/db';

let db: Db;
beforeAll(async () => {
	({ db } = await freshDb());
});

describe('demo territory seed', () => {
	it('creates an agglomeration with about 12 communes of 1,200–7,000 inhabitants, their DGS and three documents', async () => {
		const result = await seedDemoTerritory(db);
		const territory = await db
			.selectFrom('territory')
			.select(['id', 'name'])
			.executeTakeFirstOrThrow();
		expect(result).toMatchObject({
			territoryId: territory.id,
			territoryName: 'Communauté d’agglomération Cœur de Lauze',
			password: DEMO_PASSWORD
		});
		expect(territory.name).toBe('Communauté d’agglomération Cœur de Lauze');
		const communes = await db
			.selectFrom('organisation')
			.selectAll()
			.where('kind', '=', 'commune')
			.execute();
		expect(communes.length).toBe(12);
		for (const commune of communes) {
			expect(commune.population).toBeGreaterThanOrEqual(1200);
			expect(commune.population).toBeLessThanOrEqual(7000);
			expect(commune.insee_code).toMatch(/^\d{5}$/);
		}
		const users = await db
			.selectFrom('app_user')
			.select(['email', 'organisation_id', 'territory_role', 'job_title'])
			.execute();
		// The logins printed at start-up are exactly the accounts created.
		expect(result!.logins.map((l) => l.email).sort()).toEqual(users.map((u) => u.email).sort());
		for (const commune of communes)
			expect(users.some((u) => u.organisation_id === commune.id)).toBe(true);
		expect(users.filter((u) => u.territory_role === 'direction')).toHaveLength(1);
		expect(users.filter((u) => u.territory_role === 'admin')).toHaveLength(1);

		const documents = await db.selectFrom('document').select(['id', 'title']).execute();
		expect(documents).toHaveLength(3);
		const rgpd = documents.find((d) => d.title.includes('RGPD'))!;
		const doc = new Y.Doc();
		Y.applyUpdate(doc, (await loadStoredState(db, rgpd.id)).state);
		expect(plainText(doc)).toContain('Position proposée');
	});

	it('seeds three clubs métiers with members from several organisations; the Club RH annotates the RGPD position', async () => {
		const clubs = await db.selectFrom('club').select(['id', 'name']).execute();
		expect(clubs.map((c) => c.name).sort()).toEqual(['Club RH', 'Club finances', 'Club numérique']);
		for (const club of clubs) {
			const members = await db
				.selectFrom('club_member')
				.innerJoin('app_user', 'app_user.id', 'club_member.user_id')
				.select(['club_member.role', 'app_user.organisation_id'])
				.where('club_id', '=', club.id)
				.execute();
			const animateurs = members.filter((m) => m.role === 'animateur').length;
			expect(animateurs).toBeGreaterThanOrEqual(1);
			expect(animateurs).toBeLessThanOrEqual(2);
			expect(new Set(members.map((m) => m.organisation_id)).size).toBeGreaterThanOrEqual(3);
		}
		const rgpd = await db
			.selectFrom('document')
			.select('id')
			.where('title', 'like', '%RGPD%')
			.executeTakeFirstOrThrow();
		const invited = await db
			.selectFrom('document_club')
			.innerJoin('club', 'club.id', 'document_club.club_id')
			.select('club.name')
			.where('document_id', '=', rgpd.id)
			.execute();
		expect(invited.map((c) => c.name)).toEqual(['Club RH']);
		const elodie = await db
			.selectFrom('app_user')
			.innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
			.select([
				'app_user.id',
				'app_user.organisation_id as organisationId',
				'app_user.territory_role as territoryRole',
				'organisation.territory_id as territoryId'
			])
			.where('email', '=', 'elodie.marchand@sainte-colombe.test')
			.executeTakeFirstOrThrow();
		expect(await documentAccess(db, elodie, rgpd.id)).toMatchObject({ role: 'annotator' });
	});

	it('never seeds over existing data', async () => {
		expect(await seedDemoTerritory(db)).toBeNull();
		expect((await db.selectFrom('territory').select('id').execute()).length).toBe(1);
	});

	it('demo accounts sign in with the demo password', async () => {
		const result = await login(
			db,
			new LoginThrottle(),
			'isabelle.moreau@saint-aubin.test',
			DEMO_PASSWORD,
			'127.0.0.1'
		);
		expect(result.ok).toBe(true);
	});
});
