// A room's side of "journal first, then broadcast": every update applied to the document waits
// here (pending), is handed to the shared writer (in flight, journal-writer.ts), and only once
// stored goes back to the room to be broadcast. Also compacts the journal into a snapshot.
import * as Y from 'yjs';
import { CloseCode } from '../../src/lib/collab/protocol';
import type { Db } from '../../src/lib/server/db';
import {
	journalEntry,
	saveSnapshot,
	type JournalAppend,
	type JournalEntry,
	type StoredState
} from '../../src/lib/server/documents/journal';
import { Connection } from './connection';
import type { JournalSource, JournalWriter } from './journal-writer';
import type { Room, RoomOptions } from './room';

export type JournalOptions = Pick<RoomOptions, 'compactEvery' | 'compactMinIntervalMs'>;

/**
 * The origin of a change the server makes itself on someone's behalf (a restore): stored with
 * that person as author, broadcast to every connection.
 */
export class ServerChange {
	constructor(readonly userId: string) {}
}

/** An update applied to the document, to store then broadcast. */
export interface PendingUpdate {
	userId: string | null;
	data: Uint8Array;
	/** The connection that sent it (it does not get its own update back). */
	origin: Connection | null;
}

/** What the journal needs from its room. */
export type JournalRoom = Pick<
	Room,
	'documentId' | 'doc' | 'destroyed' | 'afterStored' | 'closeWhere' | 'destroy'
>;

export class RoomJournal implements JournalSource {
	/** Highest journal sequence number handed to the writer, and highest one known stored. */
	private lastSeq = 0;
	private storedSeq = 0;
	private updatesSinceSnapshot = 0;
	private lastCompactionAt = 0;
	/** Applied to the document, not yet handed to the writer. */
	private pending: PendingUpdate[] = [];
	/** Handed to the writer, not yet stored (so not yet broadcast). */
	private inFlight: PendingUpdate[] | null = null;
	/** Journal rows the batch in flight takes (consecutive updates of one author share a row). */
	private inFlightRows = 0;
	private afterFlush: (() => void)[] = [];
	private compacting: Promise<void> | null = null;
	private hasFailed = false;

	constructor(
		private readonly room: JournalRoom,
		private readonly db: Db,
		private readonly writer: Pick<JournalWriter, 'request'>,
		private readonly options: JournalOptions,
		private readonly log: (message: string) => void
	) {}

	/** The last journal position known stored: what a participant leaving has seen. */
	get storedPosition(): number {
		return this.storedSeq;
	}

	/** The database refused a write: nothing more is stored, the room is gone. */
	get failed(): boolean {
		return this.hasFailed;
	}

	/** Continues the journal as loaded. */
	resume(stored: Pick<StoredState, 'lastSeq' | 'updatesSinceSnapshot'>): void {
		this.lastSeq = this.storedSeq = stored.lastSeq;
		this.updatesSinceSnapshot = stored.updatesSinceSnapshot;
	}

	/** The document's 'update' listener: every change, in order, whoever made it. */
	readonly record = (update: Uint8Array, origin: unknown): void => {
		const connection = origin instanceof Connection ? origin : null;
		this.pending.push({
			userId:
				connection?.context.user.id ?? (origin instanceof ServerChange ? origin.userId : null),
			data: update,
			origin: connection
		});
		this.writer.request(this);
	};

	takeBatch(): JournalAppend | null {
		if (this.pending.length === 0 || this.hasFailed || this.inFlight) return null;
		const batch = (this.inFlight = this.pending);
		this.pending = [];
		// One journal row per run of consecutive updates by the same author (journalEntry).
		const entries: JournalEntry[] = [];
		for (let start = 0; start < batch.length;) {
			let end = start + 1;
			while (end < batch.length && batch[end].userId === batch[start].userId) end++;
			entries.push(
				journalEntry(
					batch[start].userId,
					batch.slice(start, end).map((item) => item.data)
				)
			);
			start = end;
		}
		this.inFlightRows = entries.length;
		const afterSeq = this.lastSeq;
		this.lastSeq += entries.length;
		return { documentId: this.room.documentId, afterSeq, entries };
	}

	stored(): void {
		const batch = this.inFlight;
		if (!batch || this.hasFailed) return;
		this.inFlight = null;
		this.storedSeq += this.inFlightRows;
		this.updatesSinceSnapshot += batch.length;
		this.room.afterStored(batch);
		if (this.pending.length) {
			this.writer.request(this);
			return;
		}
		for (const callback of this.afterFlush.splice(0)) callback();
		if (
			this.updatesSinceSnapshot >= this.options.compactEvery &&
			Date.now() - this.lastCompactionAt >= this.options.compactMinIntervalMs
		) {
			this.compact().catch((error: Error) =>
				this.log(`collab: compaction of ${this.room.documentId} failed: ${error.message}`)
			);
		}
	}

	storageFailed(error: Error): void {
		if (this.hasFailed) return;
		this.hasFailed = true;
		this.log(`collab: could not store update of ${this.room.documentId}: ${error.message}`);
		// Clients re-sync with a fresh room and re-send. Closed before the waiters below are
		// released, so that no sync reply waiting for the flush hands out text never stored.
		this.room.closeWhere(() => true, CloseCode.storageFailure, 'storage failure');
		for (const callback of this.afterFlush.splice(0)) callback();
		this.room.destroy();
	}

	/** Forgets the updates not yet handed to the writer (the room is being reset). */
	discardPending(): void {
		this.pending = [];
	}

	/** Resolves once every update applied so far is stored (or the journal has failed). */
	flush(): Promise<void> {
		return new Promise((resolve) => this.whenFlushed(resolve));
	}

	whenFlushed(callback: () => void): void {
		if (this.hasFailed || (this.pending.length === 0 && !this.inFlight)) callback();
		else this.afterFlush.push(callback);
	}

	/** Right after the stored state is loaded: a long journal is compacted at once. */
	compactIfLong(): void {
		if (this.updatesSinceSnapshot >= this.options.compactEvery)
			this.compact().catch((error: Error) =>
				this.log(`collab: compaction of ${this.room.documentId} failed: ${error.message}`)
			);
	}

	/** Stores the live state as the document's snapshot. One at a time. */
	async compact(): Promise<void> {
		while (this.compacting) await this.compacting;
		if (this.updatesSinceSnapshot === 0 || this.hasFailed) return;
		this.compacting = (async () => {
			if (this.room.destroyed) return;
			// Encoded synchronously: the state covers at least every stored row up to `uptoSeq`
			// (and maybe updates still in flight: replaying those rows later changes nothing).
			const uptoSeq = this.storedSeq;
			const updates = this.updatesSinceSnapshot;
			const state = Y.encodeStateAsUpdate(this.room.doc);
			this.lastCompactionAt = Date.now();
			await saveSnapshot(this.db, this.room.documentId, uptoSeq, state);
			this.updatesSinceSnapshot -= updates;
		})();
		try {
			await this.compacting;
		} finally {
			this.compacting = null;
		}
	}
}
