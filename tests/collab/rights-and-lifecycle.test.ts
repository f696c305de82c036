import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Db } from '../../src/lib/server/db';
import { loadStoredState, setMember } from '../../src/lib/server/documents';
import { CloseCode } from '../../src/lib/collab/protocol';
import { freshDb, storedText } from '../helpers/db';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import { connectProvider, startCollabServer, synced, waitFor, webSocketWithCookie } from '../helpers/collab';
import type { CollabServer } from '../../server/collab';

let db: Db;
let port: number;
let collab: CollabServer;
let coLead: TestUser;
let colleague: TestUser;

beforeAll(async () => {
	({ db } = await freshDb());
	const territory = await buildTerritory(db);
	coLead = await buildUser(db, territory, territory.epciId);
	colleague = await buildUser(db, territory, territory.communeId);
	({ port, collab } = await startCollabServer(db, { unloadDelayMs: 100 }));
});

describe('rights change while connected', () => {
	it('an editor demoted to reader is cut off at once and can no longer change the document', async () => {
		const documentId = await buildDocument(db, coLead, [[colleague, 'editor']], 'Base.');
		const lead = connectProvider(port, documentId, coLead.token);
		const demoted = connectProvider(port, documentId, colleague.token);
		await Promise.all([synced(lead.provider), synced(demoted.provider)]);
		const closes: number[] = [];
		demoted.provider.on('connection-close', (e: { code: number } | null) => e && closes.push(e.code));

		await setMember(db, documentId, colleague.id, 'reader', coLead.id);
		expect(collab.closeUserConnections(documentId, colleague.id, CloseCode.rightsChanged, 'rights changed')).toBe(1);
		await waitFor(() => closes.includes(CloseCode.rightsChanged), 5000, 'close 4509');
		await waitFor(() => demoted.provider.wsconnected && demoted.provider.synced, 5000, 'reconnection as reader');

		demoted.doc.getText('t').insert(0, 'Après rétrogradation ');
		lead.doc.getText('t').insert(lead.doc.getText('t').length, ' Suite.');
		await waitFor(() => demoted.doc.getText('t').toString().endsWith(' Suite.'), 5000, 'reader still receives');
		await new Promise((r) => setTimeout(r, 200));
		expect(lead.doc.getText('t').toString()).toBe('Base. Suite.');
		expect(await storedText(db, documentId)).toBe('Base. Suite.');
	});
});

describe('room lifecycle', () => {
	it('unloads an idle document after its last client leaves, compacted, and reloads it intact', async () => {
		const documentId = await buildDocument(db, coLead, [], '');
		const first = connectProvider(port, documentId, coLead.token);
		await synced(first.provider);
		for (let i = 0; i < 50; i++) first.doc.getText('t').insert(i, 'x');
		await waitFor(async () => (await storedText(db, documentId)).length === 50, 5000, 'stored');
		expect(collab.rooms.has(documentId)).toBe(true);

		first.provider.destroy();
		await waitFor(() => !collab.rooms.has(documentId), 5000, 'room unloaded');
		const snapshot = await db.selectFrom('document_snapshot').selectAll().where('document_id', '=', documentId).executeTakeFirst();
		expect(snapshot).toBeDefined();
		// The journal keeps authorship after compaction.
		const authors = await db.selectFrom('document_update').select('user_id').where('document_id', '=', documentId).execute();
		expect(authors.every((a) => a.user_id === coLead.id)).toBe(true);
		expect((await loadStoredState(db, documentId)).updatesSinceSnapshot).toBe(0);

		const again = connectProvider(port, documentId, coLead.token);
		await synced(again.provider);
		expect(again.doc.getText('t').toString()).toBe('x'.repeat(50));
	});

	it('when the database refuses a write, nothing is broadcast, clients are told (4500), and the update is stored once the database recovers', async () => {
		const documentId = await buildDocument(db, coLead, [[colleague, 'editor']], 'Avant.');
		const writer = connectProvider(port, documentId, coLead.token);
		const other = connectProvider(port, documentId, colleague.token);
		await Promise.all([synced(writer.provider), synced(other.provider)]);
		const closes: number[] = [];
		writer.provider.on('connection-close', (e: { code: number } | null) => e && closes.push(e.code));

		await sql`create trigger refuse_updates before insert on document_update begin select raise(abort, 'disk full'); end`.execute(db);
		try {
			writer.doc.getText('t').insert(0, 'Perdu ? ');
			await waitFor(() => closes.includes(CloseCode.storageFailure), 5000, 'close 4500');
			expect(other.doc.getText('t').toString()).toBe('Avant.');
		} finally {
			await sql`drop trigger refuse_updates`.execute(db);
		}
		// The writer reconnects and re-sends its change: nothing is lost.
		await waitFor(async () => (await storedText(db, documentId)) === 'Perdu ? Avant.', 10_000, 'update stored after recovery');
		await waitFor(() => other.doc.getText('t').toString() === 'Perdu ? Avant.', 10_000, 'other client receives it');
	});

	it('terminates a peer that stopped answering pings, and keeps the ones that answer', async () => {
		const documentId = await buildDocument(db, coLead, [[colleague, 'editor']], 'Base.');
		const pinging = await startCollabServer(db, { pingIntervalMs: 100 });
		const deaf = new (webSocketWithCookie(coLead.token))(`${pinging.url}/${documentId}`, undefined);
		// A frozen laptop: the socket stays open but nothing answers pings any more.
		(deaf as unknown as { _autoPong: boolean })._autoPong = false;
		const deafClosed = new Promise<number>((resolve) => deaf.on('close', (code: number) => resolve(code)));
		const alive = connectProvider(pinging.port, documentId, colleague.token);
		await synced(alive.provider);
		expect(await deafClosed).toBe(1006); // terminated, no close handshake
		await new Promise((r) => setTimeout(r, 300)); // three more ping rounds
		expect(alive.provider.wsconnected).toBe(true);
		expect(pinging.collab.rooms.get(documentId)?.connections.size).toBe(1);
	});
});
