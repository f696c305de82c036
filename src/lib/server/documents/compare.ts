// Comparing two points of a document's journal (issue 11). The journal holds every update with
// its author, so the rows between the two points are replayed run by run (a run: consecutive
// rows of one author); after each run the document is read as ProseMirror, and the blocks that
// differ from the previous reading become changes tagged with the run's author. They are
// merged with prosemirror-changeset's Change.merge (an insertion later deleted by someone else
// cancels out, each piece keeps its author), then narrowed once to the characters that
// changed. Each version stores the changes it brought (recordVersion), so that comparing
// versions merges stored changes instead of replaying. Rendering goes through the same
// whitelist as every other server-side rendering of a document (render.ts).
import * as Y from 'yjs';
import { Change, ChangeSet, type ChangeJSON, type TokenEncoder } from 'prosemirror-changeset';
import type { Node as PMNode } from 'prosemirror-model';
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import type { Db } from '../db';
import { DOCUMENT_FRAGMENT } from '../../documents/schema';
import { editorSchema } from './content';
import { journalUpdates, toBytes } from './journal';
import { applyAll, CHECKPOINT_EVERY, stateAt } from './history-state';
import { renderNodeHtml, type ChangeMarks, type JsonNode } from './render';
import { breather, historyWork } from './history-work';

/** Who made a change: a user id, or null for the server itself (e.g. a template). */
export type Author = string | null;

export interface AuthorChanges {
	userId: Author;
	charsAdded: number;
	charsRemoved: number;
	wordsAdded: number;
	wordsRemoved: number;
}

export interface Comparison {
	fromSeq: number;
	toSeq: number;
	/** The document at `fromSeq` and at `toSeq`. */
	before: PMNode;
	after: PMNode;
	changes: readonly Change<Author>[];
	summary: {
		paragraphsChanged: number;
		wordsAdded: number;
		wordsRemoved: number;
		authors: AuthorChanges[];
	};
}

/** A document read as ProseMirror, with each top-level block's JSON (its identity for the alignment). */
interface Reading {
	doc: PMNode;
	keys: string[];
}

/**
 * Reads a Y.Doc as ProseMirror again and again as updates are applied, converting only the
 * top-level blocks that changed since the previous reading: a compare reads the document once
 * per author run, and re-reading a long document whole each time dominated its cost.
 */
class BlockReader {
	private readonly fragment: Y.XmlFragment;
	private readonly cache = new Map<unknown, { node: PMNode; key: string }>();
	private readonly dirty = new Set<unknown>();

	constructor(ydoc: Y.Doc) {
		this.fragment = ydoc.getXmlFragment(DOCUMENT_FRAGMENT);
		ydoc.on('afterTransaction', (transaction: Y.Transaction) => {
			for (const type of transaction.changed.keys()) {
				// The top-level block the change is in (a change to the body itself only moves blocks).
				// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types its parents loosely
				let block: Y.AbstractType<any> = type;
				while (block._item && block._item.parent !== this.fragment)
					// eslint-disable-next-line @typescript-eslint/no-explicit-any
					block = block._item.parent as Y.AbstractType<any>;
				if (block._item) this.dirty.add(block);
			}
		});
	}

	read(): Reading {
		const nodes: PMNode[] = [];
		const keys: string[] = [];
		for (const child of this.fragment.toArray()) {
			let entry = this.cache.get(child);
			if (!entry || this.dirty.has(child)) {
				entry = convertBlock(child);
				this.cache.set(child, entry);
			}
			if (!entry) continue;
			nodes.push(entry.node);
			keys.push(entry.key);
		}
		this.dirty.clear();
		// An empty body (a document's first position) is no valid doc: read as one empty paragraph.
		if (nodes.length === 0) {
			nodes.push(editorSchema().node('paragraph'));
			keys.push(JSON.stringify(nodes[0].toJSON()));
		}
		return { doc: editorSchema().node('doc', null, nodes), keys };
	}
}

/** One top-level block as ProseMirror, through y-tiptap's JSON reading and the editor's schema. */
function convertBlock(block: Y.XmlElement | Y.XmlText | Y.XmlHook): { node: PMNode; key: string } {
	let node: PMNode;
	try {
		if (!(block instanceof Y.XmlElement)) throw new Error('not an element');
		// y-tiptap reads a fragment's children; a stand-in fragment holding this block alone.
		const json = yXmlFragmentToProsemirrorJSON({
			toArray: () => [block]
		} as unknown as Y.XmlFragment) as { content: unknown[] };
		node = editorSchema().nodeFromJSON(json.content[0]);
	} catch {
		// Content the schema does not allow (stored before the server checked updates): shown
		// as an empty paragraph rather than failing the whole comparison.
		node = editorSchema().node('paragraph');
	}
	return { node, key: JSON.stringify(node.toJSON()) };
}

/** Beyond this many blocks added or removed between two readings, no alignment is sought. */
const MAX_EDIT_SCRIPT = 2_000;

/**
 * The top-level blocks of `a` replaced in `b`, as replaced ranges [from, oldSize, newSize] in
 * `a`'s positions: equal blocks are aligned (a longest common subsequence), each run of
 * unequal blocks is a replaced range, narrowed to where its blocks really differ.
 */
export function blockChanges(a: Reading, b: Reading): [number, number, number][] {
	const { keys: keysA } = a;
	const { keys: keysB } = b;
	let start = 0;
	while (start < keysA.length && start < keysB.length && keysA[start] === keysB[start]) start++;
	let endA = keysA.length;
	let endB = keysB.length;
	while (endA > start && endB > start && keysA[endA - 1] === keysB[endB - 1]) {
		endA--;
		endB--;
	}
	if (start === endA && start === endB) return [];
	const pairs = align(keysA, keysB, start, endA, endB);
	const offsetsA = offsets(a.doc);
	const offsetsB = offsets(b.doc);
	const ranges: [number, number, number][] = [];
	let i = start;
	let j = start;
	for (const [mi, mj] of [...pairs, [endA, endB] as const]) {
		// Unequal blocks: those of the same type, in order, are the same block edited; each is
		// narrowed to where it really differs (a wider range would credit this run's author with
		// text of others that it merely kept, e.g. the rest of a list). The remaining blocks were
		// removed or added whole.
		while (i < mi && j < mj && a.doc.child(i).type === b.doc.child(j).type) {
			const range = narrow(
				a.doc,
				b.doc,
				offsetsA[i],
				offsetsA[i + 1],
				offsetsB[j],
				offsetsB[j + 1]
			);
			if (range) ranges.push([range.fromA, range.toA - range.fromA, range.toB - range.fromB]);
			i++;
			j++;
		}
		if (mi > i || mj > j)
			ranges.push([offsetsA[i], offsetsA[mi] - offsetsA[i], offsetsB[mj] - offsetsB[j]]);
		i = mi + 1;
		j = mj + 1;
	}
	return ranges;
}

/** The part of a[fromA, toA) and b[fromB, toB) that differs, or null when they are equal. */
function narrow(a: PMNode, b: PMNode, fromA: number, toA: number, fromB: number, toB: number) {
	const cutA = a.content.cut(fromA, toA);
	const cutB = b.content.cut(fromB, toB);
	const start = cutA.findDiffStart(cutB);
	if (start === null) return null;
	let { a: endA, b: endB } = cutA.findDiffEnd(cutB)!;
	// The two scans may overlap on repeated content ("aa" → "aaa"): move the ends after the start.
	const overlap = start - Math.min(endA, endB);
	if (overlap > 0) {
		endA += overlap;
		endB += overlap;
	}
	return { fromA: fromA + start, toA: fromA + endA, fromB: fromB + start, toB: fromB + endB };
}

/** Start position of each top-level block, and the end of the content last. */
function offsets(doc: PMNode): number[] {
	const result: number[] = [];
	let pos = 0;
	doc.forEach((child) => {
		result.push(pos);
		pos += child.nodeSize;
	});
	result.push(pos);
	return result;
}

/**
 * Matched index pairs between keysA[start, endA) and keysB[start, endB), in order: a longest
 * common subsequence, by Myers' O((N+M)·D) algorithm — between two readings a run adds or
 * removes few blocks (small D), where a full N×M table over a long document dominated the
 * comparison's time and garbage. Beyond MAX_EDIT_SCRIPT differences, no pairs (the whole
 * middle is one replaced range).
 */
export function align(
	keysA: string[],
	keysB: string[],
	start: number,
	endA: number,
	endB: number
): [number, number][] {
	const n = endA - start;
	const m = endB - start;
	if (n === 0 || m === 0) return [];
	const max = Math.min(n + m, MAX_EDIT_SCRIPT);
	const offset = max + 1;
	const v = new Int32Array(2 * max + 3);
	const trace: Int32Array[] = [];
	const same = (x: number, y: number) => keysA[start + x] === keysB[start + y];
	for (let d = 0; d <= max; d++) {
		trace.push(v.slice());
		for (let k = -d; k <= d; k += 2) {
			let x =
				k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
					? v[offset + k + 1]
					: v[offset + k - 1] + 1;
			let y = x - k;
			while (x < n && y < m && same(x, y)) {
				x++;
				y++;
			}
			v[offset + k] = x;
			if (x >= n && y >= m) return backtrack(trace, offset, n, m, d, start);
		}
	}
	return [];
}

/** Walks Myers' trace back from (n, m) and collects the diagonal moves as matched pairs. */
function backtrack(
	trace: Int32Array[],
	offset: number,
	n: number,
	m: number,
	depth: number,
	start: number
): [number, number][] {
	const pairs: [number, number][] = [];
	let x = n;
	let y = m;
	for (let d = depth; d > 0; d--) {
		const v = trace[d];
		const k = x - y;
		const prevK = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? k + 1 : k - 1;
		const prevX = v[offset + prevK];
		const prevY = prevX - prevK;
		while (x > prevX && y > prevY) pairs.push([start + --x, start + --y]);
		x = prevX;
		y = prevY;
	}
	while (x > 0 && y > 0) pairs.push([start + --x, start + --y]);
	return pairs.reverse();
}

/**
 * Tokens that carry formatting and attributes: bolding a word, ticking a task or changing a
 * heading's level is a change to show (as the text replaced by itself, formatted), not a
 * change counted in the summary and invisible in the document.
 */
const FORMAT_AWARE: TokenEncoder<number | string> = {
	encodeCharacter: (char, marks) =>
		marks.length
			? `${char}:${marks.map((m) => m.type.name + JSON.stringify(m.attrs)).join(',')}`
			: char,
	encodeNodeStart: (node) => node.type.name + JSON.stringify(node.attrs),
	encodeNodeEnd: (node) => `/${node.type.name}`,
	compareTokens: (a, b) => a === b
};

const sameAuthor = (a: Author, b: Author) => (a === b ? a : null);

/** One author run's replaced ranges (in the previous reading's positions, in order) as changes. */
function runChanges(ranges: [number, number, number][], author: Author): Change<Author>[] {
	let shift = 0;
	return ranges.map(([from, oldSize, newSize]) => {
		const fromB = from + shift;
		shift += newSize - oldSize;
		return Change.fromJSON<Author>({
			fromA: from,
			toA: from + oldSize,
			fromB,
			toB: fromB + newSize,
			deleted: oldSize ? [{ length: oldSize, data: author }] : [],
			inserted: newSize ? [{ length: newSize, data: author }] : []
		});
	});
}

/**
 * Beyond this many positions (both sides), a change is shown whole: narrowing it costs up to
 * (N+M)·2,500 steps of the library's diff, and a rewrite that long reads better whole anyway.
 */
const MAX_NARROWED = 6_000;

/** prosemirror-changeset's own narrowing of one change (exported by the library, not typed). */
const computeDiff = (
	ChangeSet as unknown as {
		computeDiff(
			a: PMNode['content'],
			b: PMNode['content'],
			change: Change<Author>,
			encoder: TokenEncoder<number | string>
		): Change<Author>[];
	}
).computeDiff;

/**
 * Narrows a change to the tokens that really differ between the first and the last
 * document (a run's range may span unchanged text between two edits), keeping each piece's
 * author. Done once at the end rather than after each run, as ChangeSet.addSteps would: over
 * hundreds of runs, those repeated diffs dominated the comparison's time. A change the
 * library cannot narrow (2.4 miscounts a range of more than 10,000 tokens that starts inside
 * a node) is kept whole.
 */
function narrowChange(change: Change<Author>, before: PMNode, after: PMNode): Change<Author>[] {
	if (change.fromA === change.toA || change.fromB === change.toB) return [change];
	if (change.toA - change.fromA + (change.toB - change.fromB) > MAX_NARROWED) return [change];
	try {
		const pieces = computeDiff(before.content, after.content, change, FORMAT_AWARE);
		return consistentIn(pieces, change) ? pieces : [change];
	} catch {
		return [change];
	}
}

interface Run {
	userId: Author;
	lastSeq: number;
	updates: Uint8Array[];
}

/** The journal rows in (fromSeq, toSeq], grouped into runs of one author. */
async function authorRuns(db: Db, documentId: string, fromSeq: number, toSeq: number) {
	const rows = await db
		.selectFrom('document_update')
		.select(['seq', 'user_id', 'updates', 'data'])
		.where('document_id', '=', documentId)
		.where('seq', '>', fromSeq)
		.where('seq', '<=', toSeq)
		.orderBy('seq')
		.execute();
	const runs: Run[] = [];
	for (const row of rows) {
		const userId = row.user_id ?? null;
		let run = runs.at(-1);
		if (!run || run.userId !== userId) runs.push((run = { userId, lastSeq: 0, updates: [] }));
		run.lastSeq = Number(row.seq);
		run.updates.push(...journalUpdates(toBytes(row.data), Number(row.updates)));
	}
	return runs;
}

/**
 * What changed between two points of the journal (`fromSeq` < `toSeq`), with the author of
 * every insertion and deletion.
 */
export function compareSeqs(
	db: Db,
	documentId: string,
	fromSeq: number,
	toSeq: number
): Promise<Comparison> {
	return historyWork(
		async () =>
			(await fromStoredChanges(db, documentId, fromSeq, toSeq)) ??
			compareNow(db, documentId, fromSeq, toSeq)
	);
}

/** The changes between two points, as stored with a version (recordVersion, not queued). */
export async function versionChanges(
	db: Db,
	documentId: string,
	fromSeq: number,
	toSeq: number
): Promise<ChangeJSON<Author>[]> {
	return (await compareNow(db, documentId, fromSeq, toSeq)).changes.map((c) => c.toJSON());
}

/** Stored changes of consecutive versions, as those of the whole span (JSON in, JSON out). */
export function foldStoredChanges(stored: string[]): string {
	let changes: readonly Change<Author>[] = [];
	for (const json of stored)
		changes = Change.merge(
			changes,
			(JSON.parse(json) as ChangeJSON<Author>[]).map((c) => Change.fromJSON(c)),
			sameAuthor
		);
	return JSON.stringify(changes.map((c) => c.toJSON()));
}

/**
 * A comparison from the changes stored with the versions between the two points, when they
 * tile it from its start (each version starting where the previous ended, all with their
 * changes): no replay but of what was written after the last of them; the ends rebuilt. Null
 * otherwise (a start that is no version's end, versions recorded before their changes were
 * stored): the caller replays.
 */
export async function fromStoredChanges(
	db: Db,
	documentId: string,
	fromSeq: number,
	toSeq: number
): Promise<Comparison | null> {
	if (toSeq <= fromSeq) return null;
	const versions = await db
		.selectFrom('document_version')
		.select(['seq', 'from_seq', 'changes'])
		.where('document_id', '=', documentId)
		.where('seq', '>', fromSeq)
		.where('seq', '<=', toSeq)
		.orderBy('seq')
		.orderBy('created_at')
		.orderBy('id')
		.execute();
	let at = fromSeq;
	const stored: string[] = [];
	for (const version of versions) {
		const [from, seq] = [Number(version.from_seq), Number(version.seq)];
		if (from !== at || version.changes === null) return null;
		stored.push(version.changes);
		at = seq;
	}
	// Written since the last version (« maintenant » during a writing session): that part alone
	// is replayed, then merged.
	if (stored.length === 0) return null;
	const tail = at < toSeq ? await compareNow(db, documentId, at, toSeq) : null;
	const pause = breather();
	let changes: readonly Change<Author>[] = [];
	for (const json of stored) {
		await pause();
		changes = Change.merge(
			changes,
			(JSON.parse(json) as ChangeJSON<Author>[]).map((c) => Change.fromJSON(c)),
			sameAuthor
		);
	}
	if (tail) changes = Change.merge(changes, tail.changes, sameAuthor);
	const [before, after] = await Promise.all([
		readAt(db, documentId, fromSeq),
		tail ? tail.after : readAt(db, documentId, toSeq)
	]);
	// Stored by another version of this code, or damaged: replay rather than show nonsense.
	const whole = { fromA: 0, toA: before.content.size, fromB: 0, toB: after.content.size };
	if (!consistentIn(changes, whole)) return null;
	return {
		fromSeq,
		toSeq,
		before,
		after,
		changes,
		summary: summarise(before, after, changes)
	};
}

/**
 * Whether changes can be those of a range (a change's, or a whole document's): inside it, in
 * order, adding up to its change in size. prosemirror-changeset 2.4 can return changes
 * silently wrong on long ranges, and stored changes may be damaged: both are checked.
 */
function consistentIn(
	changes: readonly Change<Author>[],
	range: Pick<Change<Author>, 'fromA' | 'toA' | 'fromB' | 'toB'>
): boolean {
	let delta = 0;
	let lastA = range.fromA;
	let lastB = range.fromB;
	for (const c of changes) {
		if (c.fromA < lastA || c.fromB < lastB || c.toA < c.fromA || c.toB < c.fromB) return false;
		lastA = c.toA;
		lastB = c.toB;
		delta += c.toB - c.fromB - (c.toA - c.fromA);
	}
	return (
		lastA <= range.toA &&
		lastB <= range.toB &&
		delta === range.toB - range.fromB - (range.toA - range.fromA)
	);
}

/** The document at a point, read as a comparison reads it. */
async function readAt(db: Db, documentId: string, seq: number): Promise<PMNode> {
	const ydoc = await stateAt(db, documentId, seq);
	try {
		return new BlockReader(ydoc).read().doc;
	} finally {
		ydoc.destroy();
	}
}

async function compareNow(
	db: Db,
	documentId: string,
	fromSeq: number,
	toSeq: number
): Promise<Comparison> {
	const ydoc = await stateAt(db, documentId, fromSeq);
	try {
		const reader = new BlockReader(ydoc);
		const first = reader.read();
		let current = first;
		let changes: readonly Change<Author>[] = [];
		const pause = breather();
		for (const run of await authorRuns(db, documentId, fromSeq, toSeq)) {
			await pause();
			if (run.updates.length > CHECKPOINT_EVERY) {
				// A long run: the checkpoints rebuild its end faster than replaying it.
				const end = await stateAt(db, documentId, run.lastSeq);
				Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(end));
				end.destroy();
			} else applyAll(ydoc, run.updates);
			const next = reader.read();
			const ranges = blockChanges(current, next);
			// Merged as they are (an insertion later deleted by another cancels out, authors kept).
			if (ranges.length)
				changes = Change.merge(changes, runChanges(ranges, run.userId), sameAuthor);
			current = next;
		}
		const before = first.doc;
		const narrowed: Change<Author>[] = [];
		for (const change of changes) {
			await pause();
			narrowed.push(...narrowChange(change, before, current.doc));
		}
		return {
			fromSeq,
			toSeq,
			before,
			after: current.doc,
			changes: narrowed,
			summary: summarise(before, current.doc, narrowed)
		};
	} finally {
		ydoc.destroy();
	}
}

const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;
const countWords = (text: string) => text.match(WORD)?.length ?? 0;

function summarise(before: PMNode, after: PMNode, changes: readonly Change<Author>[]) {
	const authors = new Map<Author, AuthorChanges>();
	const authorOf = (userId: Author) => {
		let entry = authors.get(userId);
		if (!entry)
			authors.set(
				userId,
				(entry = { userId, charsAdded: 0, charsRemoved: 0, wordsAdded: 0, wordsRemoved: 0 })
			);
		return entry;
	};
	const blocksChanged = new Set<string>();
	const blockAt = (doc: PMNode, pos: number, side: string) => {
		const $pos = doc.resolve(Math.min(pos, doc.content.size));
		for (let depth = $pos.depth; depth > 0; depth--)
			if ($pos.node(depth).isTextblock) return blocksChanged.add(`${side}${$pos.before(depth)}`);
	};
	let wordsAdded = 0;
	let wordsRemoved = 0;
	for (const change of changes) {
		let pos = change.fromB;
		for (const span of change.inserted) {
			const text = after.textBetween(pos, pos + span.length, ' ', ' ');
			const words = countWords(text);
			const author = authorOf(span.data);
			author.charsAdded += text.length;
			author.wordsAdded += words;
			wordsAdded += words;
			pos += span.length;
		}
		pos = change.fromA;
		for (const span of change.deleted) {
			const text = before.textBetween(pos, pos + span.length, ' ', ' ');
			const words = countWords(text);
			const author = authorOf(span.data);
			author.charsRemoved += text.length;
			author.wordsRemoved += words;
			wordsRemoved += words;
			pos += span.length;
		}
		// Paragraphs touched: those of the new document the change lies in, plus those of the
		// old one that the change removed whole (counted once each).
		after.nodesBetween(change.fromB, Math.max(change.fromB, change.toB), (node, at) => {
			if (node.isTextblock) blocksChanged.add(`b${at}`);
			return !node.isTextblock;
		});
		blockAt(after, change.fromB, 'b');
		before.nodesBetween(change.fromA, change.toA, (node, at) => {
			if (node.isTextblock && at >= change.fromA && at + node.nodeSize <= change.toA)
				blocksChanged.add(`a${at}`);
			return !node.isTextblock;
		});
	}
	return {
		paragraphsChanged: blocksChanged.size,
		wordsAdded,
		wordsRemoved,
		authors: [...authors.values()]
	};
}

/**
 * The new document as HTML with the changes in it: insertions as <ins>, deletions as <del> at
 * the place they were (inline in a paragraph, or as a block of their own between blocks), each
 * tagged with its author's index in `authors` (for the colour and the name).
 */
export function renderComparison(
	comparison: Comparison,
	authors: { userId: Author; name: string }[]
): string {
	const indexOf = (userId: Author) =>
		Math.max(
			0,
			authors.findIndex((a) => a.userId === userId)
		);
	const marks: ChangeMarks = { names: authors.map((a) => a.name), insertions: [], deletions: [] };
	for (const change of comparison.changes.map((c) => widenBlockChange(comparison, c))) {
		let pos = change.fromB;
		for (const span of change.inserted) {
			marks.insertions.push({ from: pos, to: pos + span.length, author: indexOf(span.data) });
			pos += span.length;
		}
		const { fromA, fromB } = slideToBlockBoundary(comparison, change);
		pos = fromA;
		const inline = comparison.after.resolve(fromB).parent.isTextblock;
		for (const span of change.deleted) {
			const slice = comparison.before.slice(pos, pos + span.length);
			marks.deletions.push({
				at: fromB,
				author: indexOf(span.data),
				...(inline
					? { text: comparison.before.textBetween(pos, pos + span.length, ' ', ' ') }
					: { blocks: (slice.content.toJSON() as JsonNode[] | null) ?? [] })
			});
			pos += span.length;
		}
	}
	return renderNodeHtml(comparison.after.toJSON() as JsonNode, marks);
}

type DisplayChange = Pick<Change<Author>, 'fromA' | 'toA' | 'fromB' | 'toB'> & {
	deleted: readonly { length: number; data: Author }[];
	inserted: readonly { length: number; data: Author }[];
};

/**
 * A change to a block itself (a heading's level, a cell's span), without text, is a change
 * of a node's start token: shown as the old block struck through and the new one inserted.
 */
function widenBlockChange(
	comparison: Pick<Comparison, 'before' | 'after'>,
	change: Change<Author>
): DisplayChange {
	const { before, after } = comparison;
	const oldNode = before.nodeAt(change.fromA);
	const newNode = after.nodeAt(change.fromB);
	const textless =
		!before.textBetween(change.fromA, change.toA) && !after.textBetween(change.fromB, change.toB);
	if (!textless || !oldNode?.isBlock || !newNode?.isBlock || oldNode.type.spec.tableRole)
		return change;
	const author = change.inserted[0]?.data ?? change.deleted[0]?.data ?? null;
	return {
		fromA: change.fromA,
		toA: change.fromA + oldNode.nodeSize,
		fromB: change.fromB,
		toB: change.fromB + newNode.nodeSize,
		deleted: [{ length: oldNode.nodeSize, data: author }],
		inserted: [{ length: newNode.nodeSize, data: author }]
	};
}

/** The token of a document starting at `pos`: a character, a node's start, or a node's end. */
function tokenAt(doc: PMNode, pos: number): string {
	const $pos = doc.resolve(pos);
	if ($pos.parent.inlineContent && pos < $pos.end()) {
		const { node, offset } = $pos.parent.childAfter($pos.parentOffset);
		return node?.isText ? `c${node.text![$pos.parentOffset - offset]}` : `n${node?.type.name}`;
	}
	const after = $pos.nodeAfter;
	return after ? `o${after.type.name}${JSON.stringify(after.attrs)}` : `x${$pos.parent.type.name}`;
}

/**
 * Where to show a deletion. The changeset's token diff may place a removed list item, table
 * row or paragraph across a block boundary (« b2</p></li><li><p> » rather than
 * « <li><p>b2</p></li> »), which would show it inside the next block's text. When the same
 * tokens precede the range as end it, the range slides back to start between blocks.
 */
function slideToBlockBoundary(
	comparison: Pick<Comparison, 'before' | 'after'>,
	change: DisplayChange
): { fromA: number; fromB: number } {
	const { before, after } = comparison;
	const unmoved = { fromA: change.fromA, fromB: change.fromB };
	if (change.fromB !== change.toB || !after.resolve(change.fromB).parent.isTextblock)
		return unmoved;
	for (let k = 1; k <= 8 && change.fromA - k >= 0; k++) {
		if (tokenAt(before, change.fromA - k) !== tokenAt(before, change.toA - k)) return unmoved;
		const fromA = change.fromA - k;
		const fromB = change.fromB - k;
		// Whole nodes only: a slice still open at either end would be drawn as broken blocks.
		const slice = before.slice(fromA, change.toA - k);
		if (slice.openStart === 0 && slice.openEnd === 0 && !after.resolve(fromB).parent.isTextblock)
			return { fromA, fromB };
	}
	return unmoved;
}
