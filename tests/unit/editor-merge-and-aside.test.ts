// The editor's reading of a merge, on real Yjs documents shaped by the real schema: which
// passages both sides edited while apart (flagged "à vérifier"), and which text the server
// lacks when it refuses an edit (kept aside as text).
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { getSchema } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { DOCUMENT_FRAGMENT, documentExtensions } from '../../src/lib/documents/schema';
import { passagesEditedOnBothSides } from '../../src/lib/editor/merge-conflicts';
import {
	asideAsText,
	editsInRemovedPassages,
	textTheServerLacks
} from '../../src/lib/editor/keep-aside';
import { roleChangeNotice } from '../../src/lib/editor/access';

const paragraph = (text: string) => ({
	type: 'paragraph',
	content: text ? [{ type: 'text', text }] : []
});
const cell = (text: string, type = 'tableCell') => ({ type, content: [paragraph(text)] });

/** A RIFSEEP-like document: a heading, two paragraphs, a table with an amount column. */
function serverDocument(): Y.Doc {
	const doc = new Y.Doc();
	prosemirrorJSONToYXmlFragment(
		getSchema(documentExtensions()),
		{
			type: 'doc',
			content: [
				{ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Montants' }] },
				paragraph('Contexte.'),
				paragraph('Arbitrages.'),
				{
					type: 'table',
					content: [
						{
							type: 'tableRow',
							content: [cell('Groupe', 'tableHeader'), cell('Plafond', 'tableHeader')]
						},
						{ type: 'tableRow', content: [cell('A1'), cell('')] },
						{ type: 'tableRow', content: [cell('A2'), cell('')] }
					]
				}
			]
		},
		doc.getXmlFragment(DOCUMENT_FRAGMENT)
	);
	return doc;
}

function copyOf(doc: Y.Doc): Y.Doc {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

const vector = (doc: Y.Doc) => Y.decodeStateVector(Y.encodeStateVector(doc));

/** The text of the paragraph at `path` (child indexes from the fragment). */
function textAt(doc: Y.Doc, ...path: number[]): Y.XmlText {
	let node: Y.XmlFragment | Y.XmlElement = doc.getXmlFragment(DOCUMENT_FRAGMENT);
	for (const index of path) node = node.get(index) as Y.XmlElement;
	// An empty paragraph has no text node yet: the binding adds one on the first keystroke.
	if (node.length === 0) node.insert(0, [new Y.XmlText()]);
	return node.get(0) as Y.XmlText;
}
const AMOUNT_A1 = [3, 1, 1, 0];
const AMOUNT_A2 = [3, 2, 1, 0];

/** Merges both ways and returns the offline device's vectors from before the merge. */
function reconnect(device: Y.Doc, server: Y.Doc) {
	const local = vector(device);
	const serverAtJoin = vector(server);
	Y.applyUpdate(device, Y.encodeStateAsUpdate(server, Y.encodeStateVector(device)));
	Y.applyUpdate(server, Y.encodeStateAsUpdate(device, Y.encodeStateVector(server)));
	return { local, serverAtJoin };
}

describe('passages edited on both sides while apart', () => {
	it('flags the amount cell both co-pilotes typed in, and nothing else', () => {
		const server = serverDocument();
		const isabelle = copyOf(server);
		// Isabelle, offline, types in the cell and in a paragraph nobody else touches.
		textAt(isabelle, ...AMOUNT_A1).insert(0, '3 000');
		textAt(isabelle, 1).insert(9, ' Ajout hors ligne.');
		// Meanwhile Julien types in the same cell and in another cell.
		const julien = copyOf(server);
		textAt(julien, ...AMOUNT_A1).insert(0, '2 800');
		textAt(julien, ...AMOUNT_A2).insert(0, '2 500');
		Y.applyUpdate(server, Y.encodeStateAsUpdate(julien, Y.encodeStateVector(server)));

		const { local, serverAtJoin } = reconnect(isabelle, server);
		const flagged = passagesEditedOnBothSides(
			isabelle.getXmlFragment(DOCUMENT_FRAGMENT),
			local,
			serverAtJoin
		);

		const cellElement = (isabelle.getXmlFragment(DOCUMENT_FRAGMENT).get(3) as Y.XmlElement).get(
			1
		) as Y.XmlElement;
		const cellId = (cellElement.get(1) as Y.XmlElement)._item!.id;
		expect(flagged).toEqual([
			{
				id: `${cellId.client}:${cellId.clock}`,
				excerpt: expect.stringMatching(/^(3 0002 800|2 8003 000)$/)
			}
		]);
	});

	it('flags nothing when only one side edited, or both in different passages', () => {
		const server = serverDocument();
		const alone = copyOf(server);
		textAt(alone, ...AMOUNT_A1).insert(0, '3 000');
		const first = reconnect(alone, server);
		expect(
			passagesEditedOnBothSides(
				alone.getXmlFragment(DOCUMENT_FRAGMENT),
				first.local,
				first.serverAtJoin
			)
		).toEqual([]);

		const device = copyOf(server);
		textAt(device, ...AMOUNT_A1).insert(5, ' €');
		const other = copyOf(server);
		textAt(other, 2).insert(0, 'Nouveau : ');
		Y.applyUpdate(server, Y.encodeStateAsUpdate(other, Y.encodeStateVector(server)));
		const second = reconnect(device, server);
		expect(
			passagesEditedOnBothSides(
				device.getXmlFragment(DOCUMENT_FRAGMENT),
				second.local,
				second.serverAtJoin
			)
		).toEqual([]);
	});

	it('does not count edits made while connected (already on the server) as unsent', () => {
		const server = serverDocument();
		const device = copyOf(server);
		// Typed online: the server got it before the device went offline.
		textAt(device, ...AMOUNT_A1).insert(0, '3 000');
		Y.applyUpdate(server, Y.encodeStateAsUpdate(device, Y.encodeStateVector(server)));
		// A colleague then edits that cell while the device is away, which types elsewhere.
		const other = copyOf(server);
		textAt(other, ...AMOUNT_A1).insert(5, ' brut');
		Y.applyUpdate(server, Y.encodeStateAsUpdate(other, Y.encodeStateVector(server)));
		textAt(device, 1).insert(0, 'Hors ligne. ');
		const { local, serverAtJoin } = reconnect(device, server);
		expect(
			passagesEditedOnBothSides(device.getXmlFragment(DOCUMENT_FRAGMENT), local, serverAtJoin)
		).toEqual([]);
	});
});

describe('text kept aside when the server refuses it', () => {
	it('reads what the server lacks, passage by passage, without what it holds', () => {
		const server = serverDocument();
		const device = copyOf(server);
		textAt(device, 1).insert(9, ' Déjà envoyé.');
		Y.applyUpdate(server, Y.encodeStateAsUpdate(device, Y.encodeStateVector(server)));
		const serverKnown = vector(server);
		// Typed after the demotion: appended to the same run (one Yjs item straddling the
		// server's vector once merged) and in a table cell.
		textAt(device, 1).insert(22, ' Refusé.');
		textAt(device, ...AMOUNT_A2).insert(0, '1 800');

		const kept = textTheServerLacks(device.getXmlFragment(DOCUMENT_FRAGMENT), serverKnown);
		expect(kept.map(({ label, context, text }) => ({ label, context, text }))).toEqual([
			{ label: 'Paragraphe', context: 'Contexte. Déjà envoyé.', text: 'Refusé.' },
			{ label: 'Cellule de tableau', context: '', text: '1 800' }
		]);
		expect(asideAsText(kept)).toBe(
			'Paragraphe « Contexte. Déjà envoyé. » :\nRefusé.\n\nCellule de tableau :\n1 800'
		);
		expect(textTheServerLacks(server.getXmlFragment(DOCUMENT_FRAGMENT), serverKnown)).toEqual([]);
	});
});

describe('offline edits in a passage removed meanwhile (a restore)', () => {
	it('are found after the merge, with their text, and only those', () => {
		const server = serverDocument();
		const isabelle = copyOf(server);
		// Offline, Isabelle completes « Arbitrages. » and « Contexte. »…
		textAt(isabelle, 2).insert(11, ' Reporter à 2027.');
		textAt(isabelle, 1).insert(9, ' Voir le bureau.');
		// …while a restore on the server removes the « Arbitrages. » paragraph.
		server.getXmlFragment(DOCUMENT_FRAGMENT).delete(2, 1);
		const before = textTheServerLacks(isabelle.getXmlFragment(DOCUMENT_FRAGMENT), vector(server));
		reconnect(isabelle, server);
		const lost = editsInRemovedPassages(isabelle, before);
		expect(lost.map((p) => p.text)).toEqual(['Reporter à 2027.']);
		expect(lost[0].context).toBe('Arbitrages.');
		// The edit to the paragraph still there merged normally: not reported.
		expect(textAt(isabelle, 1).toString()).toBe('Contexte. Voir le bureau.');
	});

	it('are found inside a surviving table cell whose paragraph was removed', () => {
		const server = serverDocument();
		const isabelle = copyOf(server);
		// A cell with two paragraphs; offline, Isabelle types in the second one…
		const cell = server.getXmlFragment(DOCUMENT_FRAGMENT).get(3) as Y.XmlElement;
		const a1 = (cell.get(1) as Y.XmlElement).get(1) as Y.XmlElement;
		const second = new Y.XmlElement('paragraph');
		a1.insert(1, [second]);
		second.insert(0, [new Y.XmlText('Note.')]);
		Y.applyUpdate(isabelle, Y.encodeStateAsUpdate(server, Y.encodeStateVector(isabelle)));
		textAt(isabelle, 3, 1, 1, 1).insert(5, ' Voir le CST.');
		// …while the server removes that paragraph; the cell stays.
		a1.delete(1, 1);
		const before = textTheServerLacks(isabelle.getXmlFragment(DOCUMENT_FRAGMENT), vector(server));
		reconnect(isabelle, server);
		expect(editsInRemovedPassages(isabelle, before).map((p) => p.text)).toEqual(['Voir le CST.']);
	});
});

describe('role change notice', () => {
	it('says the new role in French and what happens to the text', () => {
		expect(
			roleChangeNotice({ role: 'editor', canEdit: true }, { role: 'reader', canEdit: false }, true)
		).toBe(
			'Votre rôle a changé : vous êtes désormais lecteur. Le texte passe en lecture seule. Vos modifications non envoyées sont mises de côté.'
		);
		expect(
			roleChangeNotice({ role: 'reader', canEdit: false }, { role: 'editor', canEdit: true }, false)
		).toBe(
			'Votre rôle a changé : vous êtes désormais rédacteur. Vous pouvez maintenant modifier le texte.'
		);
	});
});
