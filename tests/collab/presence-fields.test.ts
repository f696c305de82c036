// The server relays presence rebuilt from the fields the editor sets, checked: a client's extra
// fields, a malformed cursor (which made every peer's editor throw) and oversize states never
// reach the others, readers' presence included; the person stays present with their identity.
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import type WebSocket from 'ws';
import type { Db } from '../../src/lib/server/db';
import { MessageType } from '../../src/lib/collab/protocol';
import { DOCUMENT_FRAGMENT } from '../../src/lib/documents/schema';
import { PRESENCE_LIMITS } from '../../src/lib/collab/presence-fields';
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

function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
	const update = encoding.createEncoder();
	encoding.writeVarUint(update, 1);
	encoding.writeVarUint(update, clientId);
	encoding.writeVarUint(update, clock);
	encoding.writeVarString(update, JSON.stringify(state));
	const frame = encoding.createEncoder();
	encoding.writeVarUint(frame, MessageType.awareness);
	encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
	return encoding.toUint8Array(frame);
}

/** A genuine caret position, as y-prosemirror writes it and the awareness sends it (JSON). */
const atStart = JSON.parse(
	JSON.stringify(
		Y.createRelativePositionFromTypeIndex(new Y.Doc().getXmlFragment(DOCUMENT_FRAGMENT), 0, -1)
	)
);

async function observer() {
	const { provider } = connectProvider(port, documentId, coLead.token);
	await synced(provider);
	const stateOf = (clientId: number) =>
		provider.awareness.getStates().get(clientId) as Record<string, unknown> | undefined;
	return { provider, stateOf };
}

async function speaker(user: TestUser): Promise<WebSocket> {
	const { ws } = await rawConnect(port, documentId, user.token);
	return ws!;
}

describe('presence relayed by the server', () => {
	it('keeps only the fields the editor sets: identity restamped, bad cursor and extra fields dropped', async () => {
		const { stateOf } = await observer();
		const editor = await speaker(colleague);
		editor.send(
			awarenessFrame(5101, 1, {
				user: { name: 'Le Préfet', color: 'red', admin: true },
				cursor: { anchor: null },
				typing: true,
				avatar: 'x'.repeat(2000),
				html: '<img src=x onerror=alert(1)>'
			})
		);
		await waitFor(() => stateOf(5101) !== undefined, 5_000, 'the editor’s presence');
		expect(stateOf(5101)).toEqual({
			user: {
				id: colleague.id,
				name: 'Thomas Girard',
				organisation: 'Commune Test',
				color: expect.stringMatching(/^#[0-9a-f]{6}$/),
				canEdit: true
			},
			typing: true
		});

		// A well-formed cursor goes through unchanged; a later malformed one is dropped, and the
		// person stays present (with no caret).
		editor.send(awarenessFrame(5101, 2, { cursor: { anchor: atStart, head: atStart } }));
		await waitFor(() => stateOf(5101)?.cursor != null, 5_000, 'the genuine cursor');
		expect(stateOf(5101)?.cursor).toEqual({ anchor: atStart, head: atStart });
		editor.send(awarenessFrame(5101, 3, { cursor: { anchor: {}, head: {} }, typing: 'oui' }));
		await waitFor(() => stateOf(5101)?.cursor === undefined, 5_000, 'the bad cursor dropped');
		expect(Object.keys(stateOf(5101)!)).toEqual(['user']);
		editor.close();
	});

	it('checks a reader’s presence the same way', async () => {
		const { stateOf } = await observer();
		const lectrice = await speaker(reader);
		lectrice.send(
			awarenessFrame(5201, 1, {
				cursor: { anchor: { tname: 'ailleurs' }, head: atStart },
				typing: false,
				tracker: { id: 42 }
			})
		);
		await waitFor(() => stateOf(5201) !== undefined, 5_000, 'the reader’s presence');
		expect(stateOf(5201)).toMatchObject({
			user: { id: reader.id, name: 'Amandine Roche', canEdit: false },
			typing: false
		});
		expect(Object.keys(stateOf(5201)!).sort()).toEqual(['typing', 'user']);
		// A reader's genuine caret is relayed: colleagues see where the reader is.
		lectrice.send(awarenessFrame(5201, 2, { cursor: { anchor: atStart, head: atStart } }));
		await waitFor(() => stateOf(5201)?.cursor != null, 5_000, 'the reader’s cursor');
		lectrice.close();
	});

	it('drops oversize states whole', async () => {
		const { stateOf } = await observer();
		const editor = await speaker(colleague);
		const padding = 'x'.repeat(PRESENCE_LIMITS.stateJson);
		editor.send(awarenessFrame(5301, 1, { typing: true, padding }));
		// Frames are handled in order: once the next one is relayed, the first had its chance.
		editor.send(awarenessFrame(5302, 1, { typing: true }));
		await waitFor(() => stateOf(5302) !== undefined, 5_000, 'the following presence');
		expect(stateOf(5301)).toBeUndefined();
		// Even a cursor-sized state of 16 KB, which the server used to relay.
		editor.send(awarenessFrame(5303, 1, { cursor: null, padding: 'x'.repeat(16_000) }));
		editor.send(awarenessFrame(5304, 1, { typing: true }));
		await waitFor(() => stateOf(5304) !== undefined, 5_000, 'the next presence');
		expect(stateOf(5303)).toBeUndefined();
		editor.close();
	});
});
