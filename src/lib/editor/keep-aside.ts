// "Keep aside": what this device holds and the server refused (or never got before the rights
// changed) cannot be removed from a Y.Doc — applied Yjs items are permanent. So the editor reads
// it as text the user can copy, then drops its local copy and resyncs from the server.
import * as Y from 'yjs';
import { PASSAGE_LABELS, isBeyond, passagesOf, type StateVector } from './passages';

export interface AsidePassage {
	/** "Cellule de tableau", "Paragraphe"… */
	label: string;
	/** The passage's text as the server knows it, to say where the kept text was typed. */
	context: string;
	/** The text the server lacks, in order; separate runs joined by " … ". */
	text: string;
	/** The pieces of `text`, each with the Yjs id of its first character (to find it after a merge). */
	pieces?: { client: number; clock: number; text: string }[];
}

/**
 * The text of `fragment` created beyond the server's state vector, passage by passage. Only
 * insertions can be shown as text: deletions the server lacks are simply not applied.
 */
export function textTheServerLacks(fragment: Y.XmlFragment, server: StateVector): AsidePassage[] {
	const kept: AsidePassage[] = [];
	for (const passage of passagesOf(fragment)) {
		const runs: string[] = [];
		const pieces: NonNullable<AsidePassage['pieces']> = [];
		let run = '';
		let context = '';
		for (const item of passage.items) {
			if (!(item.content instanceof Y.ContentString) || item.deleted) continue;
			const str = item.content.str;
			if (isBeyond(item, server)) {
				// An item typed in one go may straddle the vector: only its tail is missing.
				const known = Math.max(0, (server.get(item.id.client) ?? 0) - item.id.clock);
				run += str.slice(known);
				context += str.slice(0, known);
				pieces.push({
					client: item.id.client,
					clock: item.id.clock + known,
					text: str.slice(known)
				});
			} else {
				if (run) runs.push(run);
				run = '';
				context += str;
			}
		}
		if (run) runs.push(run);
		const text = runs.join(' … ').trim();
		if (text)
			kept.push({
				label: PASSAGE_LABELS[passage.element.nodeName] ?? 'Passage',
				context: shorten(context.replace(/\s+/g, ' ').trim()),
				text,
				pieces
			});
	}
	return kept;
}

/** The kept passages as plain text, for the clipboard and for the panel. */
export function asideAsText(passages: AsidePassage[]): string {
	return passages
		.map((p) =>
			p.context ? `${p.label} « ${p.context} » :\n${p.text}` : `${p.label} :\n${p.text}`
		)
		.join('\n\n');
}

function shorten(text: string, max = 60): string {
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Of the offline edits read before a merge (`before`, from textTheServerLacks), the text the
 * merge deleted: someone removed the passage, or the block inside it, meanwhile (a restore
 * replacing it, say). Yjs keeps such text inside the deleted content, where it would vanish
 * without a word. Read from the document's delete set, so nested blocks count too.
 */
export function editsInRemovedPassages(doc: Y.Doc, before: AsidePassage[]): AsidePassage[] {
	const deleted = Y.createDeleteSetFromStructStore(doc.store);
	const lost: AsidePassage[] = [];
	for (const passage of before) {
		const gone = (passage.pieces ?? []).filter((piece) =>
			Y.isDeleted(deleted, Y.createID(piece.client, piece.clock))
		);
		if (gone.length)
			lost.push({
				label: passage.label,
				context: passage.context,
				text: gone.map((piece) => piece.text.trim()).join(' … ')
			});
	}
	return lost;
}
