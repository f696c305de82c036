import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Db } from '../../src/lib/server/db';
import { listTerritoryDocuments } from '../../src/lib/server/documents';
import { indexDocument, searchDocuments } from '../../src/lib/server/search';
import { DOCUMENT_FRAGMENT } from '../../src/lib/documents/schema';
import { freshDb } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import { connectProvider, startCollabServer, synced, waitFor } from '../helpers/collab';

let db: Db;
let port: number;
let author: TestUser;
let outsider: TestUser;
let secretId: string;
let openId: string;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	author = await buildUser(db, territory, territory.epciId);
	outsider = await buildUser(db, territory, territory.communeId);
	secretId = await buildDocument(db, author);
	openId = await buildDocument(db, author, [[outsider, 'reader']]);
	for (const id of [secretId, openId]) await indexDocument(db, id);
	({ port } = await startCollabServer(db, { searchIndexDelayMs: 100 }));
});

/** Types a paragraph into the document body the way the editor stores it. */
function typeParagraph(doc: Y.Doc, text: string) {
	const paragraph = new Y.XmlElement('paragraph');
	paragraph.insert(0, [new Y.XmlText(text)]);
	doc.getXmlFragment(DOCUMENT_FRAGMENT).push([paragraph]);
}

async function readableIds(user: TestUser) {
	return (await listTerritoryDocuments(db, user)).filter((d) => d.role !== null).map((d) => d.id);
}

describe('full-text search kept up to date from the collaboration server', () => {
	it('finds a word typed through a real y-websocket client within a few seconds, accents folded, with a marked snippet', async () => {
		const client = connectProvider(port, openId, author.token);
		await synced(client.provider);
		typeParagraph(
			client.doc,
			'La commission propose une indemnité forfaitaire pour les astreintes hivernales.'
		);
		const found = async (query: string) =>
			(await searchDocuments(db, query, await readableIds(author))).map((h) => ({
				id: h.id,
				snippet: h.snippet
			}));
		await waitFor(async () => (await found('astreintes')).length > 0, 5_000, 'search hit');
		expect(await found('astreintes')).toEqual([
			{
				id: openId,
				snippet:
					'La commission propose une indemnité forfaitaire pour les \u0001astreintes\u0002 hivernales.'
			}
		]);
		expect(await found('indemnite')).toEqual([
			{
				id: openId,
				snippet:
					'La commission propose une \u0001indemnité\u0002 forfaitaire pour les astreintes hivernales.'
			}
		]);
		expect(await found('hiver')).toEqual([
			{
				id: openId,
				snippet:
					'La commission propose une indemnité forfaitaire pour les astreintes \u0001hivernales\u0002.'
			}
		]); // prefix
	});

	it('never returns a document the user cannot read', async () => {
		const client = connectProvider(port, secretId, author.token);
		await synced(client.provider);
		typeParagraph(client.doc, 'Arbitrage confidentiel sur les astreintes.');
		await waitFor(
			async () =>
				(await searchDocuments(db, 'confidentiel', await readableIds(author))).length === 1,
			5_000,
			'indexed'
		);
		const forOutsider = await searchDocuments(db, 'astreintes', await readableIds(outsider));
		expect(forOutsider.map((h) => h.id)).toEqual([openId]);
		expect(await searchDocuments(db, 'confidentiel', await readableIds(outsider))).toEqual([]);
	});
});

describe('search syntax typed by a user', () => {
	// Each query would select other documents (or fail) if FTS5 read its syntax: a phrase, NOT,
	// OR, NEAR, column filters, the initial-token caret, `+`. Neutralised, every word is a
	// required prefix, so an operator is a word like any other ("Or" is French).
	const corpus = {
		hiver: ['Astreintes hivernales', 'Les astreintes hivernales sont indemnisées au forfait.'],
		nuits: [
			'Indemnités des agents',
			'Pour les nuits hivernales, les astreintes sont payées double.'
		],
		deneigement: ['Déneigement', 'Or le déneigement relève des astreintes communales.'],
		voirie: ['Voirie', 'Plan de déneigement des routes communales.']
	} as const;
	type Name = keyof typeof corpus;
	const ids = {} as Record<Name, string>;

	beforeAll(async () => {
		for (const [name, [title, body]] of Object.entries(corpus) as [
			Name,
			readonly [string, string]
		][]) {
			ids[name] = await buildDocument(db, author);
			await db.updateTable('document').set({ title }).where('id', '=', ids[name]).execute();
			const doc = new Y.Doc();
			typeParagraph(doc, body);
			await indexDocument(db, ids[name], Y.encodeStateAsUpdate(doc));
		}
	});

	/** The hits among the corpus, by name, in the order the search ranks them. */
	async function found(query: string) {
		const hits = await searchDocuments(db, query, Object.values(ids));
		const nameOf = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
		return hits.map((hit) => ({
			name: nameOf.get(hit.id),
			titleMarked: hit.titleMarked,
			snippet: hit.snippet
		}));
	}
	async function foundNames(query: string) {
		return (await found(query)).map((hit) => hit.name);
	}

	it('a quoted phrase, `+`, `-` and a caret are plain words: both words anywhere, in any order', async () => {
		expect(await found('"astreintes hivernales"')).toEqual([
			{
				name: 'hiver',
				titleMarked: '\u0001Astreintes\u0002 \u0001hivernales\u0002',
				snippet: 'Les \u0001astreintes\u0002 \u0001hivernales\u0002 sont indemnisées au forfait.'
			},
			{
				name: 'nuits',
				titleMarked: 'Indemnités des agents',
				snippet:
					'Pour les nuits \u0001hivernales\u0002, les \u0001astreintes\u0002 sont payées double.'
			}
		]);
		for (const query of [
			'astreintes + hivernales',
			'astreintes -hivernales',
			'"astreintes" "hivernales',
			'^hivernales astreintes'
		]) {
			expect(await foundNames(query), query).toEqual(['hiver', 'nuits']);
		}
	});

	it('NOT, AND, OR and NEAR are words: only a document that contains them matches', async () => {
		expect(await foundNames('astreintes NOT hivernales')).toEqual([]);
		expect(await foundNames('déneigement AND communales')).toEqual([]);
		expect(await foundNames('NEAR(astreintes déneigement)')).toEqual([]);
		expect(await found('astreintes OR déneigement')).toEqual([
			{
				name: 'deneigement',
				titleMarked: '\u0001Déneigement\u0002',
				snippet:
					'\u0001Or\u0002 le \u0001déneigement\u0002 relève des \u0001astreintes\u0002 communales.'
			}
		]);
		expect(await foundNames(')) OR ((')).toEqual(['deneigement']);
	});

	it('column filters are words, and input without a word finds nothing', async () => {
		expect(await foundNames('title:astreintes')).toEqual([]);
		expect(await foundNames('body : déneigement')).toEqual([]);
		expect(await foundNames('{title body}: déneigement')).toEqual([]);
		expect(await foundNames('- title : astreintes')).toEqual([]);
		for (const query of ['"', '*', '()', ':', '-', '^', '""'])
			expect(await foundNames(query), query).toEqual([]);
	});
});
