import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { documentAccess, listTerritoryDocuments } from '../../src/lib/server/documents';
import { setOrganisationMember } from '../../src/lib/server/documents/queries';
import { freshDb } from '../helpers/db';
import {
	buildRoleCast,
	buildTerritory,
	buildUser,
	type TestTerritory,
	type TestUser
} from '../helpers/factories';
import { newId } from '../../src/lib/server/ids';

let db: Db;
let territory: TestTerritory;
let coLead: TestUser;
let partner: TestUser;
let editor: TestUser;
let annotator: TestUser;
let reader: TestUser;
let direction: TestUser;
let outsider: TestUser;
let clubMember: TestUser;
let documentId: string;
let clubOrganisationId: string;

beforeAll(async () => {
	({ db } = await freshDb());
	territory = await buildTerritory(db);
	({ coLead, partner, editor, annotator, reader, direction, outsider, documentId } =
		await buildRoleCast(db, territory));
	clubOrganisationId = newId();
	await db
		.insertInto('organisation')
		.values({
			id: clubOrganisationId,
			territory_id: territory.territoryId,
			name: 'Commune B',
			kind: 'commune',
			insee_code: '99002',
			population: 1500,
			created_at: Date.now()
		})
		.execute();
	clubMember = await buildUser(db, territory, clubOrganisationId);
	await setOrganisationMember(db, documentId, clubOrganisationId, 'annotator', coLead.id);
});

describe('document access policy', () => {
	it('gives each role its rights', async () => {
		const expectations: [TestUser, object][] = [
			[
				coLead,
				{ role: 'colead', canEdit: true, canAnnotate: true, canManage: true, canChangeBinome: true }
			],
			[partner, { role: 'colead', canEdit: true, canManage: true }],
			[
				editor,
				{
					role: 'editor',
					canEdit: true,
					canAnnotate: true,
					canManage: false,
					canChangeBinome: false
				}
			],
			[annotator, { role: 'annotator', canEdit: false, canAnnotate: true, canManage: false }],
			[reader, { role: 'reader', canEdit: false, canAnnotate: false, canManage: false }],
			[clubMember, { role: 'annotator', canEdit: false, canAnnotate: true }],
			// The direction reads everything in its territory and may change a binôme, but does not write.
			[direction, { role: 'reader', canEdit: false, canManage: false, canChangeBinome: true }]
		];
		for (const [user, expected] of expectations) {
			expect(await documentAccess(db, user, documentId), user.displayName).toMatchObject({
				status: 'granted',
				...expected
			});
		}
	});

	it('refuses a territory member who takes part neither personally nor through an organisation', async () => {
		expect(await documentAccess(db, outsider, documentId)).toEqual({ status: 'forbidden' });
	});

	it('hides documents of other territories and unknown ids', async () => {
		const elsewhere = await buildTerritory(db);
		const stranger = await buildUser(db, elsewhere, elsewhere.epciId, { role: 'direction' });
		expect(await documentAccess(db, stranger, documentId)).toEqual({ status: 'not_found' });
		expect(await documentAccess(db, coLead, 'aaaaaaaaaaaaaaaa')).toEqual({ status: 'not_found' });
	});

	it('lists for each viewer only what they may open, with their role', async () => {
		const forOutsider = await listTerritoryDocuments(db, outsider);
		expect(forOutsider.find((d) => d.id === documentId)?.role).toBeNull();
		const forClub = await listTerritoryDocuments(db, clubMember);
		expect(forClub.find((d) => d.id === documentId)).toMatchObject({
			role: 'annotator',
			participates: true
		});
		const forDirection = await listTerritoryDocuments(db, direction);
		expect(forDirection.find((d) => d.id === documentId)).toMatchObject({
			role: 'reader',
			participates: false
		});
		const mine = await listTerritoryDocuments(db, coLead);
		expect(mine.find((d) => d.id === documentId)?.coleads.map((c) => c.id)).toEqual([
			coLead.id,
			partner.id
		]);
	});
});
