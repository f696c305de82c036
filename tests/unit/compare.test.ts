// Issue 11: comparing two points of the journal gives each insertion and each deletion its
// author (replayed from the journal rows), also inside tables and lists, and renders them.
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Db } from '../../src/lib/server/db';
import { appendUpdates } from '../../src/lib/server/documents/journal';
import {
	compareSeqs,
	fromStoredChanges,
	renderComparison,
	versionChanges
} from '../../src/lib/server/documents/compare';
import { listVersions, recordVersion } from '../../src/lib/server/documents/versions';
import { freshDb } from '../helpers/db';
import { buildDocument, buildTwoOrganisations, type TestUser } from '../helpers/factories';
import { EditorClient, schema } from '../helpers/editor-updates';

let db: Db;
let epci: TestUser;
let commune: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	({ epci, commune } = await buildTwoOrganisations(db));
});

const p = (text: string) => ({ type: 'paragraph', content: text ? [{ type: 'text', text }] : [] });
const cell = (text: string) => ({ type: 'tableCell', content: [p(text)] });
const table = (rows: string[][]) => ({
	type: 'table',
	content: rows.map((row) => ({ type: 'tableRow', content: row.map(cell) }))
});
const list = (items: string[]) => ({
	type: 'bulletList',
	content: items.map((text) => ({ type: 'listItem', content: [p(text)] }))
});

/** An editor on the stored document; `write` shows a new body and stores it as `user`. */
async function editorOn(documentId: string) {
	const client = new EditorClient();
	const rows = await db
		.selectFrom('document_update')
		.select('data')
		.where('document_id', '=', documentId)
		.execute();
	for (const row of rows) Y.applyUpdate(client.doc, row.data);
	client.take();
	let seq = rows.length;
	return {
		get seq() {
			return seq;
		},
		async write(user: TestUser, content: object[]) {
			client.show(schema.nodeFromJSON({ type: 'doc', content }));
			seq = await appendUpdates(
				db,
				documentId,
				seq,
				client.take().map((data) => ({ userId: user.id, data }))
			);
			return seq;
		}
	};
}

describe('compare', () => {
	it('finds insertions and deletions inside a table, with their author', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']]);
		const editor = await editorOn(documentId);
		const from = await editor.write(epci, [
			p('Régime indemnitaire'),
			table([
				['Groupe', 'Montant'],
				['A1', '3 000 €']
			])
		]);
		const to = await editor.write(commune, [
			p('Régime indemnitaire'),
			table([
				['Groupe', 'Montant'],
				['A1', '3 200 € brut']
			])
		]);

		const comparison = await compareSeqs(db, documentId, from, to);
		const inserted = comparison.changes.flatMap((c) =>
			c.inserted.map((s) => ({ text: comparison.after.textBetween(c.fromB, c.toB), by: s.data }))
		);
		const deleted = comparison.changes.flatMap((c) =>
			c.deleted.map((s) => ({ text: comparison.before.textBetween(c.fromA, c.toA), by: s.data }))
		);
		expect(inserted.map((i) => i.by)).toEqual(inserted.map(() => commune.id));
		expect(deleted.map((d) => d.by)).toEqual(deleted.map(() => commune.id));
		expect(inserted.map((i) => i.text).join('|')).toContain('2');
		expect(inserted.map((i) => i.text).join('|')).toContain('brut');
		expect(deleted.map((d) => d.text).join('|')).toContain('0');
		// The unchanged cells are not part of any change.
		for (const change of comparison.changes) {
			expect(comparison.after.textBetween(change.fromB, change.toB)).not.toContain('Groupe');
			expect(comparison.before.textBetween(change.fromA, change.toA)).not.toContain('A1');
		}
		expect(comparison.summary).toMatchObject({ paragraphsChanged: 1, wordsAdded: 2 });

		const html = renderComparison(comparison, [{ userId: commune.id, name: 'Camille Commune' }]);
		expect(html).toMatch(
			/<td><p>3 (<span class="visually-hidden">[^<]*<\/span>)?<ins[^>]*title="Ajouté par Camille Commune"[^>]*>2<\/ins>/
		);
		expect(html).toMatch(/<del[^>]*title="Supprimé par Camille Commune"[^>]*>0<\/del>/);
		expect(html).toContain('<td><p>Groupe</p></td>');
	});

	it('gives each author their own changes, and shows a deleted list item in its list', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']]);
		const editor = await editorOn(documentId);
		const from = await editor.write(epci, [p('Plan de formation'), list(['Tronc commun'])]);
		await editor.write(epci, [
			p('Plan de formation 2027'),
			list(['Tronc commun', 'Marchés publics'])
		]);
		const to = await editor.write(commune, [
			p('Plan de formation 2027'),
			list(['Marchés publics']),
			p('Validé en bureau')
		]);

		const comparison = await compareSeqs(db, documentId, from, to);
		const byAuthor = new Map(comparison.summary.authors.map((a) => [a.userId, a]));
		expect(byAuthor.get(epci.id)).toMatchObject({ wordsAdded: 3, wordsRemoved: 0 });
		expect(byAuthor.get(commune.id)).toMatchObject({ wordsAdded: 3, wordsRemoved: 2 });

		const html = renderComparison(comparison, [
			{ userId: epci.id, name: 'Élise EPCI' },
			{ userId: commune.id, name: 'Camille Commune' }
		]);
		expect(html).toMatch(/<ins[^>]*Élise EPCI[^>]*> 2027<\/ins>/);
		// In the list: the removed item's text struck through, credited to who removed it; the
		// added one credited to who wrote it, though the commune's edit came after it.
		expect(html).toMatch(
			/<ul><li><p>(<span class="visually-hidden">[^<]*<\/span>)?<del[^>]*Camille Commune[^>]*>Tronc commun<\/del>/
		);
		expect(html).toMatch(/<ins[^>]*Élise EPCI[^>]*>Marchés publics<\/ins><\/p><\/li><\/ul>/);
		expect(html).toMatch(
			/<p><span class="visually-hidden">\[Ajouté par Camille Commune :\] <\/span><ins[^>]*Camille Commune[^>]*>Validé en bureau<\/ins><\/p>/
		);
	});

	it('shows a deleted paragraph as struck text, never as tag text', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']]);
		const editor = await editorOn(documentId);
		const from = await editor.write(epci, [p('Préambule'), p('À supprimer'), p('Conclusion')]);
		const to = await editor.write(commune, [p('Préambule'), p('Conclusion')]);
		const html = renderComparison(await compareSeqs(db, documentId, from, to), [
			{ userId: commune.id, name: 'Camille Commune' }
		]);
		// No tag printed as text: what is not inside a tag contains no "<" or ">" once unescaped.
		expect(html.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]|&lt;|&gt;/);
		expect(html).toMatch(/<del[^>]*Camille Commune[^>]*>À supprimer<\/del>/);
		expect(html).toContain('<p>Conclusion</p>');
	});

	it('puts each edit of one run over several paragraphs in its own place', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']]);
		const editor = await editorOn(documentId);
		const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
		const from = await editor.write(epci, words.map(p));
		const to = await editor.write(
			commune,
			words.map((w, i) => p(i < 4 ? `${w} ${'ZYXW'[i].repeat(4)}` : w))
		);
		const comparison = await compareSeqs(db, documentId, from, to);
		const inserted = comparison.changes.map((c) => comparison.after.textBetween(c.fromB, c.toB));
		expect(inserted).toEqual([' ZZZZ', ' YYYY', ' XXXX', ' WWWW']);
		const html = renderComparison(comparison, [{ userId: commune.id, name: 'Camille Commune' }]);
		const visible = html.replace(/<span class="visually-hidden">[^<]*<\/span>/g, '');
		expect(visible).toContain('<p>delta<ins');
		expect(visible).toMatch(/<p>delta<ins[^>]*> WWWW<\/ins><\/p>/);
	});

	it('shows a removed list item and a removed table row where they were, whole', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']]);
		const editor = await editorOn(documentId);
		const from = await editor.write(epci, [
			list(['a1', 'b2', 'c3']),
			table([
				['a', 'b'],
				['c', 'd'],
				['e', 'f']
			])
		]);
		const to = await editor.write(commune, [
			list(['a1', 'c3']),
			table([
				['a', 'b'],
				['e', 'f']
			])
		]);
		const html = renderComparison(await compareSeqs(db, documentId, from, to), [
			{ userId: commune.id, name: 'Camille Commune' }
		]).replace(/<span class="visually-hidden">[^<]*<\/span>/g, '');
		expect(html).toMatch(
			/<li><p>a1<\/p><\/li><li><p><del[^>]*>b2<\/del><\/p><\/li><li><p>c3<\/p><\/li>/
		);
		expect(html).toMatch(
			/<tr><td><p><del[^>]*>c<\/del><\/p><\/td><td><p><del[^>]*>d<\/del><\/p><\/td><\/tr><tr><td><p>e<\/p><\/td>/
		);
	});

	it('shows a change of formatting or of a block attribute, not only text', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']]);
		const editor = await editorOn(documentId);
		const from = await editor.write(epci, [
			p('Montant'),
			{ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Titre' }] }
		]);
		const to = await editor.write(commune, [
			{
				type: 'paragraph',
				content: [{ type: 'text', text: 'Montant', marks: [{ type: 'bold' }] }]
			},
			{ type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: 'Titre' }] }
		]);
		const comparison = await compareSeqs(db, documentId, from, to);
		const html = renderComparison(comparison, [{ userId: commune.id, name: 'Camille Commune' }]);
		expect(html).toMatch(/<ins[^>]*Camille Commune[^>]*><strong>Montant<\/strong><\/ins>/);
		expect(html).toMatch(/<h3>.*<ins[^>]*Camille Commune[^>]*>Titre<\/ins>.*<\/h3>/);
	});

	it('goes on where prosemirror-changeset fails on a long rewrite of repeated text', async () => {
		// A change merged over more than 10,000 tokens whose ends overlap made changeset 2.4
		// throw (Span.slice on a negative range): seen replaying the paper trace.
		const documentId = await buildDocument(db, epci, [[commune, 'editor']]);
		const editor = await editorOn(documentId);
		const unit = 'ab';
		const from = await editor.write(epci, [p(unit.repeat(6000))]);
		await editor.write(epci, [p(`X${'b'}${unit.repeat(5998)}a${'Y'}`)]);
		const to = await editor.write(commune, [p(unit.repeat(6001))]);
		const comparison = await compareSeqs(db, documentId, from, to);
		expect(comparison.after.textContent).toBe(unit.repeat(6001));
		expect(comparison.changes.length).toBeGreaterThan(0);
		expect(renderComparison(comparison, [])).toContain('<ins');
	});

	it('compares from the document’s very first position (an empty body), without failing', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']]);
		const editor = await editorOn(documentId);
		const to = await editor.write(commune, [p('Premier texte')]);
		const html = renderComparison(await compareSeqs(db, documentId, 0, to), [
			{ userId: commune.id, name: 'Camille Commune' }
		]);
		expect(html).toMatch(/<ins[^>]*Camille Commune[^>]*>Premier texte<\/ins>/);
	});

	it('gives the event loop back while it replays many author runs', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']]);
		const editor = await editorOn(documentId);
		const from = await editor.write(epci, [p('Départ')]);
		let to = from;
		for (let i = 0; i < 80; i++)
			to = await editor.write(i % 2 ? epci : commune, [p(`Départ ${'x'.repeat(i + 1)}`)]);
		let turned = false;
		setImmediate(() => (turned = true));
		const comparison = compareSeqs(db, documentId, from, to);
		await comparison;
		expect(turned).toBe(true);
	});

	it('from the changes stored with the versions, as the replay finds them, authors included', async () => {
		const documentId = await buildDocument(db, epci, [[commune, 'editor']]);
		const editor = await editorOn(documentId);
		await editor.write(epci, [p('Plan de formation'), list(['Tronc commun'])]);
		const first = await recordVersion(db, documentId, { kind: 'auto', now: 1 });
		await editor.write(commune, [p('Plan de formation 2027'), list(['Tronc commun', 'Marchés'])]);
		await editor.write(epci, [p('Plan de formation 2027'), list(['Marchés']), p('Validé')]);
		await recordVersion(db, documentId, { kind: 'auto', now: 2 });
		await editor.write(commune, [
			p('Plan 2027'),
			list(['Marchés publics']),
			table([['A', 'B']]),
			p('Validé')
		]);
		const last = await recordVersion(db, documentId, { kind: 'named', name: 'v3', now: 3 });

		const stored = await fromStoredChanges(db, documentId, first!.seq, last!.seq);
		expect(stored).not.toBeNull();
		// The same comparison replayed: no stored changes.
		await db
			.updateTable('document_version')
			.set({ changes: null })
			.where('document_id', '=', documentId)
			.execute();
		expect(await fromStoredChanges(db, documentId, first!.seq, last!.seq)).toBeNull();
		const replayed = await compareSeqs(db, documentId, first!.seq, last!.seq);
		const pieces = (c: NonNullable<typeof stored>) =>
			c.changes.map((change) => ({
				inserted: c.after.textBetween(change.fromB, change.toB),
				deleted: c.before.textBetween(change.fromA, change.toA),
				by: [...new Set([...change.inserted, ...change.deleted].map((span) => span.data))]
			}));
		expect(stored!.after.toJSON()).toEqual(replayed.after.toJSON());
		expect(pieces(stored!)).toEqual(pieces(replayed));
		expect(stored!.summary).toEqual(replayed.summary);

		// Written after the last version: only that part is replayed, then merged.
		const now = await editor.write(epci, [
			p('Plan 2027'),
			list(['Marchés publics']),
			p('Validé en bureau')
		]);
		await db
			.updateTable('document_version')
			.set({ changes: null })
			.where('document_id', '=', documentId)
			.execute();
		const replayedToNow = await compareSeqs(db, documentId, first!.seq, now);
		// Stored again (a fresh record of the same versions) for the stored path.
		for (const version of await listVersions(db, documentId))
			await db
				.updateTable('document_version')
				.set({
					changes: JSON.stringify(
						await versionChanges(db, documentId, version.fromSeq, version.seq)
					)
				})
				.where('id', '=', version.id)
				.execute();
		const storedToNow = await fromStoredChanges(db, documentId, first!.seq, now);
		expect(storedToNow).not.toBeNull();
		expect(storedToNow!.after.toJSON()).toEqual(replayedToNow.after.toJSON());
		expect(pieces(storedToNow!)).toEqual(pieces(replayedToNow));
	});
});
