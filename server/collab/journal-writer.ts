// One writer for the whole collaboration server: every document with updates waiting is stored
// in a single transaction, right after the socket read that brought them (a read holding
// hundreds of frames is one commit), then each document broadcasts its own batch. Commits were
// the benchmark's fan-out latency tail; measured both ways, committing after each read beat
// committing once per event-loop turn (sends no longer wait for every socket of the turn).
import type { Db } from '../../src/lib/server/db';
import {
	appendJournal,
	appendJournalNow,
	touchDocuments,
	type JournalAppend
} from '../../src/lib/server/documents/journal';

/** What the writer needs from a loaded document (implemented by Room). */
export interface JournalSource {
	/** Hands over the updates waiting to be stored (null: none, or the document has failed). */
	takeBatch(): JournalAppend | null;
	/** The batch taken last is durably stored: broadcast it. */
	stored(): void;
	/** The database refused the batch. */
	storageFailed(error: Error): void;
}

export class JournalWriter {
	private readonly waiting = new Set<JournalSource>();
	private scheduled = false;
	private writing = false;
	/** Documents written to since their last activity was bumped. */
	private readonly touched = new Set<string>();
	private touchTimer: NodeJS.Timeout | null = null;

	constructor(
		private readonly db: Db,
		private readonly log: (message: string) => void = () => {}
	) {}

	/** `source` has updates to store: they go in the next transaction. */
	request(source: JournalSource): void {
		this.waiting.add(source);
		this.schedule();
	}

	private schedule(): void {
		// While a transaction runs, newcomers wait for it to end (see write's last lines).
		if (this.scheduled || this.writing) return;
		this.scheduled = true;
		// A microtask runs right after the read callback that applied the updates: the frames of
		// one read go in one transaction, and their broadcast does not wait for other sockets.
		queueMicrotask(() => {
			this.scheduled = false;
			// Every failure is handled per document inside; this only keeps an unforeseen one
			// from becoming an unhandled rejection, which would end the process.
			this.write().catch((error: Error) =>
				this.log(`collab: journal writer failed: ${error.stack ?? error.message}`)
			);
		});
	}

	private async write(): Promise<void> {
		this.writing = true;
		const now = Date.now();
		const batches: [JournalSource, JournalAppend][] = [];
		for (const source of this.waiting) {
			const batch = source.takeBatch();
			if (batch) batches.push([source, batch]);
		}
		this.waiting.clear();
		try {
			if (
				(await this.store(
					batches.map(([, batch]) => batch),
					now
				)) === true
			) {
				for (const [source, batch] of batches) this.stored(source, batch);
				return;
			}
			// One document's batch may be the cause (say, deleted meanwhile): store each alone so
			// that only the culprit fails; if the database itself is failing, every one does.
			for (const [source, batch] of batches) {
				const result = await this.store([batch], now);
				if (result === true) this.stored(source, batch);
				else source.storageFailed(result);
			}
		} finally {
			this.writing = false;
			// Updates that arrived during the transaction go in the next one, right away.
			if (this.waiting.size) this.schedule();
		}
	}

	private stored(source: JournalSource, batch: JournalAppend): void {
		this.touched.add(batch.documentId);
		this.touchTimer ??= setTimeout(() => void this.flushTouches(), 1_000).unref();
		try {
			source.stored();
		} catch (error) {
			// The batch is stored but its room failed to broadcast it: that room is reset like
			// after a storage failure (its clients reconnect and resync; nothing is lost), and
			// the throw goes no further than this document.
			source.storageFailed(error as Error);
		}
	}

	/**
	 * Last activity is bumped apart from the journal, once a second for every document written
	 * to: an UPDATE per document in the hot transaction dirtied one more page per commit.
	 */
	async flushTouches(): Promise<void> {
		if (this.touchTimer) clearTimeout(this.touchTimer);
		this.touchTimer = null;
		if (this.touched.size === 0) return;
		const ids = [...this.touched];
		this.touched.clear();
		try {
			await touchDocuments(this.db, ids);
		} catch {
			// Not worth failing anything for: the next round retries.
			for (const id of ids) this.touched.add(id);
		}
	}

	/** true when stored, otherwise the database's error. */
	private async store(batches: JournalAppend[], now: number): Promise<true | Error> {
		try {
			if (!appendJournalNow(this.db, batches, now)) await appendJournal(this.db, batches, now);
			return true;
		} catch (error) {
			return error as Error;
		}
	}
}
