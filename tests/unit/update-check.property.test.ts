// Issue 10, defect 6: the server refuses updates that would make a document leave the editor's
// schema. Property: random documents built with the editor's own schema, turned into Yjs updates
// the way the editor's binding does (y-tiptap's updateYFragment, edit after edit), are all
// accepted; the same document with one forbidden node, mark, attribute or link scheme added is
// refused, and the server's document stays as it was.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { DOCUMENT_FRAGMENT } from '../../src/lib/documents/schema';
import { checkUpdate } from '../../src/lib/server/documents/update-check';
import {
	documentArbitrary,
	EditorClient,
	FORBIDDEN,
	schema,
	texts
} from '../helpers/editor-updates';

/** The server's side: checked, then applied, or refused and not applied. */
function receive(server: Y.Doc, update: Uint8Array): string | null {
	const refusal = checkUpdate(server, update);
	if (refusal === null) Y.applyUpdate(server, update);
	return refusal;
}

describe('updates built with the editor schema', () => {
	it('are all accepted, edit after edit', () => {
		fc.assert(
			fc.property(fc.array(documentArbitrary, { minLength: 1, maxLength: 4 }), (versions) => {
				const server = new Y.Doc();
				const client = new EditorClient();
				for (const version of versions) {
					client.show(version);
					for (const update of client.take()) expect(receive(server, update)).toBeNull();
				}
				// And the server holds what the editor shows.
				expect(Y.encodeStateVector(server)).toEqual(Y.encodeStateVector(client.doc));
			}),
			{ numRuns: 150 }
		);
	});
});

describe('the same updates with one forbidden thing', () => {
	it('are refused, and the server document stays as it was', () => {
		fc.assert(
			fc.property(
				documentArbitrary,
				fc.constantFrom(...Object.keys(FORBIDDEN)),
				fc.nat(),
				(version, kind, pick) => {
					const server = new Y.Doc();
					const client = new EditorClient();
					client.show(version);
					for (const update of client.take()) expect(receive(server, update)).toBeNull();
					const before = Y.encodeStateAsUpdate(server);

					client.doc.transact(() =>
						FORBIDDEN[kind](client.doc.getXmlFragment(DOCUMENT_FRAGMENT), pick)
					);
					const updates = client.take();
					expect(updates.length).toBeGreaterThan(0);
					// The forbidden change comes in one update (one transaction): refused whole.
					for (const update of updates) expect(receive(server, update), kind).not.toBeNull();
					expect(Y.encodeStateAsUpdate(server)).toEqual(before);
				}
			),
			{ numRuns: 300 }
		);
	});
});

describe('incomplete updates', () => {
	it('are refused: a clock gap, a missing origin, a deletion of unknown content', () => {
		const server = new Y.Doc();
		const client = new EditorClient();
		client.show(
			schema.nodeFromJSON({
				type: 'doc',
				content: [{ type: 'paragraph', content: [{ type: 'text', text: 'un' }] }]
			})
		);
		const [first] = client.take();
		const text = texts(client.doc.getXmlFragment(DOCUMENT_FRAGMENT))[0];
		text.insert(2, ' deux');
		const [second] = client.take();
		text.delete(0, 2);
		const [third] = client.take();

		// Without the first update, the second's origin and clocks are unknown to the server.
		expect(receive(server, second)).toMatch(/clock gap|missing dependency/);
		expect(receive(server, third)).toMatch(/missing dependency/);
		expect(Y.encodeStateVector(server)).toEqual(Y.encodeStateVector(new Y.Doc()));
		// In order, all go in.
		for (const update of [first, second, third]) expect(receive(server, update)).toBeNull();
		// A struct claimed far ahead (the audit sent clocks up to 2^52, left pending for ever):
		// one string item of a new client at clock 2^52, written by hand in the V1 format.
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 1); // clients
		encoding.writeVarUint(encoder, 1); // structs of this client
		encoding.writeVarUint(encoder, 4242); // client
		encoding.writeVarUint(encoder, 2 ** 52); // clock
		encoding.writeUint8(encoder, 4); // info: a string, no origins
		encoding.writeVarUint(encoder, 1); // parent given by root name
		encoding.writeVarString(encoder, DOCUMENT_FRAGMENT);
		encoding.writeVarString(encoder, 'x');
		encoding.writeVarUint(encoder, 0); // empty delete set
		const far = encoding.toUint8Array(encoder);
		expect(Y.decodeUpdate(far).structs[0].id.clock).toBe(2 ** 52);
		expect(receive(server, far)).toBe('clock gap');
	});
});
