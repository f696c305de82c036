import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import type { Db } from '../../src/lib/server/db';
import { MessageType } from '../../src/lib/collab/protocol';
import { freshDb, storedText } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import { connectProvider, rawConnect, startCollabServer, synced, waitFor } from '../helpers/collab';

let db: Db;
let port: number;
let editor: TestUser;
let reader: TestUser;
let annotator: TestUser;
let documentId: string;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	editor = await buildUser(db, territory, territory.epciId);
	reader = await buildUser(db, territory, territory.communeId);
	annotator = await buildUser(db, territory, territory.communeId);
	documentId = await buildDocument(db, editor, [[reader, 'reader'], [annotator, 'annotator']], 'Version validée.');
	({ port } = await startCollabServer(db));
});

function updateMessage(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.sync);
	syncProtocol.writeUpdate(encoder, update);
	return encoding.toUint8Array(encoder);
}

describe('a reader', () => {
	it('receives the document and live changes, but every update it sends is refused on the wire and never stored or broadcast', async () => {
		const watcher = connectProvider(port, documentId, editor.token);
		await synced(watcher.provider);
		const rowsBefore = (await db.selectFrom('document_update').select('seq').where('document_id', '=', documentId).execute()).length;

		const { ws, frames } = await rawConnect(port, documentId, reader.token);
		await waitFor(() => frames.length > 0, 5000, 'server sync step 1');

		const rogue = new Y.Doc();
		rogue.getText('t').insert(0, 'PIRATAGE ');
		ws!.send(updateMessage(Y.encodeStateAsUpdate(rogue)));

		await waitFor(() => frames.some((f) => decoding.readVarUint(decoding.createDecoder(f)) === MessageType.auth), 5000, 'permission denied');
		const denial = frames.find((f) => f[0] === MessageType.auth)!;
		const decoder = decoding.createDecoder(denial);
		decoding.readVarUint(decoder);
		expect(decoding.readVarUint(decoder)).toBe(0); // permission denied
		expect(decoding.readVarString(decoder)).toBe('read-only');

		// An editor's edit still flows to everyone, the reader included, after the refusal.
		watcher.doc.getText('t').insert(0, 'OK ');
		await waitFor(async () => (await db.selectFrom('document_update').select('seq').where('document_id', '=', documentId).execute()).length > rowsBefore, 5000, 'editor update stored');
		await new Promise((r) => setTimeout(r, 100));
		expect(watcher.doc.getText('t').toString()).toBe('OK Version validée.');

		expect(await storedText(db, documentId)).toBe('OK Version validée.');
		ws!.close();
	});

	it('with the real y-websocket client: local typing never reaches the server or other participants', async () => {
		const watcher = connectProvider(port, documentId, editor.token);
		const readerClient = connectProvider(port, documentId, reader.token);
		await Promise.all([synced(watcher.provider), synced(readerClient.provider)]);
		readerClient.doc.getText('t').insert(0, 'Modification interdite ');
		watcher.doc.getText('t').insert(watcher.doc.getText('t').length, ' Fin.');
		await waitFor(() => readerClient.doc.getText('t').toString().endsWith(' Fin.'), 5000, 'reader receives editor text');
		await new Promise((r) => setTimeout(r, 200));
		expect(watcher.doc.getText('t').toString()).not.toContain('interdite');
		expect(await storedText(db, documentId)).not.toContain('interdite');
	});
});

describe('an annotator (club métier)', () => {
	it('comments but cannot change the text: content updates are refused and never stored', async () => {
		const watcher = connectProvider(port, documentId, editor.token);
		const club = connectProvider(port, documentId, annotator.token);
		await Promise.all([synced(watcher.provider), synced(club.provider)]);
		const before = watcher.doc.getText('t').toString();
		club.doc.getText('t').insert(0, 'Réécriture par le club ');
		watcher.doc.getText('t').insert(0, '#');
		await waitFor(() => club.doc.getText('t').toString().includes('#'), 5000, 'annotator receives edits');
		await new Promise((r) => setTimeout(r, 200));
		expect(watcher.doc.getText('t').toString()).toBe(`#${before}`);
		expect(await storedText(db, documentId)).toBe(`#${before}`);
	});
});
