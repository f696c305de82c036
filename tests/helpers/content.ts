// Test documents hold their text where the editor does: paragraphs of the `default` fragment.
// (The server refuses any other root type.)
import * as Y from 'yjs';
import { DOCUMENT_FRAGMENT } from '../../src/lib/documents/schema';
import { plainText } from '../../src/lib/server/documents/content';

/**
 * The text of the body's paragraph number `index`, created (with those before it) when
 * missing. Writers that type in paragraphs of their own must find them already there (sync
 * first, or give the document that many paragraphs at creation): two clients creating the
 * same paragraph make two paragraphs.
 */
export function paragraph(doc: Y.Doc, index = 0): Y.XmlText {
	const fragment = doc.getXmlFragment(DOCUMENT_FRAGMENT);
	if (fragment.length <= index) {
		doc.transact(() => {
			while (fragment.length <= index) {
				const element = new Y.XmlElement('paragraph');
				fragment.push([element]);
				element.insert(0, [new Y.XmlText()]);
			}
		});
	}
	const element = fragment.get(index) as Y.XmlElement;
	return element.get(0) as Y.XmlText;
}

/** The whole body as plain text, one line per block (what search indexes). */
export function bodyText(doc: Y.Doc): string {
	return plainText(doc);
}

/** A document body holding `texts`, one paragraph each, as a Yjs update. */
export function bodyUpdate(...texts: string[]): Uint8Array {
	const doc = new Y.Doc();
	texts.forEach((text, i) => paragraph(doc, i).insert(0, text));
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}
