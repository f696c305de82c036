// Bad frames, fuzzed: every kind of malformed frame, at least 100 times each, against a live
// room. A frame that cannot be decoded closes its own socket (4400); an update that decodes but
// would break the document (a clock gap, a missing dependency, content outside the editor's
// schema) is refused with `permission denied` and the socket stays open; presence entries of
// the wrong shape are dropped. Meanwhile the room's other client keeps working, nothing reaches
// the document or its journal, and the event loop is never blocked (monitorEventLoopDelay: a
// correctness bound, not a timing target; the server runs in this process).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import type { Db } from '../../src/lib/server/db';
import type { CollabServer } from '../../server/collab';
import { CloseCode, MessageType } from '../../src/lib/collab/protocol';
import { DOCUMENT_FRAGMENT } from '../../src/lib/documents/schema';
import { freshDb, storedDoc, storedText } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import {
	connectProvider,
	permissionDenials,
	rawConnect,
	startCollabServer,
	synced,
	waitFor
} from '../helpers/collab';
import { bodyText, paragraph } from '../helpers/content';

let db: Db;
let port: number;
let collab: CollabServer;
let editor: TestUser;
let documentId: string;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	editor = await buildUser(db, territory, territory.epciId);
	documentId = await buildDocument(db, editor, [], 'Texte sain.');
	({ port, collab } = await startCollabServer(db, { maxPayload: 64 * 1024 }));
});

function closeOf(ws: WebSocket): Promise<number> {
	return new Promise((resolve) => ws.on('close', (code) => resolve(code)));
}

async function journal() {
	const rows = await db
		.selectFrom('document_update')
		.select(['seq', 'user_id', 'data'])
		.where('document_id', '=', documentId)
		.orderBy('seq')
		.execute();
	return rows.map((r) => [Number(r.seq), r.user_id, Buffer.from(r.data).toString('hex')]);
}

// ---- frames ---------------------------------------------------------------------------------

/** A seeded generator (mulberry32): the same frames on every run. */
function random(seed: number) {
	const next = () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
	const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
	return {
		int,
		pick: <T>(items: readonly T[]): T => items[int(0, items.length - 1)],
		bytes: (min: number, max: number) =>
			Uint8Array.from({ length: int(min, max) }, () => int(0, 255))
	};
}
type Random = ReturnType<typeof random>;

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
	const encoder = encoding.createEncoder();
	write(encoder);
	return encoding.toUint8Array(encoder);
}
const varUint = (n: number) => frame((e) => encoding.writeVarUint(e, n));
const concat = (...parts: (Uint8Array | number[])[]) =>
	Uint8Array.from(parts.flatMap((p) => Array.from(p)));
const syncFrame = (syncType: number, payload: Uint8Array) =>
	concat([MessageType.sync], varUint(syncType), varUint(payload.length), payload);
const awarenessFrame = (payload: Uint8Array) =>
	concat([MessageType.awareness], varUint(payload.length), payload);

/** An awareness update: [client id, clock, state JSON] per entry. */
function awarenessUpdate(entries: [number, number, string][]): Uint8Array {
	return frame((e) => {
		encoding.writeVarUint(e, entries.length);
		for (const [clientId, clock, json] of entries) {
			encoding.writeVarUint(e, clientId);
			encoding.writeVarUint(e, clock);
			encoding.writeVarString(e, json);
		}
	});
}

/** Bytes that Yjs cannot read as an update (or state vector) at all. */
function undecodable(r: Random, valid: Uint8Array, decode: (bytes: Uint8Array) => unknown) {
	for (;;) {
		const candidate = r.int(0, 1) ? valid.slice(0, r.int(0, valid.length - 1)) : r.bytes(0, 40);
		try {
			decode(candidate);
		} catch {
			return candidate;
		}
	}
}

/** A varUint cut short: every byte says another follows. */
const truncatedVarUint = (r: Random) => Array.from({ length: r.int(1, 8) }, () => r.int(128, 255));

/**
 * The document as the server holds it at the start: what a client edits from. Updates are
 * made by a fresh client on a copy, then all or part of them sent.
 */
let base: Uint8Array;

function edit(change: (doc: Y.Doc) => void): { doc: Y.Doc; update: Uint8Array } {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, base);
	const before = Y.encodeStateVector(doc);
	change(doc);
	return { doc, update: Y.encodeStateAsUpdate(doc, before) };
}

/** A valid edit, cut or garbled below. */
const validEdit = () => edit((doc) => paragraph(doc, 0).insert(0, 'Bonjour ')).update;

type Outcome = 'closed' | 'denied' | 'dropped';
interface Category {
	name: string;
	outcome: Outcome;
	make: (r: Random) => Uint8Array | string;
}

/** Undecodable frames: each closes its socket, so each is the last frame of a socket. */
const CLOSING: Category[] = [
	{
		name: 'truncated varUint',
		outcome: 'closed',
		make: (r) =>
			concat(
				r.pick([[], [MessageType.sync], [MessageType.sync, 2], [MessageType.sync, 0], [1]]),
				truncatedVarUint(r)
			)
	},
	{
		name: 'varUint beyond 2^53',
		outcome: 'closed',
		make: (r) => concat(r.pick([[], [MessageType.sync]]), Array(9).fill(0xff), [r.int(1, 127)])
	},
	{
		name: 'unknown message type',
		outcome: 'closed',
		make: (r) => concat(varUint(r.pick([4, r.int(5, 127), r.int(128, 2 ** 40)])), r.bytes(0, 8))
	},
	{
		name: 'unknown sync message type',
		outcome: 'closed',
		make: (r) => concat([MessageType.sync], varUint(r.int(3, 2 ** 20)), r.bytes(0, 8))
	},
	{
		name: 'truncated or garbage Yjs update in a sync frame',
		outcome: 'closed',
		make: (r) => syncFrame(r.int(1, 2), undecodable(r, validEdit(), Y.decodeUpdate))
	},
	{
		name: 'truncated or garbage state vector in sync step 1',
		outcome: 'closed',
		make: (r) =>
			syncFrame(0, undecodable(r, Y.encodeStateVectorFromUpdate(base), Y.decodeStateVector))
	},
	{
		name: 'length prefix beyond the frame',
		outcome: 'closed',
		make: (r) => {
			const rest = r.bytes(0, 16);
			const length = varUint(r.pick([rest.length + 1, r.int(rest.length + 2, 2 ** 40)]));
			return r.pick([
				() => concat([MessageType.sync], varUint(r.int(0, 2)), length, rest),
				() => concat([MessageType.awareness], length, rest),
				// The state's JSON string, inside a well-formed awareness frame.
				() => awarenessFrame(concat([1], varUint(r.int(1, 2 ** 31)), [0], length, rest))
			])();
		}
	},
	{
		name: 'awareness garbage: JSON that does not parse, entries missing',
		outcome: 'closed',
		make: (r) => {
			const clientId = r.int(1, 2 ** 31);
			return awarenessFrame(
				r.int(0, 1)
					? awarenessUpdate([[clientId, 1, r.pick(['{', '{"cursor":', '[1,', '{user}', 'nul'])]])
					: concat(varUint(r.int(2, 2 ** 20)), awarenessUpdate([[clientId, 1, '{}']]).slice(1))
			);
		}
	},
	{ name: 'empty frame', outcome: 'closed', make: () => new Uint8Array(0) },
	{
		name: 'text frame',
		outcome: 'closed',
		make: (r) => r.pick(['bonjour', '', '\u0000\u0002', '{"type":"sync"}'])
	}
];

/** Frames that decode but are not applied: the socket stays open for the next ones. */
const SURVIVING: Category[] = [
	{
		name: 'awareness entries of the wrong shape (dropped)',
		outcome: 'dropped',
		make: (r) =>
			awarenessFrame(
				awarenessUpdate(
					Array.from({ length: r.int(1, 3) }, () =>
						r.pick<() => [number, number, string]>([
							() => [r.int(1, 2 ** 31), 1, r.pick(['42', '"x"', '[1,2]', 'true', '1e999'])],
							() => [r.int(2 ** 32, 2 ** 50), 1, '{}'], // not a Yjs client id
							() => [r.int(1, 2 ** 31), 1, `{"typing":"${'x'.repeat(5000)}"}`] // too long
						])()
					)
				)
			)
	},
	{
		name: 'update with a clock gap',
		outcome: 'denied',
		make: (r) => {
			const updates: Uint8Array[] = [];
			const { doc } = edit((d) => {
				d.on('update', (u: Uint8Array) => updates.push(u));
				for (let i = 0; i < 3; i++) paragraph(d, 0).insert(0, `mot${r.int(0, 99)} `);
			});
			doc.destroy();
			// The second keystroke alone, or the first and third merged (a Skip in between).
			return syncFrame(
				r.int(1, 2),
				r.int(0, 1) ? updates[1] : Y.mergeUpdates([updates[0], updates[2]])
			);
		}
	},
	{
		name: 'update with a missing dependency',
		outcome: 'denied',
		make: (r) => {
			// Another client's text, never sent, that this update types into or deletes.
			const { doc: other } = edit((d) => paragraph(d, 0).insert(0, 'jamais envoyé '));
			const doc = new Y.Doc();
			Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
			const before = Y.encodeStateVector(doc);
			if (r.int(0, 1)) paragraph(doc, 0).insert(r.int(1, 10), 'dedans');
			else paragraph(doc, 0).delete(0, r.int(1, 5));
			const update = Y.encodeStateAsUpdate(doc, before);
			other.destroy();
			doc.destroy();
			return syncFrame(r.int(1, 2), update);
		}
	},
	{
		name: 'update leaving the editor’s schema',
		outcome: 'denied',
		make: (r) => {
			const { doc, update } = edit(
				r.pick<(doc: Y.Doc) => void>([
					(d) => d.getText(r.pick(['t', 'a', 'b'])).insert(0, 'hors du document'),
					(d) => d.getMap('m').set('k', 1),
					(d) => d.getXmlFragment(DOCUMENT_FRAGMENT).push([new Y.XmlElement('iframe')]),
					(d) =>
						(d.getXmlFragment(DOCUMENT_FRAGMENT).get(0) as Y.XmlElement).setAttribute(
							'onclick',
							'x'
						),
					(d) =>
						(d.getXmlFragment(DOCUMENT_FRAGMENT).get(0) as Y.XmlElement).insert(0, [
							new Y.XmlElement('paragraph')
						]),
					(d) => paragraph(d, 0).format(0, 5, { link: { href: 'javascript:alert(1)' } })
				])
			);
			doc.destroy();
			return syncFrame(r.int(1, 2), update);
		}
	}
];

// ---- the fuzz -------------------------------------------------------------------------------

const SENDS_PER_CATEGORY = 100;
const PARALLEL_SOCKETS = 20;

/** The texts of the sync step 2 frames received: the answers to a sync step 1. */
function syncStep2Texts(frames: Uint8Array[]): string[] {
	const texts: string[] = [];
	for (const received of frames) {
		const decoder = decoding.createDecoder(received);
		if (decoding.readVarUint(decoder) !== MessageType.sync) continue;
		if (decoding.readVarUint(decoder) !== syncProtocol.messageYjsSyncStep2) continue;
		const doc = new Y.Doc();
		Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
		texts.push(bodyText(doc));
	}
	return texts;
}

/**
 * One socket: a frame of each surviving kind, in random order, then a sync step 1 (its answer
 * shows the socket survived them all, and what the server then serves), then a closing frame.
 */
async function fuzzSocket(r: Random, closing: Category) {
	const surviving = [...SURVIVING].sort(() => r.int(0, 1) - 0.5);
	const frames = [
		...surviving.map((category) => category.make(r)),
		syncFrame(0, Y.encodeStateVector(new Y.Doc())),
		closing.make(r)
	];
	const { ws, frames: received } = await rawConnect(port, documentId, editor.token);
	const closed = closeOf(ws!);
	for (const frame of frames) ws!.send(frame);
	return {
		code: await closed,
		denials: permissionDenials(received),
		expectedDenials: surviving.filter((c) => c.outcome === 'denied').length,
		served: syncStep2Texts(received)
	};
}

describe('malformed frames, fuzzed', () => {
	it(`every kind, ${SENDS_PER_CATEGORY}+ times: only the sender's socket closes, refused updates are denied, the document and journal stay intact, the event loop is never blocked`, async () => {
		const healthy = connectProvider(port, documentId, editor.token);
		await synced(healthy.provider);
		healthy.provider.awareness.setLocalStateField('typing', false);
		const room = collab.rooms.get(documentId)!;
		base = Y.encodeStateAsUpdate(room.doc);
		const storedBefore = Y.encodeStateAsUpdate(await storedDoc(db, documentId));
		const journalBefore = await journal();
		let healthyClosed = false;
		healthy.provider.on('connection-close', () => (healthyClosed = true));

		const r = random(20240611); // any seed: fixed so that a failure can be replayed
		const sockets = Array.from({ length: SENDS_PER_CATEGORY }, () => CLOSING).flat();
		const delay = monitorEventLoopDelay({ resolution: 10 });
		delay.enable();
		const results: Awaited<ReturnType<typeof fuzzSocket>>[] = [];
		try {
			for (let i = 0; i < sockets.length; i += PARALLEL_SOCKETS)
				results.push(
					...(await Promise.all(
						sockets.slice(i, i + PARALLEL_SOCKETS).map((closing) => fuzzSocket(r, closing))
					))
				);
		} finally {
			// A block is recorded when the monitor's timer runs after it: let it run once more.
			await new Promise((resolve) => setTimeout(resolve, 50));
			delay.disable();
		}

		// Each kind sent 100 times or more: the closing ones once per socket, the others on each.
		expect(sockets.length).toBe(CLOSING.length * SENDS_PER_CATEGORY);
		expect(results.map((x) => x.code)).toEqual(sockets.map(() => CloseCode.malformedMessage));
		expect(results.map((x) => x.denials)).toEqual(
			results.map((x) => Array(x.expectedDenials).fill('invalid-content'))
		);
		expect(results.map((x) => x.served)).toEqual(results.map(() => ['Texte sain.']));
		expect(delay.max).toBeLessThan(1e9); // nanoseconds: never blocked a whole second

		// Nothing reached the document (live or stored), the other client or the room's presence.
		expect(Y.encodeStateAsUpdate(room.doc)).toEqual(base);
		expect(room.doc.store.pendingStructs).toBeNull();
		expect(room.doc.store.pendingDs).toBeNull();
		expect(await journal()).toEqual(journalBefore);
		expect(Y.encodeStateAsUpdate(await storedDoc(db, documentId))).toEqual(storedBefore);
		expect(bodyText(healthy.doc)).toBe('Texte sain.');
		expect([...healthy.provider.awareness.getStates().keys()]).toEqual([healthy.doc.clientID]);
		expect([...room.awareness.getStates().keys()]).toEqual([healthy.doc.clientID]);
		expect(healthyClosed).toBe(false);
		expect(collab.rooms.get(documentId)).toBe(room);

		// The server still serves: a newcomer syncs, and a write of one reaches the other.
		const newcomer = connectProvider(port, documentId, editor.token);
		await synced(newcomer.provider);
		expect(bodyText(newcomer.doc)).toBe('Texte sain.');
		paragraph(healthy.doc, 0).insert(0, '+');
		await waitFor(() => bodyText(newcomer.doc) === '+Texte sain.', 5000, 'the write reaches');
		await waitFor(
			async () => (await storedText(db, documentId)) === '+Texte sain.',
			5000,
			'the write stored'
		);
		expect(bodyText(healthy.doc)).toBe('+Texte sain.');
	}, 60_000);

	it('a frame above the maximum payload → 1009 (message too big), nothing stored', async () => {
		const rowsBefore = await journal();
		const { ws } = await rawConnect(port, documentId, editor.token);
		const closed = closeOf(ws!);
		ws!.send(new Uint8Array(128 * 1024));
		expect(await closed).toBe(CloseCode.messageTooBig);
		expect(await journal()).toEqual(rowsBefore);
	});
});
