// Conversions between ProseMirror JSON / plain text and the stored Yjs state.
import * as Y from 'yjs';
import { prosemirrorJSONToYDoc } from '@tiptap/y-tiptap';
import { DOCUMENT_FRAGMENT, documentSchema, type PMNode } from '../../documents/schema';

let schema: ReturnType<typeof documentSchema> | null = null;

/** The editor's schema, built once per process (building it costs milliseconds). */
export function editorSchema(): ReturnType<typeof documentSchema> {
	schema ??= documentSchema();
	return schema;
}

/** A Yjs update that creates the given document body from scratch. */
export function updateFromProsemirrorJson(json: PMNode): Uint8Array {
	const doc = prosemirrorJSONToYDoc(editorSchema(), json, DOCUMENT_FRAGMENT);
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}

/** Plain text of a document body: one line per block, for search and tests. */
export function plainText(doc: Y.Doc): string {
	const lines: string[] = [];
	const walk = (node: Y.XmlElement | Y.XmlFragment | Y.XmlText) => {
		if (node instanceof Y.XmlText) {
			lines[lines.length - 1] += (node.toDelta() as { insert: unknown }[])
				.map((d) => (typeof d.insert === 'string' ? d.insert : ''))
				.join('');
			return;
		}
		if (node instanceof Y.XmlElement && isBlock(node.nodeName)) lines.push('');
		for (const child of node.toArray()) walk(child as Y.XmlElement | Y.XmlText);
	};
	lines.push('');
	walk(doc.getXmlFragment(DOCUMENT_FRAGMENT));
	return lines
		.map((l) => l.trim())
		.filter(Boolean)
		.join('\n');
}

function isBlock(name: string): boolean {
	return (
		name === 'paragraph' ||
		name === 'heading' ||
		name === 'blockquote' ||
		name === 'codeBlock' ||
		name === 'listItem' ||
		name === 'tableCell' ||
		name === 'tableHeader'
	);
}
