// The server's reading of an anchor: is it a passage of this document's text, and what does it
// say? Checked on the live room's document when the document is open (the passage may have
// been typed a moment ago), else on the stored one.
import * as Y from 'yjs';
import { initProseMirrorDoc } from '@tiptap/y-tiptap';
import type { Db } from '../db';
import type { CollabHub } from '../runtime';
import { DOCUMENT_FRAGMENT, documentSchema } from '../../documents/schema';
import { resolveAnchor, type Anchor } from '../../comments/anchor';
import { readStoredDocument } from '../documents/journal';

export const QUOTE_MAX_LENGTH = 1_000;

/** The passage's text now, or null when the anchor is not a passage of the document body. */
export type PassageReader = (documentId: string, anchor: Anchor) => Promise<string | null>;

let schema: ReturnType<typeof documentSchema> | null = null;

/** Only positions in the document body: a root type named otherwise would be created by reading it. */
function inBody(position: Y.RelativePosition): boolean {
	return position.tname === null || position.tname === DOCUMENT_FRAGMENT;
}

export function quoteOf(doc: Y.Doc, anchor: Anchor): string | null {
	if (!inBody(anchor.start) || !inBody(anchor.end)) return null;
	schema ??= documentSchema();
	const fragment = doc.getXmlFragment(DOCUMENT_FRAGMENT);
	const { doc: node, mapping } = initProseMirrorDoc(fragment, schema);
	const range = resolveAnchor(doc, fragment, mapping, anchor);
	if (!range || range.to > node.content.size) return null;
	const text = node.textBetween(range.from, range.to, ' ', ' ').replace(/\s+/g, ' ').trim();
	if (!text) return null;
	const chars = [...text];
	return chars.length > QUOTE_MAX_LENGTH
		? chars.slice(0, QUOTE_MAX_LENGTH - 1).join('') + '…'
		: text;
}

const RETRIES = 10;
const RETRY_MS = 100;

export function passageReader(db: Db, hub: Pick<CollabHub, 'liveDocument'> | null): PassageReader {
	return async (documentId, anchor) => {
		for (let attempt = 0; ; attempt++) {
			const live = hub?.liveDocument(documentId) ?? null;
			if (!live) {
				const stored = await readStoredDocument(db, documentId);
				try {
					return quoteOf(stored, anchor);
				} finally {
					stored.destroy();
				}
			}
			const quote = quoteOf(live, anchor);
			// The request can overtake the socket carrying the text it was made on: wait for it.
			if (quote !== null || attempt >= RETRIES) return quote;
			await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
		}
	};
}
