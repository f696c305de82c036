// Issue 12: comment threads reach open pages over the collaboration socket, as a frame of our
// own (MessageType.comments) beside sync and awareness — to every connection of that document
// only. The type is the server's to send: a client sending it has its own connection closed
// (4400), the room and the others go on.
import { beforeAll, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import type { Db } from '../../src/lib/server/db';
import type { CollabServer } from '../../server/collab';
import { MessageType } from '../../src/lib/collab/protocol';
import { freshDb } from '../helpers/db';
import { buildDocument, buildTwoOrganisations, type TestUser } from '../helpers/factories';
import {
	connectProvider,
	nextClose,
	rawConnect,
	startCollabServer,
	synced,
	waitFor
} from '../helpers/collab';

let db: Db;
let port: number;
let collab: CollabServer;
let epci: TestUser;
let commune: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	({ epci, commune } = await buildTwoOrganisations(db));
	({ port, collab } = await startCollabServer(db));
});

const commentFrames = (frames: Uint8Array[]) =>
	frames.flatMap((frame) => {
		const decoder = decoding.createDecoder(frame);
		return decoding.readVarUint(decoder) === MessageType.comments
			? [decoding.readVarString(decoder)]
			: [];
	});

describe('comment frames', () => {
	it('reach every connection of the document, and only of that document', async () => {
		const documentId = await buildDocument(db, epci, [], 'Texte.', commune);
		const otherId = await buildDocument(db, epci, [], 'Autre.', commune);
		const first = await rawConnect(port, documentId, epci.token);
		const second = await rawConnect(port, documentId, commune.token);
		const elsewhere = await rawConnect(port, otherId, epci.token);
		await waitFor(() => collab.rooms.get(documentId)?.connections.size === 2, 5000, 'both joined');
		await waitFor(() => collab.rooms.get(otherId)?.connections.size === 1, 5000, 'other joined');
		const json = JSON.stringify({ type: 'thread-removed', threadId: 'abc' });
		expect(collab.sendComments(documentId, json)).toBe(2);
		await waitFor(
			() => commentFrames(first.frames).length === 1 && commentFrames(second.frames).length === 1,
			5000,
			'the frame'
		);
		expect(commentFrames(first.frames)).toEqual([json]);
		expect(commentFrames(elsewhere.frames)).toEqual([]);
		// A document nobody has open: nothing to send, nothing loaded.
		const closedId = await buildDocument(db, epci, [], 'Fermé.', commune);
		expect(collab.sendComments(closedId, json)).toBe(0);
		expect(collab.rooms.has(closedId)).toBe(false);
		for (const c of [first, second, elsewhere]) c.ws!.close();
	});

	it('sent by a client: that connection is closed as malformed, the others stay', async () => {
		const documentId = await buildDocument(db, epci, [], 'Texte.', commune);
		const other = connectProvider(port, documentId, epci.token);
		const rogue = connectProvider(port, documentId, commune.token);
		await Promise.all([synced(other.provider), synced(rogue.provider)]);
		const closed = nextClose(rogue.provider);
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MessageType.comments);
		encoding.writeVarString(encoder, '{"type":"thread"}');
		rogue.provider.ws!.send(encoding.toUint8Array(encoder));
		expect(await closed).toBe(4400);
		expect(other.provider.wsconnected).toBe(true);
		expect(collab.sendComments(documentId, '{}')).toBeGreaterThanOrEqual(1);
	});
});
