// Found by fuzzing the fixes of issue 10: a bad frame must be blamed on its sender alone.
// - A garbage state vector in a sync step 1 was taken for unreadable storage when it reached a
//   room not loaded yet (everyone closed with the final 4422, a false damage record), and threw
//   in the deferred reply of a room with writes pending (everyone closed with 4500).
// - An editor could send collected (GC) structs in another participant's client id, taking the
//   clocks of that person's next edits: Yjs then drops those edits without a word.
import { beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { Db } from '../../src/lib/server/db';
import { CloseCode, MessageType } from '../../src/lib/collab/protocol';
import { freshDb, storedText } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import {
	connectProvider,
	nextPermissionDenied,
	permissionDenials,
	rawConnect,
	startCollabServer,
	synced,
	waitFor
} from '../helpers/collab';
import { bodyText, paragraph } from '../helpers/content';

let db: Db;
let port: number;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	alice = await buildUser(db, territory, territory.epciId);
	bob = await buildUser(db, territory, territory.communeId);
	({ port } = await startCollabServer(db, { unloadDelayMs: 50 }));
});

const BAD_STATE_VECTOR = Uint8Array.from([
	MessageType.sync,
	syncProtocol.messageYjsSyncStep1,
	2,
	5,
	1
]);

function closeOf(ws: WebSocket): Promise<number> {
	return new Promise((resolve) => ws.on('close', (code) => resolve(code)));
}

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.sync);
	write(encoder);
	return encoding.toUint8Array(encoder);
}

describe('a garbage state vector', () => {
	it('closes its own socket (4400) on a room not loaded yet, and records no damage', async () => {
		const documentId = await buildDocument(db, alice, [[bob, 'editor']], 'Texte.');
		const { ws } = await rawConnect(port, documentId, bob.token);
		const closed = closeOf(ws!);
		ws!.send(BAD_STATE_VECTOR);
		expect(await closed).toBe(CloseCode.malformedMessage);
		// The document opens normally for someone else, and nobody was told it is unreadable.
		const other = connectProvider(port, documentId, alice.token);
		await synced(other.provider);
		expect(bodyText(other.doc)).toBe('Texte.');
		const damage = await db
			.selectFrom('document_damage')
			.select('document_id')
			.where('document_id', '=', documentId)
			.executeTakeFirst();
		expect(damage).toBeUndefined();
	});

	it('sent right after an update, closes only its own socket; the others stay', async () => {
		const documentId = await buildDocument(db, alice, [[bob, 'editor']], 'Texte.');
		const watcher = connectProvider(port, documentId, alice.token);
		await synced(watcher.provider);
		const { ws } = await rawConnect(port, documentId, bob.token);
		// An update the server must store, then (same read) the bad state vector.
		const local = new Y.Doc();
		Y.applyUpdate(local, Y.encodeStateAsUpdate(watcher.doc));
		const before = Y.encodeStateVector(local);
		paragraph(local).insert(0, 'Ajout. ');
		const update = Y.encodeStateAsUpdate(local, before);
		const closed = closeOf(ws!);
		const socket = (ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
		socket.cork();
		ws!.send(frame((e) => syncProtocol.writeUpdate(e, update)));
		ws!.send(BAD_STATE_VECTOR);
		socket.uncork();
		expect(await closed).toBe(CloseCode.malformedMessage);
		await waitFor(() => bodyText(watcher.doc) === 'Ajout. Texte.', 5_000, 'the update');
		expect(watcher.provider.wsconnected).toBe(true);
		expect(await storedText(db, documentId)).toBe('Ajout. Texte.');
	});
});

describe('structs in another participant’s client id', () => {
	it('are refused, and that participant’s next edits still arrive', async () => {
		const documentId = await buildDocument(db, alice, [[bob, 'editor']], 'Avant.');
		const victim = connectProvider(port, documentId, alice.token);
		await synced(victim.provider);
		paragraph(victim.doc).insert(0, 'Premier. ');
		await waitFor(async () => (await storedText(db, documentId)) === 'Premier. Avant.');

		// Bob claims Alice's next clocks with one collected struct, written by hand.
		const { ws, frames } = await rawConnect(port, documentId, bob.token);
		const client = victim.doc.clientID;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 1); // one client
		encoding.writeVarUint(encoder, 1); // one struct
		encoding.writeVarUint(encoder, client);
		encoding.writeVarUint(encoder, Y.getState(victim.doc.store, client));
		encoding.writeUint8(encoder, 0); // GC
		encoding.writeVarUint(encoder, 2 ** 40); // its length
		encoding.writeVarUint(encoder, 0); // no deletions
		ws!.send(frame((e) => syncProtocol.writeUpdate(e, encoding.toUint8Array(encoder))));
		await waitFor(() => permissionDenials(frames).length === 1, 5_000, 'the refusal');
		expect(permissionDenials(frames)).toEqual(['invalid-content']);

		paragraph(victim.doc).insert(0, 'Nouveau. ');
		await waitFor(
			async () => (await storedText(db, documentId)) === 'Nouveau. Premier. Avant.',
			5_000,
			'the victim’s next edit to be stored'
		);
		ws!.close();
	});

	it('from the same person’s other connection are accepted (a reconnection)', async () => {
		const documentId = await buildDocument(db, alice, [], 'Avant.');
		const first = connectProvider(port, documentId, alice.token);
		await synced(first.provider);
		paragraph(first.doc).insert(0, 'Un. ');
		await waitFor(async () => (await storedText(db, documentId)) === 'Un. Avant.');
		// A second socket of Alice carrying the same Y.Doc's next edit while the first is open.
		const again = new Y.Doc();
		again.clientID = first.doc.clientID;
		Y.applyUpdate(again, Y.encodeStateAsUpdate(first.doc));
		const second = connectProvider(port, documentId, alice.token, again);
		await synced(second.provider);
		const denied = nextPermissionDenied(second.provider, 1_500).catch(() => null);
		paragraph(again).insert(0, 'Deux. ');
		expect(await denied).toBeNull();
		await waitFor(async () => (await storedText(db, documentId)) === 'Deux. Un. Avant.');
	});
});

describe('an update whose structs wait on each other across client ids', () => {
	it('is not kept: the room resets from storage and the document stays readable', async () => {
		const documentId = await buildDocument(db, alice, [[bob, 'editor']], 'Sain.');
		const watcher = connectProvider(port, documentId, alice.token);
		await synced(watcher.provider);
		const stored = Y.encodeStateVector(watcher.doc);
		const text = paragraph(watcher.doc);
		const last = (text._start as Y.Item).lastId; // the stored last character
		const item = (client: number, clock: number, origin: Y.ID) =>
			new Y.Item(
				Y.createID(client, clock),
				null,
				origin,
				null,
				null,
				null,
				null,
				new Y.ContentString('x')
			);
		// 100:0 after 200:0, 200:0 after 100:1, 100:1 after the stored text: a cycle.
		const encoder = new Y.UpdateEncoderV1();
		encoding.writeVarUint(encoder.restEncoder, 2);
		encoding.writeVarUint(encoder.restEncoder, 2);
		encoder.writeClient(100);
		encoding.writeVarUint(encoder.restEncoder, 0);
		item(100, 0, Y.createID(200, 0)).write(encoder, 0);
		item(100, 1, last).write(encoder, 0);
		encoding.writeVarUint(encoder.restEncoder, 1);
		encoder.writeClient(200);
		encoding.writeVarUint(encoder.restEncoder, 0);
		item(200, 0, Y.createID(100, 1)).write(encoder, 0);
		encoding.writeVarUint(encoder.restEncoder, 0);
		const reset = new Promise<number>((resolve) =>
			watcher.provider.once('connection-close', (event: { code: number } | null) =>
				resolve(event?.code ?? 0)
			)
		);
		const { ws } = await rawConnect(port, documentId, bob.token);
		ws!.send(frame((e) => syncProtocol.writeUpdate(e, encoder.toUint8Array())));
		expect(await reset).toBe(CloseCode.serverError);
		expect(await storedText(db, documentId)).toBe('Sain.');
		const again = connectProvider(port, documentId, alice.token);
		await synced(again.provider);
		expect(bodyText(again.doc)).toBe('Sain.');
		expect(Y.encodeStateVector(again.doc)).toEqual(stored);
	});
});
