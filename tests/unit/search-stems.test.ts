// French search on both databases (`unit` and `unit:pg`): stems computed in JavaScript, accents
// folded, a prefix on the last word; people and organisations found by name; the documents
// page's one list honouring the search, every filter and the scope together.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import {
	backfillSearchTerms,
	searchDocuments,
	writeSearchEntry
} from '../../src/lib/server/search';
import { listDocuments, parseListParams } from '../../src/lib/server/search/list';
import { freshDb } from '../helpers/db';
import {
	buildDocument,
	buildTerritory,
	buildUser,
	type TestTerritory,
	type TestUser
} from '../helpers/factories';

let db: Db;
let territory: TestTerritory;
let epciAgent: TestUser;
let communeAgent: TestUser;
let viewer: TestUser;
const ids = {} as Record<'minutes' | 'rgpd' | 'training' | 'secret', string>;
let indexedBefore: string;

async function describeDocument(
	id: string,
	fields: { title: string; kind: string; theme: string | null; body: string }
) {
	await db
		.updateTable('document')
		.set({ title: fields.title, kind: fields.kind, theme: fields.theme })
		.where('id', '=', id)
		.execute();
	await writeSearchEntry(db, id, fields.title, fields.body);
}

beforeAll(async () => {
	({ db } = await freshDb());
	territory = await buildTerritory(db);
	epciAgent = await buildUser(db, territory, territory.epciId, { name: 'Sandrine Lefèvre' });
	communeAgent = await buildUser(db, territory, territory.communeId, { name: 'Paul Girard' });
	viewer = await buildUser(db, territory, territory.communeId, { name: 'Nadia Benali' });
	// The viewer reads the minutes (a participant) and the training plan (co-pilote); the RGPD
	// position concerns the EPCI only, read through nobody; the secret note is not theirs.
	ids.minutes = await buildDocument(db, epciAgent, [[viewer, 'reader']], undefined, communeAgent);
	ids.training = await buildDocument(db, viewer, [], undefined, epciAgent);
	ids.rgpd = await buildDocument(db, epciAgent, [[viewer, 'editor']], undefined, communeAgent);
	ids.secret = await buildDocument(db, epciAgent, [], undefined, communeAgent);
	// Indexed before migration 0006: a text without terms, as an upgraded database holds them.
	// (In a territory of its own, to keep the lists below as they are.)
	const elsewhere = await buildTerritory(db);
	indexedBefore = await buildDocument(
		db,
		await buildUser(db, elsewhere, elsewhere.epciId),
		[],
		undefined,
		await buildUser(db, elsewhere, elsewhere.communeId)
	);
	await db.deleteFrom('document_search').where('document_id', '=', indexedBefore).execute();
	await db
		.insertInto('document_search')
		.values({ document_id: indexedBefore, title: 'Ancien', body: 'Délibérations anciennes.' })
		.execute();
	await describeDocument(ids.minutes, {
		title: 'Compte-rendu du bureau',
		kind: 'compte-rendu',
		theme: 'gouvernance',
		body: 'Le bureau a adopté les délibérations sur la protection des données.'
	});
	await describeDocument(ids.training, {
		title: 'Plan de formation 2027',
		kind: 'plan-de-formation',
		theme: 'rh',
		body: 'Formations à la protection des données pour les secrétaires de mairie.'
	});
	await describeDocument(ids.rgpd, {
		title: 'Position commune RGPD',
		kind: 'position-commune',
		theme: 'numerique-rgpd',
		body: 'Les protections prévues par le règlement ; délibérer avant le 1er mars.'
	});
	await describeDocument(ids.secret, {
		title: 'Protection fonctionnelle confidentielle',
		kind: 'note',
		theme: 'rh',
		body: 'Délibérations à huis clos.'
	});
});

const all = () => Object.values(ids);
const found = async (query: string, among = all()) =>
	(await searchDocuments(db, query, among)).map((hit) => hit.id).sort();

describe('French stems, the same on SQLite and PostgreSQL', () => {
	it('finds the texts indexed before the stems existed, once the start-up backfill ran', async () => {
		expect(await found('délibérer ancien', [...all(), indexedBefore])).toEqual([]);
		expect(await backfillSearchTerms(db)).toBe(1);
		expect(await found('délibérer ancien', [...all(), indexedBefore])).toEqual([indexedBefore]);
		expect(await backfillSearchTerms(db)).toBe(0);
	});

	it('« délibérer » finds « délibérations » and the other way round', async () => {
		expect(await found('délibérer')).toEqual([ids.minutes, ids.rgpd, ids.secret].sort());
		expect(await found('deliberations')).toEqual([ids.minutes, ids.rgpd, ids.secret].sort());
	});

	it('« protection » finds « protections », accents and capitals folded', async () => {
		expect(await found('protection')).toEqual(all().sort());
		expect(await found('PROTECTIONS DONNEES')).toEqual([ids.minutes, ids.training].sort());
		expect(await found('reglement prevu')).toEqual([ids.rgpd]);
	});

	it('matches the last word as a prefix of a word, not of any word of the same stem', async () => {
		// « commun » is the stem of « communes »; « communauté » is another word.
		await writeSearchEntry(
			db,
			ids.secret,
			'Protection fonctionnelle confidentielle',
			'Délibérations à huis clos de la communauté.'
		);
		expect(await found('communes')).toEqual([ids.rgpd]); // « Position commune RGPD »
		expect(await found('communaut')).toEqual([ids.secret]);
		await writeSearchEntry(
			db,
			ids.secret,
			'Protection fonctionnelle confidentielle',
			'Délibérations à huis clos.'
		);
	});

	it('matches a prefix on the last word only, and requires every word', async () => {
		expect(await found('formation secr')).toEqual([ids.training]);
		expect(await found('secr formation')).toEqual([]);
		expect(await found('délibérer bureau')).toEqual([ids.minutes]);
	});

	it('marks the words whose stem matches, in the original text', async () => {
		const [hit] = await searchDocuments(db, 'délibérer protection', [ids.minutes]);
		expect(hit.snippet).toBe(
			'Le bureau a adopté les \u0001délibérations\u0002 sur la \u0001protection\u0002 des données.'
		);
	});
});

describe('the documents list: search, filters and scope together', () => {
	const list = async (query: string, user: TestUser = viewer) =>
		(await listDocuments(db, user, parseListParams(new URLSearchParams(query)))).documents
			.map((d) => d.id)
			.sort();
	const others = async (query: string, user: TestUser = viewer) =>
		(await listDocuments(db, user, parseListParams(new URLSearchParams(query)))).others
			.map((d) => d.id)
			.sort();

	it('reads its state from the URL, unknown values falling back to everything', () => {
		expect(parseListParams(new URLSearchParams('vue=tout&type=&tri=pertinence'))).toEqual({
			scope: 'all',
			kind: '',
			theme: '',
			status: '',
			organisation: '',
			sort: 'activite',
			q: ''
		});
		expect(parseListParams(new URLSearchParams('vue=mine&q=+IFSE+')).sort).toBe('pertinence');
		expect(parseListParams(new URLSearchParams('q=IFSE&tri=titre')).sort).toBe('titre');
	});

	it('a search never returns what the user cannot read', async () => {
		expect(await list('q=protection')).toEqual([ids.minutes, ids.training, ids.rgpd].sort());
	});

	it('a search honours the kind, theme, status and organisation filters', async () => {
		expect(await list('q=protection&type=compte-rendu')).toEqual([ids.minutes]);
		expect(await list('q=protection&theme=rh')).toEqual([ids.training]);
		expect(await list('q=protection&statut=brouillon')).toEqual(
			[ids.minutes, ids.training, ids.rgpd].sort()
		);
		expect(await list('q=protection&statut=publie')).toEqual([]);
		await db
			.insertInto('document_organisation')
			.values({ document_id: ids.rgpd, organisation_id: territory.epciId })
			.execute();
		// Every document here is co-piloted by someone of each organisation: all involve both.
		expect(await list(`q=délibérer&organisation=${territory.epciId}`)).toEqual(
			[ids.minutes, ids.rgpd].sort()
		);
	});

	it('a search honours the scope', async () => {
		const outsider = await buildUser(db, territory, territory.epciId, { role: 'direction' });
		// The direction reads everything without taking part: « mine » is empty for them.
		expect(await list('q=protection&vue=all', outsider)).toEqual(all().sort());
		expect(await list('q=protection&vue=mine', outsider)).toEqual([]);
		expect(await list('q=protection&vue=organisation', outsider)).toEqual(all().sort());
		expect(await list('q=protection&vue=mine')).toEqual(
			[ids.minutes, ids.training, ids.rgpd].sort()
		);
	});

	it('finds documents by a person’s name: co-pilotes and participants', async () => {
		expect(await list('q=Girard')).toEqual([ids.minutes, ids.rgpd].sort());
		expect(await list('q=lefevre')).toEqual([ids.minutes, ids.training, ids.rgpd].sort());
		// Nadia takes part in all three as reader, co-pilote or rédactrice.
		expect(await list('q=nadia benali&type=position-commune')).toEqual([ids.rgpd]);
		const hit = (
			await listDocuments(db, viewer, parseListParams(new URLSearchParams('q=girard')))
		).documents.find((d) => d.id === ids.minutes)!.hit!;
		expect(hit.namesMarked).toContain('Paul \u0001Girard\u0002');
	});

	it('finds documents by an organisation’s name, combined with words of the text', async () => {
		expect(await list('q=Agglo Test délibérations')).toEqual([ids.minutes, ids.rgpd].sort());
		expect(await list('q=commune test formation')).toEqual([ids.training]);
	});

	it('« Autres documents » follow the filters and the search, on what the list shows only', async () => {
		expect(await others('')).toEqual([ids.secret]);
		expect(await others('type=compte-rendu')).toEqual([]);
		expect(await others('vue=mine')).toEqual([]);
		expect(await others('q=protection fonctionnelle')).toEqual([ids.secret]);
		// Its text is not searched for someone who cannot open it.
		expect(await others('q=huis clos')).toEqual([]);
	});
});
