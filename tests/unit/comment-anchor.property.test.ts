// Issue 12: a thread's anchor follows its passage. Property: two copies of a document edited
// concurrently at random — inserts and deletes before, inside and after the anchored passage,
// in every paragraph — then merged; the anchor, resolved in the merged document, covers exactly
// the surviving characters between the passage's first and last character (text inserted
// inside counts, text typed at either edge does not). Plus the edge cases the issue names.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { initProseMirrorDoc } from '@tiptap/y-tiptap';
import { DOCUMENT_FRAGMENT } from '../../src/lib/documents/schema';
import {
	anchorOf,
	decodeAnchor,
	encodeAnchor,
	resolveAnchor,
	type Anchor
} from '../../src/lib/comments/anchor';
import { paragraph } from '../helpers/content';
import { readPassage } from '../../src/lib/server/comments/passage';
import { schema } from '../helpers/editor-updates';

const PARAGRAPHS = [
	'Premier paragraphe du texte.',
	'Le passage annoté est ici, au milieu.',
	'Fin.'
];

function documentOf(texts: string[]): Y.Doc {
	const doc = new Y.Doc();
	texts.forEach((text, i) => paragraph(doc, i).insert(0, text));
	return doc;
}

/** The ProseMirror reading of the document, and its position of a paragraph's character. */
function pm(doc: Y.Doc) {
	const fragment = doc.getXmlFragment(DOCUMENT_FRAGMENT);
	const { doc: node, mapping } = initProseMirrorDoc(fragment, schema);
	const positionOf = (index: number, offset: number) => {
		let pos = 0;
		for (let i = 0; i < index; i++) pos += node.child(i).nodeSize;
		return pos + 1 + offset;
	};
	return { fragment, node, mapping, positionOf };
}

function anchorIn(doc: Y.Doc, index: number, from: number, to: number): Anchor {
	const { fragment, mapping, positionOf } = pm(doc);
	return anchorOf(doc, fragment, mapping, positionOf(index, from), positionOf(index, to));
}

/** The text the anchor covers now (null: passage deleted). */
function covered(doc: Y.Doc, anchor: Anchor): string | null {
	const { fragment, node, mapping } = pm(doc);
	const range = resolveAnchor(doc, fragment, mapping, anchor);
	return range && node.textBetween(range.from, range.to);
}

/**
 * The ground truth from Yjs items: the visible characters from the passage's first character
 * to its last one, in the merged order, whoever typed them.
 */
function survivingBetween(text: Y.XmlText, anchor: Anchor): string {
	const start = anchor.start.item!;
	const end = anchor.end.item!;
	let out = '';
	let inside = false;
	for (let item = text._start; item !== null; item = item.right as typeof item) {
		const str: string | undefined = (item.content as { str?: string }).str;
		for (let offset = 0; offset < item.length; offset++) {
			const clock = item.id.clock + offset;
			const isStart = item.id.client === start.client && clock === start.clock;
			const isEnd = item.id.client === end.client && clock === end.clock;
			if (isStart) inside = true;
			if (inside && !item.deleted && str !== undefined) out += str[offset];
			if (isEnd) return out;
		}
	}
	throw new Error('end of the passage not found');
}

type Edit =
	| { paragraph: number; at: number; insert: string }
	| { paragraph: number; at: number; remove: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
	fc.record({
		paragraph: fc.integer({ min: 0, max: 2 }),
		at: fc.nat(60),
		insert: fc.stringMatching(/^[a-z ]{1,6}$/)
	}),
	fc.record({
		paragraph: fc.integer({ min: 0, max: 2 }),
		at: fc.nat(60),
		remove: fc.integer({ min: 1, max: 8 })
	})
);

function apply(doc: Y.Doc, e: Edit): void {
	const text = paragraph(doc, e.paragraph);
	const at = e.at % (text.length + 1);
	if ('insert' in e) text.insert(at, e.insert);
	else if (at < text.length) text.delete(at, Math.min(e.remove, text.length - at));
}

describe('comment anchors', () => {
	it('cover the same surviving text after concurrent edits are merged', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 30 }),
				fc.integer({ min: 1, max: 12 }),
				fc.array(edit, { maxLength: 12 }),
				fc.array(edit, { maxLength: 12 }),
				(from, length, editsA, editsB) => {
					const a = documentOf(PARAGRAPHS);
					const anchor = anchorIn(a, 1, from, Math.min(from + length, PARAGRAPHS[1].length));
					expect(covered(a, anchor)).toBe(PARAGRAPHS[1].slice(from, from + length));
					// Stored and sent as text, then decoded: the round trip loses nothing.
					const stored = decodeAnchor(encodeAnchor(anchor))!.anchor;
					const b = new Y.Doc();
					Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
					for (const e of editsA) apply(a, e);
					for (const e of editsB) apply(b, e);
					Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
					Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
					const expected = survivingBetween(paragraph(a, 1), stored);
					for (const doc of [a, b])
						expect(covered(doc, stored)).toBe(expected === '' ? null : expected);
				}
			),
			{ numRuns: 300 }
		);
	});

	it('leave text typed exactly at either edge outside the passage', () => {
		const doc = documentOf(PARAGRAPHS);
		const anchor = anchorIn(doc, 1, 3, 10); // « passage »
		expect(covered(doc, anchor)).toBe('passage');
		const text = paragraph(doc, 1);
		text.insert(10, 'XX'); // right after the last character
		text.insert(3, 'YY'); // right before the first one
		expect(text.toString()).toBe('Le YYpassageXX annoté est ici, au milieu.');
		expect(covered(doc, anchor)).toBe('passage');
		text.insert(9, 'ZZ'); // inside
		expect(covered(doc, anchor)).toBe('passZZage');
	});

	it('follows a passage over two paragraphs, and says when its text is gone', () => {
		const doc = documentOf(PARAGRAPHS);
		const anchor = anchorIn(doc, 0, 8, 0);
		// From « paragraphe… » in the first paragraph to the start of the second: built by positions.
		const { fragment, mapping, positionOf } = pm(doc);
		const spanning = anchorOf(doc, fragment, mapping, positionOf(0, 8), positionOf(1, 10));
		expect(covered(doc, spanning)).toBe('paragraphe du texte.Le passage');
		expect(anchor.start).toBeDefined();
		const passage = anchorIn(doc, 2, 0, 3); // « Fin »
		paragraph(doc, 2).delete(0, 3);
		expect(covered(doc, passage)).toBeNull();
		// Removing the whole paragraph too.
		const second = anchorIn(doc, 1, 0, 2);
		doc.getXmlFragment(DOCUMENT_FRAGMENT).delete(1, 1);
		expect(covered(doc, second)).toBeNull();
	});

	it('refuses what is not an anchor', () => {
		expect(decodeAnchor(null)).toBeNull();
		expect(decodeAnchor({ start: 'AAAA', end: 42 })).toBeNull();
		expect(decodeAnchor({ start: '!!!', end: 'AAAA' })).toBeNull();
		expect(decodeAnchor({ start: 'A'.repeat(2000), end: 'AAAA' })).toBeNull();
		expect(decodeAnchor({ start: '/////w==', end: '/////w==' })).toBeNull();
	});
});

describe('the server’s reading of a passage', () => {
	it('quotes across blocks, refuses a reversed or foreign anchor, and changes nothing it reads', () => {
		const doc = documentOf(PARAGRAPHS);
		const { fragment, mapping, positionOf } = pm(doc);
		const before = Y.encodeStateVector(doc);
		const spanning = anchorOf(doc, fragment, mapping, positionOf(0, 8), positionOf(1, 10));
		expect(readPassage(doc, spanning)).toBe('paragraphe du texte. Le passage');
		expect(readPassage(doc, { start: spanning.end, end: spanning.start })).toBeNull();
		const elsewhere = documentOf(['Un autre document.']);
		const foreign = anchorIn(elsewhere, 0, 0, 5);
		expect(readPassage(doc, foreign)).toBe('pending'); // its characters are unknown here
		// Reading writes nothing into the document it reads (the live room's, on the server).
		const state = Y.encodeStateAsUpdate(doc);
		readPassage(doc, spanning);
		readPassage(doc, foreign);
		expect(Y.encodeStateAsUpdate(doc)).toEqual(state);
		expect(Y.encodeStateVector(doc)).toEqual(before);
	});
});
