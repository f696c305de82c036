// Found by the outside review of issue 10: damaged history that decodes was handed to the first
// client before it was applied (the client kept it and gave it back after the repair, under its
// own name), and a history with a gap (a struct waiting for a dependency that is not stored)
// opened truncated, with nothing recorded. Both now fail the document at load, before anyone
// is answered, and the repair sets the faulty row aside.
import { beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import type { Db } from '../../src/lib/server/db';
import { CloseCode, MessageType } from '../../src/lib/collab/protocol';
import { appendUpdates } from '../../src/lib/server/documents/journal';
import {
	findUnreadableParts,
	setAsideUnreadable
} from '../../src/lib/server/documents/storage-damage';
import { freshDb } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import { connectProvider, rawConnect, startCollabServer, synced } from '../helpers/collab';
import { bodyText } from '../helpers/content';

let db: Db;
let port: number;
let editor: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	editor = await buildUser(db, territory, territory.epciId);
	({ port } = await startCollabServer(db));
});

/** One string item of client 9 whose origin (client 50) was never stored. */
function itemWithMissingOrigin(): Uint8Array {
	const encoder = new Y.UpdateEncoderV1();
	encoding.writeVarUint(encoder.restEncoder, 1);
	encoding.writeVarUint(encoder.restEncoder, 1);
	encoder.writeClient(9);
	encoding.writeVarUint(encoder.restEncoder, 0);
	new Y.Item(
		Y.createID(9, 0),
		null,
		Y.createID(50, 3),
		null,
		null,
		null,
		null,
		new Y.ContentString('perdu')
	).write(encoder, 0);
	encoding.writeVarUint(encoder.restEncoder, 0);
	return encoder.toUint8Array();
}

const isSyncStep2 = (frame: Uint8Array) => {
	const decoder = decoding.createDecoder(frame);
	return (
		decoding.readVarUint(decoder) === MessageType.sync &&
		decoding.readVarUint(decoder) === syncProtocol.messageYjsSyncStep2
	);
};

describe('a stored history with a gap', () => {
	it('fails at load before anyone is answered, names the row, and opens after the repair', async () => {
		const documentId = await buildDocument(db, editor, [], 'Texte.');
		await appendUpdates(db, documentId, 1, [{ userId: editor.id, data: itemWithMissingOrigin() }]);

		const { ws, frames } = await rawConnect(port, documentId, editor.token);
		const code = await new Promise<number>((resolve) =>
			(ws as WebSocket).on('close', (c) => resolve(c))
		);
		expect(code).toBe(CloseCode.documentUnreadable);
		// Nothing of the document was handed out first.
		expect(frames.filter(isSyncStep2)).toEqual([]);

		const parts = await findUnreadableParts(db, documentId);
		expect(parts.map((p) => [p.source, p.seq])).toEqual([['update', 2]]);
		expect(parts[0].error).toMatch(/missing dependencies/);

		expect(await setAsideUnreadable(db, documentId, editor.id)).toBe(1);
		const client = connectProvider(port, documentId, editor.token);
		await synced(client.provider);
		expect(bodyText(client.doc)).toBe('Texte.');
	});
});
