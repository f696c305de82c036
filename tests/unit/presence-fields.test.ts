// Presence carries only what the editor sets, in its shapes: the validator shared by the server
// (which rebuilds every state it relays) and the editor (which reads peers through a guard).
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { getSchema } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { DOCUMENT_FRAGMENT, documentExtensions } from '../../src/lib/documents/schema';
import {
	PRESENCE_LIMITS,
	peerPresence,
	presenceFields,
	presencePosition
} from '../../src/lib/collab/presence-fields';
import {
	AWARENESS_LIMITS,
	stampAwarenessUpdate,
	type PresenceIdentity
} from '../../server/collab/awareness-stamp';
import { guardedAwareness, presentPeople } from '../../src/lib/editor/presence';

const identity: PresenceIdentity = {
	id: 'u-1',
	name: 'Thomas Girard',
	organisation: 'Commune Test',
	color: '#1d4ed8',
	canEdit: false
};

/** Relative positions as y-prosemirror makes them, in JSON as the awareness sends them. */
function genuinePositions() {
	const doc = new Y.Doc();
	const fragment = doc.getXmlFragment(DOCUMENT_FRAGMENT);
	prosemirrorJSONToYXmlFragment(
		getSchema(documentExtensions()),
		{ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Bonjour' }] }] },
		fragment
	);
	const paragraph = fragment.get(0) as Y.XmlElement;
	const text = paragraph.get(0) as Y.XmlText;
	const json = (position: object) => JSON.parse(JSON.stringify(position));
	return {
		// In the text: `type` (the text's id) and `item`, left-associated (y-prosemirror's choice).
		inText: json(Y.createRelativePositionFromTypeIndex(text, 3, -1)),
		// At the start of the document: the fragment by name.
		atStart: json(Y.createRelativePositionFromTypeIndex(fragment, 0, -1)),
		// At the end of the fragment: by name, no item.
		atEnd: json(Y.createRelativePositionFromTypeIndex(fragment, 1)),
		// y-prosemirror's empty-paragraph case: `new RelativePosition(id, null, null)`.
		inEmpty: json(new Y.RelativePosition(paragraph._item!.id, null, null)),
		// Yjs' own compact JSON (nulls left out), as it arrives.
		compact: json(Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, 2)))
	};
}

function awarenessUpdate(entries: [clientId: number, state: unknown][]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, entries.length);
	for (const [clientId, state] of entries) {
		encoding.writeVarUint(encoder, clientId);
		encoding.writeVarUint(encoder, 1);
		encoding.writeVarString(encoder, JSON.stringify(state));
	}
	return encoding.toUint8Array(encoder);
}

function readUpdate(update: Uint8Array): Map<number, unknown> {
	const decoder = decoding.createDecoder(update);
	const states = new Map<number, unknown>();
	const count = decoding.readVarUint(decoder);
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(decoder);
		decoding.readVarUint(decoder);
		states.set(clientId, JSON.parse(decoding.readVarString(decoder)));
	}
	return states;
}

describe('presence positions', () => {
	it('accepts every relative position y-prosemirror and Yjs write', () => {
		for (const [where, position] of Object.entries(genuinePositions())) {
			expect(presencePosition(position), where).not.toBeNull();
			// And it still reads back as the same position.
			const rebuilt = Y.createRelativePositionFromJSON(presencePosition(position));
			expect(Y.compareRelativePositions(rebuilt, Y.createRelativePositionFromJSON(position))).toBe(
				true
			);
		}
	});

	const { inText } = genuinePositions();
	const id = { client: 12, clock: 3 };
	it.each([
		['null', null],
		['an empty object (Yjs throws "Unexpected case")', {}],
		['an array', [inText]],
		['both a type and a name', { ...inText, tname: DOCUMENT_FRAGMENT }],
		['another root type', { tname: 'other', item: null, type: null, assoc: 0 }],
		['a name that is not a string', { tname: 1 }],
		['an unknown key', { ...inText, extra: 1 }],
		['an id with an unknown key', { ...inText, item: { ...id, x: 1 } }],
		['a negative client', { ...inText, item: { ...id, client: -1 } }],
		['a client beyond 32 bits', { ...inText, item: { ...id, client: 2 ** 32 } }],
		['a fractional client', { ...inText, type: { ...id, client: 1.5 } }],
		['a client as a string', { ...inText, type: { ...id, client: '12' } }],
		['a negative clock', { ...inText, item: { ...id, clock: -1 } }],
		['an unsafe clock', { ...inText, item: { ...id, clock: 2 ** 53 } }],
		['an id that is not an object', { ...inText, item: 'x' }],
		['an assoc out of range', { ...inText, assoc: 2 }],
		['an assoc that is not a number', { ...inText, assoc: '-1' }]
	])('refuses %s', (_, position) => {
		expect(presencePosition(position)).toBeNull();
	});
});

describe('presence fields', () => {
	const { inText, atEnd } = genuinePositions();
	const cursor = { anchor: inText, head: atEnd };

	it('keeps a well-formed cursor, a null cursor and the typing flag; drops everything else', () => {
		const state = { user: { name: 'x' }, cursor, typing: true, avatar: 'x'.repeat(1000), z: {} };
		expect(presenceFields(state)).toEqual({
			cursor: JSON.parse(JSON.stringify(cursor)),
			typing: true
		});
		expect(presenceFields({ cursor: null, typing: false })).toEqual({
			cursor: null,
			typing: false
		});
		expect(presenceFields({})).toEqual({});
	});

	it.each([
		['{anchor: null}', { anchor: null }],
		['{anchor: null, head: null}', { anchor: null, head: null }],
		['a missing head', { anchor: inText }],
		['an extra key', { ...cursor, selection: 1 }],
		['a string', 'cursor'],
		['an array', [inText, inText]]
	])('drops a cursor of %s, and only the cursor', (_, bad) => {
		expect(presenceFields({ cursor: bad, typing: true })).toEqual({ typing: true });
	});

	it('drops a typing flag that is not a boolean', () => {
		expect(presenceFields({ typing: 'oui' })).toEqual({});
		expect(presenceFields({ typing: 1 })).toEqual({});
	});
});

describe('the server stamp (awareness-stamp.ts)', () => {
	const { inText, atStart } = genuinePositions();

	it('relays the identity plus the checked fields, whatever else the client sends', () => {
		const update = awarenessUpdate([
			[
				101,
				{ user: { name: 'Le Préfet' }, cursor: { anchor: inText, head: atStart }, typing: true }
			],
			[
				102,
				{ cursor: { anchor: null }, typing: 'yes', script: '<img onerror>', big: 'x'.repeat(2000) }
			],
			[103, null]
		]);
		const stamped = stampAwarenessUpdate(update, identity, () => false)!;
		expect(stamped.entries).toEqual([
			{ clientId: 101, removed: false },
			{ clientId: 102, removed: false },
			{ clientId: 103, removed: true }
		]);
		const states = readUpdate(stamped.update);
		expect(states.get(101)).toEqual({
			user: identity,
			cursor: { anchor: { ...inText }, head: { ...atStart } },
			typing: true
		});
		// The person stays present; the bad cursor, the bad flag and the unknown fields are gone.
		expect(states.get(102)).toEqual({ user: identity });
		expect(states.get(103)).toBeNull();
	});

	it('drops whole the states that are too long, not objects, or for a client id beyond 32 bits', () => {
		const tooLong = { cursor: null, padding: 'x'.repeat(PRESENCE_LIMITS.stateJson) };
		const update = awarenessUpdate([
			[201, tooLong],
			[202, [1, 2]],
			[203, 'hello'],
			[2 ** 32, { typing: true }],
			[204, { typing: true }]
		]);
		const stamped = stampAwarenessUpdate(update, identity, () => false)!;
		expect([...readUpdate(stamped.update)]).toEqual([[204, { user: identity, typing: true }]]);
		expect(
			stampAwarenessUpdate(awarenessUpdate([[201, tooLong]]), identity, () => false)
		).toBeNull();
	});

	it('reads a frame only up to its limit of entries, and refuses clocks that are not safe', () => {
		const many = awarenessUpdate(Array.from({ length: 1000 }, (_, i) => [300 + i, {}]));
		const stamped = stampAwarenessUpdate(many, identity, () => false)!;
		expect(stamped.entries.map((e) => e.clientId)).toEqual(
			Array.from({ length: AWARENESS_LIMITS.entriesPerFrame }, (_, i) => 300 + i)
		);
		// A million announced, a frame's worth present: the others are never read (reading them
		// would throw at the end of the update).
		const present = awarenessUpdate(
			Array.from({ length: AWARENESS_LIMITS.entriesPerFrame }, (_, i) => [300 + i, {}])
		);
		const announced = encoding.createEncoder();
		encoding.writeVarUint(announced, 1_000_000);
		encoding.writeUint8Array(announced, present.subarray(1)); // after its count (one byte)
		expect(
			stampAwarenessUpdate(encoding.toUint8Array(announced), identity, () => false)!.entries
		).toHaveLength(AWARENESS_LIMITS.entriesPerFrame);

		const clocks = encoding.createEncoder();
		encoding.writeVarUint(clocks, 3);
		for (const [clientId, clock] of [
			[401, 2 ** 53 + 2],
			[402, Number.MAX_SAFE_INTEGER],
			[403, 7]
		]) {
			encoding.writeVarUint(clocks, clientId);
			encoding.writeVarUint(clocks, clock);
			encoding.writeVarString(clocks, '{}');
		}
		const kept = stampAwarenessUpdate(encoding.toUint8Array(clocks), identity, () => false)!;
		expect(kept.entries.map((e) => e.clientId)).toEqual([402, 403]);
	});

	it('asks the caller about each entry with its kind, and throws on a length beyond the update', () => {
		const asked: [number, boolean][] = [];
		const update = awarenessUpdate([
			[501, { typing: true }],
			[502, null],
			[503, { typing: false }]
		]);
		const stamped = stampAwarenessUpdate(update, identity, (clientId, removed) => {
			asked.push([clientId, removed]);
			return clientId === 503;
		})!;
		expect(asked).toEqual([
			[501, false],
			[502, true],
			[503, false]
		]);
		expect(stamped.entries).toEqual([
			{ clientId: 501, removed: false },
			{ clientId: 502, removed: true }
		]);
		// The state's length says more bytes than the update holds (lib0 would read on).
		expect(() => stampAwarenessUpdate(update.slice(0, -1), identity, () => false)).toThrow();
	});
});

describe('the editor’s guard (src/lib/editor/presence.ts)', () => {
	const { inText, atStart } = genuinePositions();
	const stamped = { ...identity, canEdit: true };

	function awarenessWith(states: [number, unknown][]) {
		const doc = new Y.Doc();
		const awareness = new awarenessProtocol.Awareness(doc);
		awareness.setLocalState({ user: { name: 'moi', color: '#000000' }, cursor: null, mine: 1 });
		awarenessProtocol.applyAwarenessUpdate(awareness, awarenessUpdate(states), 'server');
		return awareness;
	}

	it('shows each peer reduced to its well-formed fields, and this tab’s own state as it is', () => {
		const awareness = awarenessWith([
			[11, { user: stamped, cursor: { anchor: inText, head: atStart }, typing: true }],
			[12, { user: { ...stamped, id: 'u-2' }, cursor: { anchor: null }, typing: 'oui', x: 1 }],
			[13, { user: 42, cursor: { anchor: inText, head: inText } }],
			[14, { user: { ...stamped, id: 'u-4', name: 7 }, typing: true }]
		]);
		const guarded = guardedAwareness(awareness);
		const states = guarded.getStates();
		expect(states.get(11)).toEqual({
			user: stamped,
			cursor: { anchor: inText, head: atStart },
			typing: true
		});
		expect(states.get(12)).toEqual({ user: { ...stamped, id: 'u-2' } });
		// Without a well-formed identity, nothing of the state is used (no anonymous caret).
		expect(states.get(13)).toEqual({});
		expect(states.get(14)).toEqual({});
		expect(states.get(awareness.clientID)).toBe(awareness.getLocalState());
		expect(guarded.states.get(12)).toEqual(states.get(12));
		// The rest is the awareness itself.
		expect(guarded.clientID).toBe(awareness.clientID);
		guarded.setLocalStateField('typing', true);
		expect(awareness.getLocalState()?.typing).toBe(true);
		// The presence list reads the stamped identities only (a name of 7 made its sort throw).
		const me = { ...stamped, id: 'me', name: 'Moi' };
		expect(presentPeople(awareness.getStates(), me).map((p) => p.id)).toEqual(['me', 'u-1', 'u-2']);
		expect(presentPeople(states, me).map((p) => p.id)).toEqual(['me', 'u-1', 'u-2']);
	});

	it('reduces a peer’s state once, and again when the peer replaces it', () => {
		const awareness = awarenessWith([[11, { user: stamped, typing: true }]]);
		const guarded = guardedAwareness(awareness);
		expect(guarded.getStates().get(11)).toBe(guarded.getStates().get(11));
		const update = awarenessUpdate([[11, { user: stamped, typing: false }]]);
		// A later clock for the same client.
		const bumped = update.slice();
		bumped[2] = 2;
		awarenessProtocol.applyAwarenessUpdate(awareness, bumped, 'server');
		expect(guarded.getStates().get(11)).toEqual({ user: stamped, typing: false });
	});

	it('and peerPresence refuses an identity of the wrong shape', () => {
		expect(peerPresence({ user: { ...stamped, color: 'red' }, typing: true })).toEqual({});
		expect(peerPresence({ user: { ...stamped, canEdit: 'yes' } })).toEqual({});
		expect(peerPresence({ user: { ...stamped, id: '' } })).toEqual({});
		expect(peerPresence(null)).toEqual({});
	});
});
