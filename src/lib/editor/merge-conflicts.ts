// Yjs merges concurrent edits without conflicts, so "both sides changed this" has to be
// defined: at reconnection, this device's state vector (what it had before the server's
// content arrived) and the server's (its sync step 1) split the merged items in two —
// the ones only this device had (its unsent edits) and the ones only the server had (edits
// that arrived from others meanwhile). A passage holding items of both is flagged.
import type * as Y from 'yjs';
import { passageText, passagesOf, type Passage, type StateVector } from './passages';

export interface FlaggedPassage {
	/** Yjs id of the passage's block (stable across replicas and reloads). */
	id: string;
	/** Its text when flagged, for the notice. */
	excerpt: string;
}

/** Whether the item overlaps the clock range [from, to) of its client. */
function overlaps(item: Y.Item, from: StateVector, to: StateVector): boolean {
	const start = item.id.clock;
	const end = start + item.length;
	const client = item.id.client;
	return start < (to.get(client) ?? 0) && end > (from.get(client) ?? 0);
}

/**
 * Passages that hold both edits this device had and the server lacked (`local` beyond
 * `server`) and edits the server had and this device lacked (`server` beyond `local`).
 * `fragment` is read after the merge.
 */
export function passagesEditedOnBothSides(
	fragment: Y.XmlFragment,
	local: StateVector,
	server: StateVector
): FlaggedPassage[] {
	return passagesOf(fragment)
		.filter(
			(passage: Passage) =>
				passage.items.some((item) => overlaps(item, server, local)) &&
				passage.items.some((item) => overlaps(item, local, server))
		)
		.map((passage) => ({ id: passage.id, excerpt: excerpt(passageText(passage)) }));
}

/** Whether the two vectors differ in a way that can flag anything (both sides bring something). */
export function bothSidesEdited(local: StateVector, server: StateVector): boolean {
	let mine = false;
	let theirs = false;
	for (const [client, clock] of local) if (clock > (server.get(client) ?? 0)) mine = true;
	for (const [client, clock] of server) if (clock > (local.get(client) ?? 0)) theirs = true;
	return mine && theirs;
}

function excerpt(text: string, max = 80): string {
	return text.length > max ? `${text.slice(0, max - 1)}…` : text || '(passage vide)';
}
