// A thread's anchor: the passage it was opened on, as two Yjs relative positions in the
// document's fragment. Shared by the browser (to make and draw anchors) and the server (to
// check them and quote the passage). Relative positions name the characters themselves, so
// an anchor follows the passage through everyone's edits and offline merges.
//
// The start names the passage's first character, the end its last one (assoc -1): text typed
// exactly at either edge lands beside the named character, outside the passage.
import * as Y from 'yjs';
import {
	absolutePositionToRelativePosition,
	relativePositionToAbsolutePosition
} from '@tiptap/y-tiptap';

/** y-tiptap's map from Yjs types to ProseMirror nodes (the binding's, or initProseMirrorDoc's). */
export type PmMapping = Map<Y.AbstractType<unknown>, unknown>;

export interface EncodedAnchor {
	/** base64 of Y.encodeRelativePosition */
	start: string;
	end: string;
}

export interface Anchor {
	start: Y.RelativePosition;
	end: Y.RelativePosition;
}

/** Longest encoded position accepted (a relative position is a few dozen bytes). */
const MAX_ENCODED_LENGTH = 512;

function toBase64(bytes: Uint8Array): string {
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary);
}

function fromBase64(text: string): Uint8Array | null {
	if (text.length === 0 || text.length > MAX_ENCODED_LENGTH || !/^[A-Za-z0-9+/]+=*$/.test(text))
		return null;
	try {
		return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
	} catch {
		return null;
	}
}

export function encodePosition(position: Y.RelativePosition): Uint8Array {
	return Y.encodeRelativePosition(position);
}

/** Null when the bytes are not a relative position. */
export function decodePosition(bytes: Uint8Array): Y.RelativePosition | null {
	try {
		return Y.decodeRelativePosition(bytes);
	} catch {
		return null;
	}
}

export function encodeAnchor(anchor: Anchor): EncodedAnchor {
	return {
		start: toBase64(encodePosition(anchor.start)),
		end: toBase64(encodePosition(anchor.end))
	};
}

/** Null for anything that is not two well-formed relative positions. */
export function decodeAnchor(
	value: unknown
): { anchor: Anchor; bytes: [Uint8Array, Uint8Array] } | null {
	if (typeof value !== 'object' || value === null) return null;
	const { start, end } = value as Record<string, unknown>;
	if (typeof start !== 'string' || typeof end !== 'string') return null;
	const startBytes = fromBase64(start);
	const endBytes = fromBase64(end);
	if (!startBytes || !endBytes) return null;
	const startPosition = decodePosition(startBytes);
	const endPosition = decodePosition(endBytes);
	if (!startPosition || !endPosition) return null;
	return { anchor: { start: startPosition, end: endPosition }, bytes: [startBytes, endBytes] };
}

export function bytesToBase64(bytes: Uint8Array): string {
	return toBase64(bytes);
}

/** The same point, named by the character after it (0) or before it (-1) when inside a text. */
function withAssoc(position: Y.RelativePosition, doc: Y.Doc, assoc: 0 | -1): Y.RelativePosition {
	const absolute = Y.createAbsolutePositionFromRelativePosition(position, doc);
	if (!absolute || !(absolute.type instanceof Y.XmlText)) return position;
	return Y.createRelativePositionFromTypeIndex(absolute.type, absolute.index, assoc);
}

/**
 * Whether the character a position names has not reached this copy of the document yet (typed
 * a moment ago elsewhere, or while offline): not the same as deleted.
 */
export function notYetReceived(doc: Y.Doc, position: Y.RelativePosition): boolean {
	const id = position.item ?? position.type;
	return id !== null && Y.getState(doc.store, id.client) <= id.clock;
}

/** The anchor of the ProseMirror range [from, to) of the document bound to `fragment`. */
export function anchorOf(
	doc: Y.Doc,
	fragment: Y.XmlFragment,
	mapping: PmMapping,
	from: number,
	to: number
): Anchor {
	return {
		start: withAssoc(absolutePositionToRelativePosition(from, fragment, mapping as never), doc, 0),
		end: withAssoc(absolutePositionToRelativePosition(to, fragment, mapping as never), doc, -1)
	};
}

/**
 * Where the anchored passage is now, as a ProseMirror range; null when its text is gone
 * (deleted, or its paragraph removed): the thread then shows « passage supprimé ».
 */
export function resolveAnchor(
	doc: Y.Doc,
	fragment: Y.XmlFragment,
	mapping: PmMapping,
	anchor: Anchor
): { from: number; to: number } | null {
	const from = relativePositionToAbsolutePosition(doc, fragment, anchor.start, mapping as never);
	const to = relativePositionToAbsolutePosition(doc, fragment, anchor.end, mapping as never);
	if (from === null || to === null || from >= to) return null;
	return { from, to };
}
