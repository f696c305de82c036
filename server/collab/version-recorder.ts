// A room's automatic versions (issue 11): one when a burst of editing ends (no update stored
// for `idleMs` after some were) and one when the last participant leaves (the room unloads).
// The timer is injected, so that tests move time instead of sleeping.
import type { Db } from '../../src/lib/server/db';
import { recordVersion, thinVersions } from '../../src/lib/server/documents/versions';

export interface Timers {
	set(callback: () => void, ms: number): unknown;
	clear(handle: unknown): void;
}

export const REAL_TIMERS: Timers = {
	set: (callback, ms) => setTimeout(callback, ms).unref(),
	clear: (handle) => clearTimeout(handle as NodeJS.Timeout)
};

export class VersionRecorder {
	private timer: unknown = null;
	private dirty = false;
	private recording: Promise<void> = Promise.resolve();

	constructor(
		private readonly db: Db,
		private readonly documentId: string,
		private readonly idleMs: number,
		private readonly log: (message: string) => void,
		private readonly timers: Timers = REAL_TIMERS
	) {}

	/** Updates were stored: the burst goes on; a version once it has been quiet for idleMs. */
	changed(): void {
		this.dirty = true;
		if (this.timer !== null) this.timers.clear(this.timer);
		this.timer = this.timers.set(() => {
			this.timer = null;
			void this.record();
		}, this.idleMs);
	}

	/** The room unloads (its last participant left): the burst ends now. */
	async flush(): Promise<void> {
		this.stop();
		if (this.dirty) await this.record();
		await this.recording;
	}

	stop(): void {
		if (this.timer !== null) this.timers.clear(this.timer);
		this.timer = null;
	}

	private record(): Promise<void> {
		this.dirty = false;
		// One at a time, in order: a version must not be computed while the previous is written.
		this.recording = this.recording.then(() =>
			recordVersion(this.db, this.documentId, { kind: 'auto' })
				.then(() => thinVersions(this.db, this.documentId))
				.then(
					() => {},
					(error: Error) =>
						this.log(`collab: version of ${this.documentId} not recorded: ${error.message}`)
				)
		);
		return this.recording;
	}
}
