// A reader's update is never applied; the server only decides whether to answer it with a
// refusal. Two rules could decide: a hand-written check (structs beyond the server's state, or
// deletions it lacks, Skip structs ignored) and Yjs' `snapshotContainsUpdate`, which the server
// uses (bringsSomethingNew). This file shows where they agree and the one place they differ.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { bringsSomethingNew } from '../../server/collab/message-receiver';
import { paragraph } from '../helpers/content';

/** Whether applying `update` would change `doc`, Skip structs ignored. */
function handWrittenCheck(doc: Y.Doc, update: Uint8Array): boolean {
	const { structs, ds } = Y.decodeUpdate(update);
	const stateVector = Y.decodeStateVector(Y.encodeStateVector(doc));
	for (const struct of structs) {
		if (struct instanceof Y.Skip) continue;
		if (struct.id.clock + struct.length > (stateVector.get(struct.id.client) ?? 0)) return true;
	}
	if (ds.clients.size === 0) return false;
	const known = Y.createDeleteSetFromStructStore(doc.store);
	for (const [client, ranges] of ds.clients) {
		const knownRanges = known.clients.get(client) ?? [];
		for (const range of ranges) {
			if (
				!knownRanges.some(
					(k) => k.clock <= range.clock && range.clock + range.len <= k.clock + k.len
				)
			)
				return true;
		}
	}
	return false;
}

/** Yjs' rule, read the same way round: true when the update holds something `doc` lacks. */
function libraryCheck(doc: Y.Doc, update: Uint8Array): boolean {
	return !Y.snapshotContainsUpdate(Y.snapshot(doc), update);
}

function verdicts(doc: Y.Doc, update: Uint8Array) {
	return {
		handWritten: handWrittenCheck(doc, update),
		library: libraryCheck(doc, update),
		server: bringsSomethingNew(doc, update)
	};
}
const NOTHING_NEW = { handWritten: false, library: false, server: false };
const SOMETHING_NEW = { handWritten: true, library: true, server: true };

function copyOf(doc: Y.Doc): Y.Doc {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

/** What `update` holds, e.g. ['Item 7:0+3', 'Skip 7:3+3', 'Item 7:6+3']. */
function structsOf(update: Uint8Array): string[] {
	return Y.decodeUpdate(update).structs.map(
		(s) => `${s.constructor.name} ${s.id.client}:${s.id.clock}+${s.length}`
	);
}

/** The document's empty paragraph, written by client 1: every document of docFrom starts with it. */
const EMPTY_PARAGRAPH = (() => {
	const doc = new Y.Doc();
	doc.clientID = 1;
	paragraph(doc, 0);
	return Y.encodeStateAsUpdate(doc);
})();

/** Three updates of one client (7) typing in that paragraph, three characters each: clocks 0–2, 3–5, 6–8. */
function threeUpdatesOfOneClient(): Uint8Array[] {
	const doc = docFrom();
	doc.clientID = 7;
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	const text = paragraph(doc, 0);
	for (const word of ['abc', 'def', 'ghi']) text.insert(text.length, word);
	return updates;
}

/** The empty paragraph, then `updates`. */
function docFrom(...updates: Uint8Array[]): Y.Doc {
	const doc = new Y.Doc();
	for (const update of [EMPTY_PARAGRAPH, ...updates]) Y.applyUpdate(doc, update);
	return doc;
}

describe('telling a reader’s sync reply from an edit: where both rules agree', () => {
	const server = new Y.Doc();
	paragraph(server, 0).insert(0, 'Compte-rendu du 12 mars');
	paragraph(server, 0).delete(0, 6); // the server holds a deletion too
	const reader = copyOf(server);

	it('an identical update, and an empty one, bring nothing', () => {
		expect(verdicts(server, Y.encodeStateAsUpdate(server))).toEqual(NOTHING_NEW);
		expect(verdicts(server, Y.encodeStateAsUpdate(new Y.Doc()))).toEqual(NOTHING_NEW);
	});

	it('a reader’s reply to sync step 1 (its delete set only) brings nothing', () => {
		const reply = Y.encodeStateAsUpdate(reader, Y.encodeStateVector(server));
		expect(structsOf(reply)).toEqual([]);
		expect(verdicts(server, reply)).toEqual(NOTHING_NEW);
	});

	it('a new insertion and a new deletion are edits', () => {
		const inserting = copyOf(server);
		paragraph(inserting, 0).insert(0, 'X');
		expect(verdicts(server, Y.encodeStateAsUpdate(inserting, Y.encodeStateVector(server)))).toEqual(
			SOMETHING_NEW
		);
		const deleting = copyOf(server);
		paragraph(deleting, 0).delete(3, 4);
		expect(verdicts(server, Y.encodeStateAsUpdate(deleting, Y.encodeStateVector(server)))).toEqual(
			SOMETHING_NEW
		);
	});

	it('deleting items the server does not know is an edit, whether their client is known or not', () => {
		const elsewhere = new Y.Doc();
		paragraph(elsewhere, 0).insert(0, 'ailleurs');
		const deletion = Y.encodeStateAsUpdate(elsewhere);
		paragraph(elsewhere, 0).delete(0, 3);
		const onlyTheDeletion = Y.diffUpdate(
			Y.encodeStateAsUpdate(elsewhere),
			Y.encodeStateVectorFromUpdate(deletion)
		);
		expect(structsOf(onlyTheDeletion)).toEqual([]);
		expect(verdicts(server, onlyTheDeletion)).toEqual(SOMETHING_NEW);

		const beyondKnown = copyOf(server);
		const added = paragraph(beyondKnown, 0);
		added.insert(added.length, ' (suite)');
		const later = copyOf(beyondKnown);
		const shortened = paragraph(later, 0);
		shortened.delete(shortened.length - 3, 3);
		const deletesUnseen = Y.encodeStateAsUpdate(later, Y.encodeStateVector(beyondKnown));
		expect(structsOf(deletesUnseen)).toEqual([]);
		expect(verdicts(server, deletesUnseen)).toEqual(SOMETHING_NEW);
	});

	it('Skip structs between two updates of one client (Y.mergeUpdates): judged by what surrounds them', () => {
		const [first, second, third] = threeUpdatesOfOneClient();
		const merged = Y.mergeUpdates([first, third]);
		expect(structsOf(merged)).toEqual(['Item 7:0+3', 'Skip 7:3+3', 'Item 7:6+3']);
		expect(verdicts(docFrom(first, second, third), merged)).toEqual(NOTHING_NEW);
		expect(verdicts(docFrom(first, second), merged)).toEqual(SOMETHING_NEW); // 6–8 is new
		expect(verdicts(docFrom(first), merged)).toEqual(SOMETHING_NEW);
	});

	it('a reader holding pending structs answers sync step 1 (encodeStateAsUpdate merges them in, with a Skip)', () => {
		const [first, second, third] = threeUpdatesOfOneClient();
		const pendingReader = docFrom(first, third); // 6–8 waits for 3–5
		expect(pendingReader.store.pendingStructs).not.toBeNull();
		// To a server holding the empty paragraph only.
		const toEmptyServer = Y.encodeStateAsUpdate(pendingReader, Y.encodeStateVector(docFrom()));
		expect(structsOf(toEmptyServer)).toEqual(['Item 7:0+3', 'Skip 7:3+3', 'Item 7:6+3']);
		expect(verdicts(docFrom(), toEmptyServer)).toEqual(SOMETHING_NEW);

		const complete = docFrom(first, second, third);
		const toCompleteServer = Y.encodeStateAsUpdate(pendingReader, Y.encodeStateVector(complete));
		expect(structsOf(toCompleteServer)).toEqual([]);
		expect(verdicts(complete, toCompleteServer)).toEqual(NOTHING_NEW);

		// The server only lacks what the reader holds pending: diffUpdate drops the Skip.
		const behind = docFrom(first, second);
		const toBehindServer = Y.encodeStateAsUpdate(pendingReader, Y.encodeStateVector(behind));
		expect(structsOf(toBehindServer)).toEqual(['Item 7:6+3']);
		expect(verdicts(behind, toBehindServer)).toEqual(SOMETHING_NEW);
	});
});

describe('where the two rules differ: a Skip that no struct follows', () => {
	/** An update holding one Skip of client 7 and nothing else (no Yjs encoder writes this). */
	function loneSkip(clock: number, length: number): Uint8Array {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 1); // one client
		encoding.writeVarUint(encoder, 1); // one struct
		encoding.writeVarUint(encoder, 7); // client
		encoding.writeVarUint(encoder, clock);
		encoding.writeUint8(encoder, 10); // Skip
		encoding.writeVarUint(encoder, length);
		encoding.writeVarUint(encoder, 0); // empty delete set
		return encoding.toUint8Array(encoder);
	}

	it('beyond the server’s state: ignored by the hand-written check, counted as new by Yjs; applying it changes nothing', () => {
		const [first, second, third] = threeUpdatesOfOneClient();
		const server = docFrom(first, second, third);
		const update = loneSkip(9, 5);
		expect(structsOf(update)).toEqual(['Skip 7:9+5']);
		expect({
			handWritten: handWrittenCheck(server, update),
			library: libraryCheck(server, update)
		}).toEqual({ handWritten: false, library: true });

		const before = Y.encodeStateAsUpdate(server);
		Y.applyUpdate(server, update);
		expect(Y.encodeStateAsUpdate(server)).toEqual(before);
		expect(server.store.pendingStructs).toBeNull();
	});

	it('within the server’s state: both see nothing new', () => {
		const [first, second, third] = threeUpdatesOfOneClient();
		expect(verdicts(docFrom(first, second, third), loneSkip(3, 3))).toEqual(NOTHING_NEW);
	});

	it('Yjs writes a Skip only between two structs of its client, so no reply of a genuine client holds one', () => {
		const [first, second, third] = threeUpdatesOfOneClient();
		const updates = [
			Y.mergeUpdates([first, third]),
			Y.mergeUpdates([third, first]),
			Y.encodeStateAsUpdate(docFrom(first, third)),
			Y.diffUpdate(Y.mergeUpdates([first, third]), Y.encodeStateVector(docFrom(first))),
			Y.diffUpdate(Y.mergeUpdates([first, third]), Y.encodeStateVector(docFrom(first, second)))
		];
		for (const update of updates) {
			const structs = Y.decodeUpdate(update).structs;
			structs.forEach((struct, i) => {
				if (struct instanceof Y.Skip) expect(structs[i + 1]?.id.client).toBe(struct.id.client);
			});
		}
	});
});
