// A room's journal holds every update until the shared writer has stored it: nothing leaves
// before, sync replies wait for it, and a refused write closes the room's clients before anyone
// waiting for the flush is answered. Driven by hand, with a fake room and a fake writer.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { WebSocket } from 'ws';
import { Connection } from '../../server/collab/connection';
import {
	RoomJournal,
	type JournalRoom,
	type PendingUpdate
} from '../../server/collab/room-journal';
import type { JournalSource } from '../../server/collab/journal-writer';
import { paragraph } from '../helpers/content';

function connectionOf(userId: string): Connection {
	const user = {
		id: userId,
		displayName: userId,
		organisationName: 'Commune'
	} as Connection['context']['user'];
	return new Connection(
		{} as WebSocket,
		{ documentId: 'doc', sessionId: `s-${userId}`, sessionEndsAt: Infinity, user, canEdit: true },
		0
	);
}

function setUp() {
	const events: string[] = [];
	const broadcast: PendingUpdate[][] = [];
	const doc = new Y.Doc();
	const room: JournalRoom = {
		documentId: 'doc',
		doc,
		destroyed: false,
		afterStored: (batch) => {
			broadcast.push([...batch]);
			events.push(`broadcast ${batch.length}`);
		},
		closeWhere: () => {
			events.push('close clients');
			return 1;
		},
		destroy: () => events.push('destroy')
	};
	const requests: JournalSource[] = [];
	const journal = new RoomJournal(
		room,
		null as never,
		{ request: (source) => requests.push(source) },
		{ compactEvery: 1_000, compactMinIntervalMs: 0 },
		() => {}
	);
	journal.resume({ lastSeq: 4, updatesSinceSnapshot: 0 });
	doc.on('update', journal.record);
	const type = (text: string, by: Connection | null) =>
		Y.transact(
			doc,
			() => {
				const body = paragraph(doc, 0);
				body.insert(body.length, text);
			},
			by
		);
	return { journal, doc, events, broadcast, requests, type };
}

describe('a room’s journal', () => {
	it('hands updates over in order, one row per run of one author, and lets them leave only once stored', () => {
		const { journal, broadcast, requests, type } = setUp();
		const [alice, bob] = [connectionOf('alice'), connectionOf('bob')];
		type('a', alice);
		type('b', alice);
		type('c', bob);
		expect(requests).toEqual([journal, journal, journal]);

		const batch = journal.takeBatch()!;
		expect(batch.afterSeq).toBe(4);
		expect(batch.entries.map((e) => [e.userId, e.updates ?? 1])).toEqual([
			['alice', 2],
			['bob', 1]
		]);
		expect(journal.takeBatch()).toBeNull(); // one batch in flight at a time
		expect(broadcast).toEqual([]);

		journal.stored();
		expect(broadcast).toHaveLength(1);
		expect(broadcast[0].map((u) => u.origin)).toEqual([alice, alice, bob]);

		type('d', null);
		expect(journal.takeBatch()!.afterSeq).toBe(6); // two rows were taken before
	});

	it('answers a flush waiter only once everything applied before it is stored', () => {
		const { journal, events, type } = setUp();
		const answered = () => events.push('answered');
		journal.whenFlushed(answered);
		expect(events).toEqual(['answered']); // nothing pending: at once

		type('a', null);
		journal.takeBatch();
		type('b', null); // arrives while the first is in flight
		journal.whenFlushed(answered);
		journal.stored();
		expect(events).toEqual(['answered', 'broadcast 1']);
		journal.takeBatch();
		journal.stored();
		expect(events).toEqual(['answered', 'broadcast 1', 'broadcast 1', 'answered']);
	});

	it('on a refused write: broadcasts nothing, closes the clients, then releases the waiters, then drops the room', () => {
		const { journal, events, type } = setUp();
		type('a', null);
		journal.takeBatch();
		journal.whenFlushed(() => events.push('answered'));
		journal.storageFailed(new Error('disk full'));
		journal.stored(); // a late acknowledgement changes nothing
		expect(events).toEqual(['close clients', 'answered', 'destroy']);
		expect(journal.failed).toBe(true);
		type('b', null);
		expect(journal.takeBatch()).toBeNull();
	});
});
