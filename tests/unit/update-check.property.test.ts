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
import { paragraph } from '../helpers/content';
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
		expect(receive(server, far)).toMatch(/clock gap|clock out of range/);
	});
});

/** An update written by hand, struct by struct (V1), as a forger would. */
function forge(runs: { client: number; clock: number; structs: (Y.Item | Y.GC)[] }[]): Uint8Array {
	const encoder = new Y.UpdateEncoderV1();
	encoding.writeVarUint(encoder.restEncoder, runs.length);
	for (const run of runs) {
		encoding.writeVarUint(encoder.restEncoder, run.structs.length);
		encoder.writeClient(run.client);
		encoding.writeVarUint(encoder.restEncoder, run.clock);
		for (const struct of run.structs) struct.write(encoder, 0);
	}
	encoding.writeVarUint(encoder.restEncoder, 0); // no deletions
	return encoder.toUint8Array();
}

describe('forged updates found by the outside review', () => {
	/** A server document holding one paragraph « abc » typed by client 7. */
	function serverWithText(): { server: Y.Doc; text: Y.XmlText } {
		const writer = new Y.Doc();
		writer.clientID = 7;
		const text = paragraph(writer);
		text.insert(0, 'abc');
		const server = new Y.Doc();
		expect(receive(server, Y.encodeStateAsUpdate(writer))).toBeNull();
		const stored = texts(server.getXmlFragment(DOCUMENT_FRAGMENT))[0];
		return { server, text: stored };
	}
	const link = (href: string) => new Y.ContentFormat('link', { href });

	it('a copy of a stored struct (a GC) cannot hide where a forbidden mark goes', () => {
		const { server, text } = serverWithText();
		const b = Y.createID(7, (text._start as Y.Item).id.clock + 1);
		const before = Y.encodeStateAsUpdate(server);
		const update = forge([
			{
				client: 900001,
				clock: 0,
				structs: [
					new Y.Item(
						Y.createID(900001, 0),
						null,
						b,
						null,
						null,
						null,
						null,
						link('javascript:alert(1)')
					)
				]
			},
			{ client: 7, clock: b.clock, structs: [new Y.GC(b, 1)] }
		]);
		expect(receive(server, update)).toMatch(/link/);
		expect(Y.encodeStateAsUpdate(server)).toEqual(before);
	});

	it('a deleted struct of length 2^60, a forward reference and a partial copy are refused', () => {
		const { server } = serverWithText();
		const huge = forge([
			{
				client: 1001,
				clock: 0,
				structs: [
					new Y.Item(
						Y.createID(1001, 0),
						null,
						null,
						null,
						null,
						DOCUMENT_FRAGMENT as never,
						null,
						new Y.ContentDeleted(2 ** 60)
					)
				]
			}
		]);
		expect(receive(server, huge)).toBe('clock out of range');
		const forward = forge([
			{
				client: 555,
				clock: 0,
				structs: [
					new Y.Item(
						Y.createID(555, 0),
						null,
						Y.createID(555, 5),
						null,
						null,
						null,
						null,
						new Y.ContentString('x')
					)
				]
			}
		]);
		expect(receive(server, forward)).toBe('forward reference');
		const overlap = forge([
			{
				client: 7,
				clock: 0,
				structs: [
					new Y.Item(
						Y.createID(7, 0),
						null,
						null,
						null,
						null,
						DOCUMENT_FRAGMENT as never,
						null,
						new Y.ContentDeleted(1000)
					)
				]
			}
		]);
		expect(receive(server, overlap)).toBe('overlaps stored structs');
		// And the document still takes ordinary typing afterwards.
		const next = new Y.Doc();
		Y.applyUpdate(next, Y.encodeStateAsUpdate(server));
		const sv = Y.encodeStateVector(next);
		texts(next.getXmlFragment(DOCUMENT_FRAGMENT))[0].insert(3, 'd');
		expect(receive(server, Y.encodeStateAsUpdate(next, sv))).toBeNull();
	});

	it('a new element must come with the content its rule requires', () => {
		const server = new Y.Doc();
		const client = new Y.Doc();
		const fragment = client.getXmlFragment(DOCUMENT_FRAGMENT);
		client.transact(() => fragment.insert(0, [new Y.XmlElement('table')]));
		expect(checkUpdate(server, Y.encodeStateAsUpdate(client))).toBe('table without content');
		const list = new Y.Doc();
		list.transact(() => {
			const bullet = new Y.XmlElement('bulletList');
			const item = new Y.XmlElement('listItem');
			list.getXmlFragment(DOCUMENT_FRAGMENT).insert(0, [bullet]);
			bullet.insert(0, [item]);
			item.insert(0, [new Y.XmlElement('heading')]);
		});
		expect(checkUpdate(server, Y.encodeStateAsUpdate(list))).toBe(
			'listItem cannot start with heading'
		);
	});

	it('mark keys are read as y-tiptap reads them; nesting is bounded; a deleted parent drops, not refuses', () => {
		const { server, text } = serverWithText();
		const c = Y.createID(7, (text._start as Y.Item).id.clock + 2);
		const format = (key: string) =>
			forge([
				{
					client: 900002,
					clock: 0,
					structs: [
						new Y.Item(
							Y.createID(900002, 0),
							null,
							c,
							null,
							null,
							null,
							null,
							new Y.ContentFormat(key, {})
						)
					]
				}
			]);
		expect(receive(server, format('bold--x'))).toMatch(/mark bold--x unknown/);
		expect(receive(server, format('bold--link--AAAAAAAA'))).toMatch(/unknown/);
		// 120 nested quotes in one update.
		const deep = new Y.Doc();
		deep.transact(() => {
			let parent: Y.XmlFragment | Y.XmlElement = deep.getXmlFragment(DOCUMENT_FRAGMENT);
			for (let i = 0; i < 120; i++) {
				const quote = new Y.XmlElement('blockquote');
				parent.insert(0, [quote]);
				parent = quote;
			}
			const p = new Y.XmlElement('paragraph');
			parent.insert(0, [p]);
		});
		expect(checkUpdate(new Y.Doc(), Y.encodeStateAsUpdate(deep))).toBe('nesting too deep');
		// B centres a paragraph A deleted meanwhile: Yjs drops it; no refusal, no keep-aside.
		const a = new Y.Doc();
		Y.applyUpdate(a, Y.encodeStateAsUpdate(server));
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(server));
		const svB = Y.encodeStateVector(b);
		(b.getXmlFragment(DOCUMENT_FRAGMENT).get(0) as Y.XmlElement).setAttribute(
			'textAlign',
			'center'
		);
		const svA = Y.encodeStateVector(a);
		a.getXmlFragment(DOCUMENT_FRAGMENT).delete(0, 1);
		expect(receive(server, Y.encodeStateAsUpdate(a, svA))).toBeNull();
		expect(receive(server, Y.encodeStateAsUpdate(b, svB))).toBeNull();
	});
});
