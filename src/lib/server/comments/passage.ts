// The server's reading of an anchor: is it a passage of this document's text, and what does it
// say? Read on the live room's document when the document is open (the passage may have been
// typed a moment ago), else on the stored one — straight from the Yjs types, read-only: no
// ProseMirror conversion (which costs the whole document and deletes, in the document it reads,
// any element it cannot build).
import * as Y from 'yjs';
import type { Db } from '../db';
import type { CollabHub } from '../runtime';
import { DOCUMENT_FRAGMENT } from '../../documents/schema';
import { notYetReceived, type Anchor } from '../../comments/anchor';
import { readStoredDocument } from '../documents/journal';

export const QUOTE_MAX_LENGTH = 1_000;

/** The passage's text now, or null when the anchor is not a passage of the document body. */
export type PassageReader = (documentId: string, anchor: Anchor) => Promise<string | null>;

type Point = { type: Y.XmlText; index: number };

/** Where a position is, as a text and an offset in the body; 'pending' when not received yet. */
function pointOf(
	doc: Y.Doc,
	fragment: Y.XmlFragment,
	position: Y.RelativePosition
): Point | 'pending' | null {
	// No item, type or name: Yjs cannot read it (it throws). A root type of another name would
	// be created by reading it.
	if (position.item === null && position.type === null && position.tname === null) return null;
	if (position.tname !== null && position.tname !== DOCUMENT_FRAGMENT) return null;
	if (notYetReceived(doc, position)) return 'pending';
	let absolute: Y.AbsolutePosition | null;
	try {
		absolute = Y.createAbsolutePositionFromRelativePosition(position, doc);
	} catch {
		return null;
	}
	if (!absolute || !(absolute.type instanceof Y.XmlText)) return null;
	// Inside the body, and not in a removed block.
	for (
		let item = absolute.type._item;
		item;
		item = (item.parent as Y.AbstractType<unknown>)._item
	) {
		if (item.deleted) return null;
		if (item.parent === fragment) return { type: absolute.type, index: absolute.index };
	}
	return null;
}

/** A text's characters with embedded nodes counted as one position each, shown as nothing. */
function charactersOf(text: Y.XmlText): string[] {
	const characters: string[] = [];
	for (const op of text.toDelta() as { insert: unknown }[]) {
		if (typeof op.insert === 'string')
			for (let i = 0; i < op.insert.length; i++) characters.push(op.insert[i]);
		else characters.push('');
	}
	return characters;
}

/** The text between two points in document order (blocks joined by a space); null if end precedes start. */
function textBetween(fragment: Y.XmlFragment, start: Point, end: Point): string | null {
	const parts: string[] = [];
	type State = 'before' | 'inside' | 'done' | 'reversed';
	let state = 'before' as State;
	const visit = (node: Y.XmlFragment | Y.XmlElement | Y.XmlText): void => {
		if (state === 'done' || state === 'reversed') return;
		if (node instanceof Y.XmlText) {
			const isStart = node === start.type;
			const isEnd = node === end.type;
			if (state === 'before' && !isStart) {
				if (isEnd) state = 'reversed';
				return;
			}
			const characters = charactersOf(node);
			const from = isStart ? start.index : 0;
			const to = isEnd ? end.index : characters.length;
			if (isStart && isEnd && to < from) {
				state = 'reversed';
				return;
			}
			parts.push(characters.slice(from, to).join(''));
			state = isEnd ? 'done' : 'inside';
			return;
		}
		for (const child of node.toArray()) visit(child as Y.XmlElement | Y.XmlText);
	};
	visit(fragment);
	return state === 'done' ? parts.join(' ') : null;
}

export function readPassage(doc: Y.Doc, anchor: Anchor): string | null | 'pending' {
	const fragment = doc.getXmlFragment(DOCUMENT_FRAGMENT);
	const start = pointOf(doc, fragment, anchor.start);
	const end = pointOf(doc, fragment, anchor.end);
	if (start === null || end === null) return null;
	if (start === 'pending' || end === 'pending') return 'pending';
	const text = textBetween(fragment, start, end)?.replace(/\s+/g, ' ').trim();
	if (!text) return null;
	const characters = [...text];
	return characters.length > QUOTE_MAX_LENGTH
		? characters.slice(0, QUOTE_MAX_LENGTH - 1).join('') + '…'
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
					const passage = readPassage(stored, anchor);
					return passage === 'pending' ? null : passage;
				} finally {
					stored.destroy();
				}
			}
			const passage = readPassage(live, anchor);
			// Only characters not received yet are waited for (the request overtook the socket
			// carrying them), a second at most; anything else is answered at once.
			if (passage !== 'pending') return passage;
			if (attempt >= RETRIES) return null;
			await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
		}
	};
}
