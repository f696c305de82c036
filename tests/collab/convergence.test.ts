import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { freshDb, storedText } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MessageType } from '../../src/lib/collab/protocol';
import { connectProvider, rawConnect, startCollabServer, synced, waitFor } from '../helpers/collab';
import { bodyText, paragraph } from '../helpers/content';

let db: Db;
let port: number;
let epciUser: TestUser;
let communeUser: TestUser;
let documentId: string;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	epciUser = await buildUser(db, territory, territory.epciId, { name: 'Claire Martin' });
	communeUser = await buildUser(db, territory, territory.communeId, { name: 'Thomas Girard' });
	documentId = await buildDocument(db, epciUser, [[communeUser, 'editor']], 'Texte initial. ');
	({ port } = await startCollabServer(db));
});

describe('two real y-websocket clients', () => {
	it('receive the stored text, converge on concurrent edits, and the server stores each update with its author', async () => {
		const a = connectProvider(port, documentId, epciUser.token);
		const b = connectProvider(port, documentId, communeUser.token);
		await Promise.all([synced(a.provider), synced(b.provider)]);
		// The initial paragraph, its trailing space included (bodyText trims each line).
		expect(paragraph(a.doc, 0).toString()).toBe('Texte initial. ');
		expect(bodyText(b.doc)).toBe('Texte initial.');

		// Concurrently, before either has seen the other's edit: both in the one paragraph.
		paragraph(a.doc, 0).insert(0, 'EPCI ');
		paragraph(b.doc, 0).insert(paragraph(b.doc, 0).length, 'Commune.');
		await waitFor(
			() =>
				bodyText(a.doc) === bodyText(b.doc) &&
				paragraph(a.doc, 0).length === 'EPCI Texte initial. Commune.'.length,
			5000,
			'convergence'
		);
		expect(bodyText(a.doc)).toBe('EPCI Texte initial. Commune.');

		const rows = await db
			.selectFrom('document_update')
			.select(['user_id'])
			.where('document_id', '=', documentId)
			.orderBy('seq')
			.execute();
		// The template's row is nobody's (null); every other row names who sent it.
		expect(new Set(rows.map((r) => r.user_id))).toEqual(
			new Set([null, epciUser.id, communeUser.id])
		);

		expect(await storedText(db, documentId)).toBe('EPCI Texte initial. Commune.');
	});

	it('stamps presence with the session identity, whatever the client claims', async () => {
		const a = connectProvider(port, documentId, epciUser.token);
		const b = connectProvider(port, documentId, communeUser.token);
		await Promise.all([synced(a.provider), synced(b.provider)]);
		b.provider.awareness.setLocalStateField('user', {
			name: 'Le Préfet',
			organisation: 'Préfecture',
			color: '#000'
		});
		await waitFor(
			() => {
				const seen = a.provider.awareness.getStates().get(b.doc.clientID) as
					{ user?: { name: string } } | undefined;
				return seen?.user?.name === 'Thomas Girard';
			},
			5000,
			'stamped presence'
		);
		const seen = a.provider.awareness.getStates().get(b.doc.clientID) as {
			user: Record<string, unknown>;
		};
		expect(seen.user).toMatchObject({
			id: communeUser.id,
			name: 'Thomas Girard',
			organisation: 'Commune Test',
			canEdit: true
		});
	});

	it('sends presence changes that arrive together as one frame per member', async () => {
		const watcher = await rawConnect(port, documentId, epciUser.token);
		const speaker = await rawConnect(port, documentId, communeUser.token);
		const awarenessFrames = () =>
			watcher.frames.filter((f) => f[0] === MessageType.awareness).map(awarenessClients);
		await waitFor(() => watcher.frames.length > 0, 5000, 'first frames');
		const before = awarenessFrames().length;
		// Two presence entries leave in one TCP write, so the server reads them in the same turn.
		const socket = (speaker.ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
		socket.cork();
		for (const clientId of [7001, 7002])
			speaker.ws!.send(awarenessFrame(clientId, { cursor: null }));
		socket.uncork();
		await waitFor(() => awarenessFrames().flat().includes(7002), 5000, 'presence of 7002');
		// A later change, alone in its read: whatever the server sent for the first two arrives
		// before it, so nothing more can come in between once it is here.
		speaker.ws!.send(awarenessFrame(7003, { cursor: null }));
		await waitFor(() => awarenessFrames().flat().includes(7003), 5000, 'presence of 7003');
		expect(awarenessFrames().slice(before)).toEqual([[7001, 7002], [7003]]);
		watcher.ws!.close();
		speaker.ws!.close();
	});
});

function awarenessFrame(clientId: number, state: object): Uint8Array {
	const update = encoding.createEncoder();
	encoding.writeVarUint(update, 1);
	encoding.writeVarUint(update, clientId);
	encoding.writeVarUint(update, 1);
	encoding.writeVarString(update, JSON.stringify(state));
	const frame = encoding.createEncoder();
	encoding.writeVarUint(frame, MessageType.awareness);
	encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
	return encoding.toUint8Array(frame);
}

/** The client ids an awareness frame speaks for. */
function awarenessClients(frame: Uint8Array): number[] {
	const decoder = decoding.createDecoder(frame);
	decoding.readVarUint(decoder);
	const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
	const ids: number[] = [];
	for (let n = decoding.readVarUint(update); n > 0; n--) {
		ids.push(decoding.readVarUint(update));
		decoding.readVarUint(update);
		decoding.readVarString(update);
	}
	return ids;
}
