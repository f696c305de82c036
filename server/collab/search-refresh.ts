// The search index follows a loaded document: refreshed from the live Y.Doc once nothing has
// been stored for a moment, and a last time when the document is unloaded.
import type * as Y from 'yjs';
import type { Db } from '../../src/lib/server/db';
import { indexLoadedDocument } from '../../src/lib/server/search';

export class SearchRefresh {
	private stale = false;
	private lastChangeAt = 0;
	private timer: NodeJS.Timeout | null = null;
	private stopped = false;

	constructor(
		private readonly db: Db,
		private readonly documentId: string,
		private readonly doc: Y.Doc,
		private readonly delayMs: number,
		private readonly log: (message: string) => void
	) {}

	/** Updates were stored: reindex once none was for `delayMs` (one timer, not one per update). */
	changed(): void {
		this.stale = true;
		this.lastChangeAt = Date.now();
		if (!this.timer) this.wait(this.delayMs);
	}

	/** Reindexes now if anything was stored since the last time. */
	async flush(): Promise<void> {
		if (!this.stale || this.stopped) return;
		this.stale = false;
		try {
			await indexLoadedDocument(this.db, this.documentId, this.doc);
		} catch (error) {
			this.stale = true;
			this.log(`collab: search index of ${this.documentId} failed: ${(error as Error).message}`);
		}
	}

	stop(): void {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
	}

	private wait(ms: number): void {
		this.timer = setTimeout(this.due, ms);
		this.timer.unref();
	}

	private readonly due = (): void => {
		const quietFor = Date.now() - this.lastChangeAt;
		if (quietFor < this.delayMs) return this.wait(this.delayMs - quietFor);
		this.timer = null;
		void this.flush();
	};
}
