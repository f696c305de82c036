import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { checkBinome, parseNewDocument } from '../../src/lib/server/documents';
import { validateSessionToken, type SessionUser } from '../../src/lib/server/auth/session';
import { ensureDefaultTemplates } from '../../src/lib/server/templates';
import { freshDb } from '../helpers/db';
import { buildTerritory, buildUser, type TestUser } from '../helpers/factories';

let db: Db;
let creator: SessionUser;
let communeDgs: TestUser;
let otherEpciUser: TestUser;
let foreigner: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	await ensureDefaultTemplates(db);
	const territory = await buildTerritory(db);
	const elsewhere = await buildTerritory(db);
	const epciUser = await buildUser(db, territory, territory.epciId);
	creator = (await validateSessionToken(db, epciUser.token)).user!;
	communeDgs = await buildUser(db, territory, territory.communeId);
	otherEpciUser = await buildUser(db, territory, territory.epciId);
	foreigner = await buildUser(db, elsewhere, elsewhere.communeId);
});

function form(values: Record<string, string | string[]>): FormData {
	const data = new FormData();
	for (const [key, value] of Object.entries(values))
		for (const v of [value].flat()) data.append(key, v);
	return data;
}
const valid = () => ({
	title: 'Position commune sur le RIFSEEP',
	kind: 'position-commune',
	template: 'position-commune-rifseep',
	partner: communeDgs.id,
	theme: 'rh',
	dueDate: '2027-01-15'
});

describe('binôme validation', () => {
	it('accepts one person of the intercommunality and one of a commune', () => {
		expect(
			checkBinome({ id: 'a', organisationKind: 'epci' }, { id: 'b', organisationKind: 'commune' })
		).toBeNull();
		expect(
			checkBinome({ id: 'a', organisationKind: 'commune' }, { id: 'b', organisationKind: 'epci' })
		).toBeNull();
	});
	it('requires both halves', () => {
		expect(checkBinome({ id: 'a', organisationKind: 'epci' }, null)).toBe(
			'Choisissez le second co-pilote du binôme.'
		);
	});
	it('rejects the same side twice, and the same person twice', () => {
		expect(
			checkBinome({ id: 'a', organisationKind: 'epci' }, { id: 'b', organisationKind: 'epci' })
		).toMatch(/co-pilote communal/);
		expect(
			checkBinome(
				{ id: 'a', organisationKind: 'commune' },
				{ id: 'b', organisationKind: 'commune' }
			)
		).toMatch(/co-pilote de l’intercommunalité/);
		expect(
			checkBinome(
				{ id: 'a', organisationKind: 'commune' },
				{ id: 'a', organisationKind: 'commune' }
			)
		).toMatch(/deux personnes différentes/);
	});
});

describe('creating a document: bad input gives a French message', () => {
	it('accepts a complete RIFSEEP position', async () => {
		const parsed = await parseNewDocument(db, creator, form(valid()));
		expect(parsed.ok).toBe(true);
		if (parsed.ok)
			expect(parsed.value.input).toMatchObject({
				kind: 'position-commune',
				theme: 'rh',
				dueDate: '2027-01-15',
				partnerId: communeDgs.id
			});
	});

	const cases: [string, Record<string, string>, RegExp][] = [
		['unknown kind', { kind: 'tract-electoral' }, /Type de document inconnu/],
		['template of another kind', { template: 'compte-rendu' }, /modèle ne correspond pas/],
		['missing binôme half', { partner: '' }, /second co-pilote/],
		['unknown partner id', { partner: 'x' }, /n’appartient pas au territoire/],
		['10 MB title', { title: 'R'.repeat(10 * 1024 * 1024) }, /200 caractères/],
		['script in title', { title: '<script>alert(1)</script>' }, /< ou >/],
		['empty title', { title: '   ' }, /Indiquez un titre/],
		['impossible date', { dueDate: '2027-02-30' }, /date valide/],
		['unknown theme', { theme: 'chasse' }, /Thème inconnu/],
		// NUL is refused by PostgreSQL's text type (a 500 there); a bidi override shows reversed.
		[
			'NUL in the title',
			{ title: 'Position\u0000RIFSEEP' },
			/caractères invisibles ou de contrôle/
		],
		[
			'bidi override in the title',
			{ title: '\u202eFEESFIR' },
			/caractères invisibles ou de contrôle/
		],
		[
			'control character in the summary',
			{ summary: 'a\u0007b' },
			/caractères invisibles ou de contrôle/
		]
	];
	for (const [name, override, message] of cases) {
		it(name, async () => {
			const parsed = await parseNewDocument(db, creator, form({ ...valid(), ...override }));
			expect(parsed.ok).toBe(false);
			if (!parsed.ok) expect(parsed.message).toMatch(message);
		});
	}

	it('a partner of the same side is refused', async () => {
		const parsed = await parseNewDocument(
			db,
			creator,
			form({ ...valid(), partner: otherEpciUser.id })
		);
		expect(parsed).toMatchObject({
			ok: false,
			message: expect.stringMatching(/co-pilote communal/)
		});
	});

	it('a user of another territory cannot be co-pilote', async () => {
		const parsed = await parseNewDocument(db, creator, form({ ...valid(), partner: foreigner.id }));
		expect(parsed).toMatchObject({
			ok: false,
			message: 'Le second co-pilote n’appartient pas au territoire.'
		});
	});

	it('an organisation of another territory cannot be concerned', async () => {
		const parsed = await parseNewDocument(
			db,
			creator,
			form({ ...valid(), organisations: [foreigner.organisationId] })
		);
		expect(parsed).toMatchObject({
			ok: false,
			message: expect.stringMatching(/organisations choisies/)
		});
	});

	it('reports every field in error at once, in the order of the form', async () => {
		const parsed = await parseNewDocument(
			db,
			creator,
			form({ ...valid(), title: ' ', dueDate: '2027-02-30', partner: '', theme: 'chasse' })
		);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok)
			expect(parsed.errors.map((e) => e.field)).toEqual(['title', 'partner', 'theme', 'dueDate']);
	});
});
