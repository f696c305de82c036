// No Vitest import: tests/bench loads it outside Vitest.
// Anchors for tests: a passage of a stored document, found by its text, as the editor sends it.
import * as Y from 'yjs';
import { initProseMirrorDoc } from '@tiptap/y-tiptap';
import type { Db } from '../../src/lib/server/db';
import { DOCUMENT_FRAGMENT } from '../../src/lib/documents/schema';
import { anchorOf, encodeAnchor, type EncodedAnchor } from '../../src/lib/comments/anchor';
import { loadStoredState } from '../../src/lib/server/documents/journal';
import { schema } from './editor-updates';

/** The anchor of the first occurrence of `passage` in `doc`'s body. */
export function anchorOn(doc: Y.Doc, passage: string): EncodedAnchor {
	const fragment = doc.getXmlFragment(DOCUMENT_FRAGMENT);
	const { doc: node, mapping } = initProseMirrorDoc(fragment, schema);
	let found: { from: number; to: number } | null = null;
	node.descendants((child, pos) => {
		if (found || !child.isText) return !found;
		const at = child.text!.indexOf(passage);
		if (at >= 0) found = { from: pos + at, to: pos + at + passage.length };
		return false;
	});
	if (!found) throw new Error(`« ${passage} » is not in the document`);
	const { from, to } = found as { from: number; to: number };
	return encodeAnchor(anchorOf(doc, fragment, mapping, from, to));
}

/** The same, in the document as stored (no Vitest import: the benchmark loads this file). */
export async function storedAnchor(db: Db, documentId: string, passage: string) {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, (await loadStoredState(db, documentId)).state);
	return anchorOn(doc, passage);
}
