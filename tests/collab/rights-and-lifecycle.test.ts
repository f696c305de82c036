import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import * as Y from 'yjs';
import type WebSocket from 'ws';
import type { Db } from '../../src/lib/server/db';
import { loadStoredState, setMember } from '../../src/lib/server/documents';
import { CloseCode } from '../../src/lib/collab/protocol';
import { freshDb, storedText } from '../helpers/db';
import { TEST_DIALECT } from '../helpers/dialect';
import { buildDocument, buildTerritory, buildUser, type TestUser } from '../helpers/factories';
import {
	connectProvider,
	nextClose,
	nextPermissionDenied,
	startCollabServer,
	synced,
	waitFor,
	webSocketWithCookie
} from '../helpers/collab';
import { bodyText, paragraph } from '../helpers/content';
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

/** A database that refuses every journal insert (a full disk, say), or recovers. */
async function refuseJournalWrites(refuse: boolean) {
	if (TEST_DIALECT === 'postgres') {
		if (refuse) {
			await sql`create function refuse_updates() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$`.execute(
				db
			);
			await sql`create trigger refuse_updates before insert on document_update for each row execute function refuse_updates()`.execute(
				db
			);
		} else {
			await sql`drop trigger refuse_updates on document_update`.execute(db);
			await sql`drop function refuse_updates()`.execute(db);
		}
	} else if (refuse) {
		await sql`create trigger refuse_updates before insert on document_update begin select raise(abort, 'disk full'); end`.execute(
			db
		);
	} else {
		await sql`drop trigger refuse_updates`.execute(db);
	}
}

/** Authors of the document's journal rows, in order. */
async function journalAuthors(documentId: string) {
	return (
		await db
			.selectFrom('document_update')
			.select('user_id')
			.where('document_id', '=', documentId)
			.orderBy('seq')
			.execute()
	).map((r) => r.user_id);
}

function countPings(ws: WebSocket) {
	const pings = { ws, count: 0 };
	ws.on('ping', () => pings.count++);
	return pings;
}

describe('rights change while connected', () => {
	it('an editor demoted to reader is cut off at once and can no longer change the document', async () => {
		const documentId = await buildDocument(db, coLead, [[colleague, 'editor']], 'Base.');
		const lead = connectProvider(port, documentId, coLead.token);
		const observer = connectProvider(port, documentId, coLead.token);
		const demoted = connectProvider(port, documentId, colleague.token);
		await Promise.all([synced(lead.provider), synced(observer.provider), synced(demoted.provider)]);
		const closed = nextClose(demoted.provider);

		await setMember(db, documentId, colleague.id, 'reader', coLead.id);
		expect(
			collab.closeUserConnections(
				documentId,
				colleague.id,
				CloseCode.rightsChanged,
				'rights changed'
			)
		).toBe(1);
		expect(await closed).toBe(CloseCode.rightsChanged);
		await synced(demoted.provider); // reconnected, now as a reader
		const journalBefore = await journalAuthors(documentId);

		const denied = nextPermissionDenied(demoted.provider);
		paragraph(demoted.doc, 0).insert(0, 'Après rétrogradation ');
		expect(await denied).toBe('read-only');
		expect(bodyText(collab.rooms.get(documentId)!.doc)).toBe('Base.');
		// Sent once the refusal came back: had the demoted edit been broadcast, the observer would
		// have received it first (one room's frames arrive in order).
		paragraph(lead.doc, 0).insert('Base.'.length, ' Suite.');
		await waitFor(
			() => bodyText(observer.doc).endsWith(' Suite.') && bodyText(demoted.doc).endsWith(' Suite.'),
			5000,
			'everyone receives the lead’s edit'
		);
		expect(bodyText(observer.doc)).toBe('Base. Suite.');
		expect(await storedText(db, documentId)).toBe('Base. Suite.');
		expect((await journalAuthors(documentId)).slice(journalBefore.length)).toEqual([coLead.id]);
	});
});

describe('room lifecycle', () => {
	it('unloads an idle document after its last client leaves, compacted, and reloads it intact', async () => {
		const documentId = await buildDocument(db, coLead, [], '');
		const first = connectProvider(port, documentId, coLead.token);
		await synced(first.provider);
		for (let i = 0; i < 50; i++) paragraph(first.doc, 0).insert(i, 'x');
		await waitFor(async () => (await storedText(db, documentId)).length === 50, 5000, 'stored');
		expect(collab.rooms.has(documentId)).toBe(true);

		first.provider.destroy();
		await waitFor(() => !collab.rooms.has(documentId), 5000, 'room unloaded');
		// The snapshot holds the whole text and covers the journal up to its last row.
		const snapshot = await db
			.selectFrom('document_snapshot')
			.select(['upto_seq', 'state'])
			.where('document_id', '=', documentId)
			.executeTakeFirstOrThrow();
		const lastRow = await db
			.selectFrom('document_update')
			.select('seq')
			.where('document_id', '=', documentId)
			.orderBy('seq', 'desc')
			.limit(1)
			.executeTakeFirstOrThrow();
		expect(Number(snapshot.upto_seq)).toBe(Number(lastRow.seq));
		const compacted = new Y.Doc();
		Y.applyUpdate(compacted, new Uint8Array(snapshot.state));
		expect(bodyText(compacted)).toBe('x'.repeat(50));
		// The journal keeps authorship after compaction.
		// (null: the template's row, nobody's writing.)
		expect(new Set(await journalAuthors(documentId))).toEqual(new Set([null, coLead.id]));
		expect((await loadStoredState(db, documentId)).updatesSinceSnapshot).toBe(0);

		const again = connectProvider(port, documentId, coLead.token);
		await synced(again.provider);
		expect(bodyText(again.doc)).toBe('x'.repeat(50));
	});

	it('when the database refuses a write, nothing is broadcast, clients are told (4500), and the update is stored once the database recovers', async () => {
		const documentId = await buildDocument(db, coLead, [[colleague, 'editor']], 'Avant.');
		const writer = connectProvider(port, documentId, coLead.token);
		const other = connectProvider(port, documentId, colleague.token);
		await Promise.all([synced(writer.provider), synced(other.provider)]);
		const writerClosed = nextClose(writer.provider);
		const otherClosed = nextClose(other.provider);

		await refuseJournalWrites(true);
		try {
			paragraph(writer.doc, 0).insert(0, 'Perdu ? ');
			expect(await writerClosed).toBe(CloseCode.storageFailure);
			// The close frame follows anything broadcast before it on the same socket.
			expect(await otherClosed).toBe(CloseCode.storageFailure);
			expect(bodyText(other.doc)).toBe('Avant.');
			expect(await storedText(db, documentId)).toBe('Avant.');
		} finally {
			await refuseJournalWrites(false);
		}
		// The writer reconnects and re-sends its change: nothing is lost.
		await waitFor(
			async () => (await storedText(db, documentId)) === 'Perdu ? Avant.',
			10_000,
			'update stored after recovery'
		);
		await waitFor(
			() => bodyText(other.doc) === 'Perdu ? Avant.',
			10_000,
			'other client receives it'
		);
	});

	it('terminates a peer that stopped answering pings, and keeps the ones that answer', async () => {
		const documentId = await buildDocument(db, coLead, [[colleague, 'editor']], 'Base.');
		const pinging = await startCollabServer(db, { pingIntervalMs: 100 });
		const deaf = new (webSocketWithCookie(coLead.token))(`${pinging.url}/${documentId}`, undefined);
		// A frozen laptop: the socket stays open but nothing answers pings any more.
		(deaf as unknown as { _autoPong: boolean })._autoPong = false;
		const deafClosed = new Promise<number>((resolve) =>
			deaf.on('close', (code: number) => resolve(code))
		);
		const alive = connectProvider(pinging.port, documentId, colleague.token);
		await synced(alive.provider);
		const alivePings = countPings(alive.provider.ws as unknown as WebSocket);
		expect(await deafClosed).toBe(1006); // terminated, no close handshake
		// A ping is only sent to a connection that answered the previous one: a third ping after
		// the deaf peer's end means the answering one survived two more checks.
		const pingsAtDeafEnd = alivePings.count;
		await waitFor(() => alivePings.count >= pingsAtDeafEnd + 3, 5000, 'three more pings');
		expect(alive.provider.wsconnected).toBe(true);
		expect(alive.provider.ws).toBe(alivePings.ws);
		expect(pinging.collab.rooms.get(documentId)?.connections.size).toBe(1);
	});
});
