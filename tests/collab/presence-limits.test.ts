// Found by an audit: a reader could flood everyone's presence. Nothing limited the client ids one
// socket spoke for: 20,000 ids in one 384 KB awareness frame reached every peer as 20,000
// entries stamped with the sender's name (350,000 ids: the event loop blocked 5.4 s, each peer
// received 52.5 MB). Now a connection speaks for a few Yjs client ids in its lifetime, a frame
// is read only up to a few entries, and clocks beyond 2^53 are refused; the excess is dropped,
// the socket stays open. Frames of one socket are handled in order: once a later one is
// relayed, the earlier ones had their chance (no timing measured).
import { beforeAll, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import type WebSocket from 'ws';
import type { Db } from '../../src/lib/server/db';
import { MessageType } from '../../src/lib/collab/protocol';
import { AWARENESS_LIMITS } from '../../server/collab/awareness-stamp';
import { freshDb } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import { connectProvider, rawConnect, startCollabServer, synced, waitFor } from '../helpers/collab';

let db: Db;
let port: number;
let coLead: TestUser;
let colleague: TestUser;
let reader: TestUser;
let documentId: string;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	coLead = await buildUser(db, territory, territory.epciId, { name: 'Claire Martin' });
	colleague = await buildUser(db, territory, territory.communeId, { name: 'Thomas Girard' });
	reader = await buildUser(db, territory, territory.communeId, { name: 'Amandine Roche' });
	documentId = await buildDocument(db, coLead, [
		[colleague, 'editor'],
		[reader, 'reader']
	]);
	({ port } = await startCollabServer(db));
});

const LIMIT = AWARENESS_LIMITS.clientIdsPerConnection;
const PER_FRAME = AWARENESS_LIMITS.entriesPerFrame;

type Entry = [clientId: number, clock: number, state: object | null];

/** An awareness frame; `count` may announce more entries than it holds, `tail` follows them. */
function awarenessFrame(entries: Entry[], count = entries.length, tail: number[] = []): Uint8Array {
	const update = encoding.createEncoder();
	encoding.writeVarUint(update, count);
	for (const [clientId, clock, state] of entries) {
		encoding.writeVarUint(update, clientId);
		encoding.writeVarUint(update, clock);
		encoding.writeVarString(update, JSON.stringify(state));
	}
	for (const byte of tail) encoding.writeUint8(update, byte);
	const frame = encoding.createEncoder();
	encoding.writeVarUint(frame, MessageType.awareness);
	encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
	return encoding.toUint8Array(frame);
}

interface Relayed {
	clientId: number;
	clock: number;
	state: { user?: { id: string }; typing?: boolean } | null;
}

/** Every awareness entry among raw frames, in the order received. */
function relayedEntries(frames: Uint8Array[]): Relayed[] {
	const entries: Relayed[] = [];
	for (const frame of frames) {
		const decoder = decoding.createDecoder(frame);
		if (decoding.readVarUint(decoder) !== MessageType.awareness) continue;
		const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
		for (let n = decoding.readVarUint(update); n > 0; n--)
			entries.push({
				clientId: decoding.readVarUint(update),
				clock: decoding.readVarUint(update),
				state: JSON.parse(decoding.readVarString(update))
			});
	}
	return entries;
}

/** A peer on a raw socket: what it was sent, and the client ids it saw present. */
async function watcher() {
	const { ws, frames } = await rawConnect(port, documentId, coLead.token);
	const entries = () => relayedEntries(frames);
	const presentIds = (from: number, to: number) => [
		...new Set(
			entries()
				.filter((e) => e.clientId >= from && e.clientId <= to && e.state !== null)
				.map((e) => e.clientId)
		)
	];
	const sees = (clientId: number, check: (state: Relayed['state']) => boolean) =>
		entries().some((e) => e.clientId === clientId && check(e.state));
	return { ws: ws!, entries, presentIds, sees };
}

async function speaker(user: TestUser): Promise<WebSocket> {
	const { ws } = await rawConnect(port, documentId, user.token);
	return ws!;
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('a connection flooding presence', () => {
	it.each([
		['a reader', () => reader, 100_000],
		['an editor', () => colleague, 200_000]
	])(
		'%s sending 1,000 client ids in one frame: peers receive the first few',
		async (_, who, base) => {
			const peer = await watcher();
			const flooder = await speaker(who());
			flooder.send(awarenessFrame(range(base, 1000).map((id) => [id, 1, { typing: false }])));
			// An update of the first id, on the same socket: once relayed, the flood was handled.
			flooder.send(awarenessFrame([[base, 2, { typing: true }]]));
			await waitFor(() => peer.sees(base, (s) => s?.typing === true), 5_000, 'the marker');

			expect(peer.presentIds(base, base + 999)).toEqual(range(base, LIMIT));
			const relayed = peer.entries().filter((e) => e.clientId >= base && e.clientId < base + 1000);
			expect(relayed.map((e) => e.state?.user?.id)).toEqual(relayed.map(() => who().id));
			// Its socket stays open: dropping the excess is not a fault.
			expect(flooder.readyState).toBe(flooder.OPEN);
			flooder.close();
			peer.ws.close();
		}
	);

	it('stays capped when it keeps sending new client ids, frame after frame', async () => {
		const peer = await watcher();
		const flooder = await speaker(reader);
		const base = 300_000;
		for (let frame = 0; frame < 50; frame++)
			flooder.send(
				awarenessFrame(range(base + frame * PER_FRAME, PER_FRAME).map((id) => [id, 1, {}]))
			);
		flooder.send(awarenessFrame([[base, 2, { typing: true }]]));
		await waitFor(() => peer.sees(base, (s) => s?.typing === true), 5_000, 'the marker');
		expect(peer.presentIds(base, base + 10_000)).toEqual(range(base, LIMIT));

		// Removing one of its ids does not make room for a new one (Yjs remembers every id it
		// saw, at every peer); the same id may come back.
		flooder.send(awarenessFrame([[base + 1, 2, null]]));
		await waitFor(() => peer.sees(base + 1, (s) => s === null), 5_000, 'the removal');
		flooder.send(awarenessFrame([[base + 5_000, 1, { typing: true }]]));
		flooder.send(awarenessFrame([[base + 1, 3, { typing: true }]]));
		await waitFor(() => peer.sees(base + 1, (s) => s?.typing === true), 5_000, 'the return');
		expect(peer.presentIds(base, base + 10_000)).toEqual(range(base, LIMIT));
		expect(flooder.readyState).toBe(flooder.OPEN);
		flooder.close();
		peer.ws.close();
	});

	it('reads one frame only so far: entries beyond the limit are never decoded', async () => {
		const peer = await watcher();
		const flooder = await speaker(colleague);
		const base = 400_000;
		// A frame's worth of entries, then a 1,000,000th announced and cut after its client id:
		// read to its end, the frame would be malformed (and closed its socket, before).
		const entries: Entry[] = range(base, PER_FRAME).map((id) => [id, 1, {}]);
		flooder.send(awarenessFrame(entries, 1_000_000, [100]));
		flooder.send(awarenessFrame([[base, 2, { typing: true }]]));
		await waitFor(() => peer.sees(base, (s) => s?.typing === true), 5_000, 'the marker');
		expect(peer.presentIds(base, base + 100)).toEqual(range(base, LIMIT));
		expect(flooder.readyState).toBe(flooder.OPEN);
		flooder.close();
		peer.ws.close();
	});

	it('refuses awareness clocks that are not safe integers', async () => {
		const peer = await watcher();
		const flooder = await speaker(colleague);
		const base = 500_000;
		const unsafe = 2 ** 53 + 2;
		// A new id with an unsafe clock takes nothing; the next one is relayed.
		flooder.send(awarenessFrame([[base, unsafe, { typing: true }]]));
		flooder.send(awarenessFrame([[base + 1, 1, { typing: false }]]));
		await waitFor(() => peer.sees(base + 1, (s) => s?.typing === false), 5_000, 'the next id');
		// An id already present keeps its clock: an unsafe one would freeze it (+1 no longer counts).
		flooder.send(awarenessFrame([[base + 1, unsafe, { typing: true }]]));
		flooder.send(awarenessFrame([[base + 1, 2, { typing: true }]]));
		await waitFor(() => peer.sees(base + 1, (s) => s?.typing === true), 5_000, 'the next clock');
		const clocks = peer.entries().filter((e) => e.clientId >= base && e.clientId < base + 10);
		expect(clocks.map((e) => [e.clientId, e.clock])).toEqual([
			[base + 1, 1],
			[base + 1, 2]
		]);
		flooder.close();
		peer.ws.close();
	});
});

describe('genuine presence beside the limits', () => {
	it('still works: a flooder in the room, and a newcomer who echoes more than a frame’s worth', async () => {
		const { provider: observer } = connectProvider(port, documentId, coLead.token);
		await synced(observer);
		// Three raw sockets with four presences each: a newcomer receives twelve and y-websocket
		// sends all twelve back, followed by its own; the server reads eight (others'), drops
		// them, and the newcomer stays connected and present.
		const crowd = await Promise.all([speaker(reader), speaker(colleague), speaker(coLead)]);
		crowd.forEach((ws, i) =>
			ws.send(awarenessFrame(range(600_000 + i * 10, 4).map((id) => [id, 1, { typing: false }])))
		);
		await waitFor(
			() => range(0, 3).every((i) => observer.awareness.getStates().has(600_003 + i * 10)),
			5_000,
			'the crowd'
		);
		const flooder = await speaker(reader);
		flooder.send(awarenessFrame(range(700_000, 1000).map((id) => [id, 1, {}])));
		flooder.send(awarenessFrame([[700_000, 2, { typing: true }]]));
		await waitFor(
			() => (observer.awareness.getStates().get(700_000) as { typing?: boolean })?.typing === true,
			5_000,
			'the flood handled'
		);

		const newcomer = connectProvider(port, documentId, colleague.token);
		await synced(newcomer.provider);
		await waitFor(() => newcomer.provider.awareness.getStates().size >= 12, 5_000, 'the room');
		newcomer.provider.awareness.setLocalStateField('typing', true);
		const id = newcomer.doc.clientID;
		await waitFor(
			() => (observer.awareness.getStates().get(id) as { typing?: boolean })?.typing === true,
			5_000,
			'the newcomer’s presence'
		);
		expect(observer.awareness.getStates().get(id)).toMatchObject({
			user: { id: colleague.id, name: 'Thomas Girard', canEdit: true },
			typing: true
		});
		expect(newcomer.provider.wsconnected).toBe(true);
		const flooded = [...observer.awareness.getStates().keys()].filter(
			(k) => k >= 700_000 && k < 701_000
		);
		expect(flooded.length).toBeLessThanOrEqual(LIMIT);
		for (const ws of [...crowd, flooder]) ws.close();
	});
});
