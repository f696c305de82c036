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
		typeParagraph(client.doc, 'La commission propose une indemnité forfaitaire pour les astreintes hivernales.');
		let hits: Awaited<ReturnType<typeof searchDocuments>> = [];
		await waitFor(async () => {
			hits = await searchDocuments(db, 'astreintes', await readableIds(author));
			return hits.length > 0;
		}, 5_000, 'search hit');
		expect(hits[0].id).toBe(openId);
		expect(hits[0].snippet).toContain('\u0001astreintes\u0002');
		expect((await searchDocuments(db, 'indemnite', await readableIds(author))).map((h) => h.id)).toEqual([openId]);
		expect((await searchDocuments(db, 'hiver', await readableIds(author))).map((h) => h.id)).toEqual([openId]); // prefix
	});

	it('never returns a document the user cannot read', async () => {
		const client = connectProvider(port, secretId, author.token);
		await synced(client.provider);
		typeParagraph(client.doc, 'Arbitrage confidentiel sur les astreintes.');
		await waitFor(async () => (await searchDocuments(db, 'confidentiel', await readableIds(author))).length === 1, 5_000, 'indexed');
		const forOutsider = await searchDocuments(db, 'astreintes', await readableIds(outsider));
		expect(forOutsider.map((h) => h.id)).toEqual([openId]);
		expect(await searchDocuments(db, 'confidentiel', await readableIds(outsider))).toEqual([]);
	});

	it('treats search syntax as plain words', async () => {
		const ids = await readableIds(author);
		for (const query of ['"', 'NEAR(', 'astreintes AND', '*', ')) OR ((']) await expect(searchDocuments(db, query, ids)).resolves.toBeDefined();
	});
});
