// A loaded document and the connections editing it. Lifecycle: load → frames → journal, then
// broadcast → unload when idle. The room holds the Y.Doc, the awareness and the connections;
// the rest is in named parts, one file each:
//   receiver  message-receiver.ts  decodes and dispatches frames, refuses readers' edits
//   journal   room-journal.ts      pending → in flight → stored, flush, failure, compaction
//   presence  presence.ts          stamped awareness, changes merged once per turn
//   search    search-refresh.ts    the debounced reindex
// A new part (version checkpoints, comment threads, pub/sub between processes) is one more
// field built in the constructor and called from the hook it follows: afterStored (a batch is
// durable, in order), leave, unload (flushes before letting go) or destroy. Explicit calls, no
// registry: the orderings stay readable here.
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import { CloseCode, MessageType } from '../../src/lib/collab/protocol';
import type { CollabSettings } from '../../src/lib/server/config';
import type { Db } from '../../src/lib/server/db';
import { applyStoredState, loadStoredState } from '../../src/lib/server/documents/journal';
import { markSeen } from '../../src/lib/server/documents/visits';
import type { ConnectionContext } from './authenticate-upgrade';
import { Connection, encodeMessage, encodeUpdateMessage } from './connection';
import type { JournalWriter } from './journal-writer';
import { MessageReceiver } from './message-receiver';
import { Presence } from './presence';
import { RoomJournal, ServerChange, type PendingUpdate } from './room-journal';
import { SearchRefresh } from './search-refresh';
import { VersionRecorder } from './version-recorder';

export type RoomOptions = Pick<
	CollabSettings,
	'compactEvery' | 'compactMinIntervalMs' | 'unloadDelayMs' | 'searchIndexDelayMs' | 'versionIdleMs'
>;

/** What a room tells the server that holds it. */
export interface RoomHost {
	/** The room is gone (unloaded, failed, or never loaded): forget it. */
	unloaded(room: Room): void;
}

export class Room {
	readonly doc = new Y.Doc({ gc: true });
	readonly awareness = new awarenessProtocol.Awareness(this.doc);
	readonly connections = new Set<Connection>();
	readonly journal: RoomJournal;
	readonly presence: Presence;
	readonly search: SearchRefresh;
	readonly versions: VersionRecorder;
	private readonly receiver: MessageReceiver;
	readonly loaded: Promise<void>;
	/** Set while unloading; a newcomer waits for it, then loads a fresh room. */
	unloading: Promise<void> | null = null;

	private unloadTimer: NodeJS.Timeout | null = null;
	private isDestroyed = false;
	/** The stored state as loaded, while the document has not changed since (see load()). */
	private storedBytes: Uint8Array | null = null;

	constructor(
		readonly documentId: string,
		private readonly db: Db,
		writer: JournalWriter,
		private readonly options: RoomOptions,
		private readonly host: RoomHost,
		private readonly log: (message: string) => void
	) {
		this.awareness.setLocalState(null); // the server itself is not a participant
		this.journal = new RoomJournal(this, db, writer, options, log);
		this.presence = new Presence(this);
		this.search = new SearchRefresh(db, documentId, this.doc, options.searchIndexDelayMs, log);
		this.versions = new VersionRecorder(db, documentId, options.versionIdleMs, log);
		this.receiver = new MessageReceiver(this, log);
		this.loaded = this.load();
	}

	get destroyed(): boolean {
		return this.isDestroyed;
	}

	/** The stored state is applied: `doc` is the document (not an empty one still loading). */
	isLoaded = false;

	/**
	 * Applies the stored state before anyone is answered: bytes that decode but cannot be
	 * applied, or a history with a gap (structs waiting for a dependency that is not stored),
	 * fail the document here — never after a client has been handed them (it would keep them,
	 * and hand them back after the repair). Costs the apply of the whole history at the first
	 * open (the benchmark's cold open).
	 */
	private async load(): Promise<void> {
		const stored = await loadStoredState(this.db, this.documentId);
		applyStoredState(this.doc, this.documentId, stored.state);
		// Registered after the initial load, so loading never writes the stored state back.
		this.doc.on('update', this.journal.record);
		// Until the first change, the stored bytes are the document: first replies are taken
		// from them rather than encoded again (the benchmark's cold open).
		this.storedBytes = stored.state;
		this.doc.once('update', () => (this.storedBytes = null));
		this.journal.resume(stored);
		this.journal.compactIfLong();
		this.isLoaded = true;
	}

	/**
	 * Applying an update that passed the check threw halfway (Yjs found it inconsistent): what
	 * it left in the live document is not stored and never broadcast — the room is dropped
	 * without writing anything, everyone reconnects (1011) and reloads what is stored; the
	 * sender's client re-sends its valid edits, the bad one is refused again.
	 */
	resetAfterFailedApply(connection: Connection, error: Error): void {
		this.log(
			`collab: applying an update of ${connection.context.user.id} to ${this.documentId} failed, room reset: ${error.message}`
		);
		this.journal.discardPending();
		this.closeWhere(() => true, CloseCode.serverError, 'reset');
		this.destroy();
	}

	/** A client's sync step 1 (what it has): the reply is what it lacks. */
	answerSyncStep1(connection: Connection, stateVector: Uint8Array): void {
		if (this.storedBytes) {
			// Nothing changed since the load (so nothing is pending): the stored bytes, applied
			// without fault at load, or the part of them the client lacks.
			const isEmpty = stateVector.length === 1 && stateVector[0] === 0;
			const reply = isEmpty ? this.storedBytes : Y.diffUpdate(this.storedBytes, stateVector);
			connection.send(
				encodeMessage(MessageType.sync, (e) => {
					encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
					encoding.writeVarUint8Array(e, reply);
				})
			);
			return;
		}
		// Answer only once everything already applied is stored: the reply must not hand out
		// text a crash could still lose.
		this.journal.whenFlushed(() =>
			connection.send(
				encodeMessage(MessageType.sync, (e) =>
					syncProtocol.writeSyncStep2(e, this.doc, stateVector)
				)
			)
		);
	}

	/**
	 * A change the server makes on `userId`'s behalf (a restore): once everything pending is
	 * stored, applied as one transaction, stored with them as author and broadcast to everyone
	 * like any edit. Resolves once stored, with whether anything changed; rejects if the room
	 * is going or storage failed.
	 */
	async applyServerChange(userId: string, change: (doc: Y.Doc) => void): Promise<boolean> {
		// No unload while the change is on its way (it would compact and drop it unseen).
		this.cancelUnload();
		await this.journal.flush();
		if (this.isDestroyed || this.unloading || this.journal.failed)
			throw new Error('document unavailable');
		let changed = false;
		const noteChange = () => (changed = true);
		this.doc.on('update', noteChange);
		try {
			this.doc.transact(() => change(this.doc), new ServerChange(userId));
		} finally {
			this.doc.off('update', noteChange);
		}
		await this.journal.flush();
		if (this.journal.failed) throw new Error('storage failure');
		// Loaded for this change alone: let go of it as if its last participant had left.
		if (this.connections.size === 0 && !this.unloading) this.scheduleUnload();
		return changed;
	}

	// ---- connections ------------------------------------------------------------------

	join(ws: WebSocket, context: ConnectionContext, nextPingAt: number): Connection {
		this.cancelUnload();
		const connection = new Connection(ws, context, nextPingAt);
		this.connections.add(connection);
		ws.on('message', (data: Buffer, isBinary: boolean) =>
			this.receiver.receive(connection, data, isBinary)
		);
		ws.on('close', () => this.leave(connection));
		ws.on('pong', () => (connection.alive = true));
		ws.on('error', () => ws.terminate());

		connection.send(
			encodeMessage(MessageType.sync, (e) => syncProtocol.writeSyncStep1(e, this.doc))
		);
		if (this.awareness.getStates().size) connection.send(this.presence.everyone());
		return connection;
	}

	/**
	 * Who brought each Yjs client id's structs, for the room's whole life: another person may
	 * not fill that id's next clocks even once its owner's socket is gone (the owner's edits,
	 * coming back, would be ignored by Yjs as already known).
	 */
	private readonly clientOwners = new Map<number, string>();

	claimClientId(client: number, connection: Connection): void {
		connection.authorIds.add(client);
		this.clientOwners.set(client, connection.context.user.id);
	}

	/**
	 * Whether someone else speaks for Yjs client id `client`: its presence in the room now, or
	 * structs they brought since the room loaded. The same person's other connection does not
	 * count: after a network drop the new socket may arrive before the old one is found dead.
	 */
	claimedByAnother(client: number, connection: Connection): boolean {
		const userId = connection.context.user.id;
		const owner = this.clientOwners.get(client);
		if (owner !== undefined && owner !== userId) return true;
		for (const other of this.connections)
			if (other !== connection && other.context.user.id !== userId && other.clientIds.has(client))
				return true;
		return false;
	}

	private leave(connection: Connection): void {
		if (!this.connections.delete(connection)) return;
		this.presence.remove(connection);
		// What they saw live counts as seen (« since your last visit » starts from here).
		if (!this.journal.failed)
			markSeen(
				this.db,
				this.documentId,
				connection.context.user.id,
				this.journal.storedPosition
			).catch((error: Error) =>
				this.log(`collab: visit of ${this.documentId} not recorded: ${error.message}`)
			);
		if (this.connections.size === 0) this.scheduleUnload();
	}

	/** Closes connections matching `predicate` with `code`; returns how many. */
	closeWhere(predicate: (c: Connection) => boolean, code: number, reason: string): number {
		let count = 0;
		for (const connection of [...this.connections]) {
			if (!predicate(connection)) continue;
			count++;
			this.disconnect(connection, code, reason);
		}
		return count;
	}

	disconnect(connection: Connection, code: number, reason: string): void {
		if (!this.connections.has(connection)) return;
		connection.ws.close(code, reason);
		// Stop listening now: a closing socket may still deliver frames sent on stale rights.
		connection.ws.removeAllListeners('message');
		this.leave(connection);
	}

	broadcast(message: Uint8Array, except: Connection | null): void {
		for (const connection of this.connections) if (connection !== except) connection.send(message);
	}

	/**
	 * A batch is stored (the journal calls this in order, before releasing flush waiters): it
	 * may now leave. One frame per update, never merged: Y.mergeUpdates costs more than the
	 * extra frames (it dominated the server's CPU profile under the trace replay). Sockets are
	 * corked so that several updates leave in as few writes as possible.
	 */
	afterStored(batch: readonly PendingUpdate[]): void {
		const corked = batch.length > 1;
		if (corked) for (const connection of this.connections) connection.cork();
		for (const item of batch) this.broadcast(encodeUpdateMessage(item.data), item.origin);
		if (corked) for (const connection of this.connections) connection.uncork();
		this.search.changed();
		this.versions.changed();
	}

	// ---- unloading ----------------------------------------------------------------------

	private scheduleUnload(): void {
		this.cancelUnload();
		this.unloadTimer = setTimeout(() => {
			this.unloadTimer = null;
			// Re-check: someone may have joined since the last one left.
			if (this.connections.size === 0) void this.unload();
		}, this.options.unloadDelayMs);
		this.unloadTimer.unref();
	}

	private cancelUnload(): void {
		if (this.unloadTimer) clearTimeout(this.unloadTimer);
		this.unloadTimer = null;
	}

	/** Flushes, compacts and frees the document. Idempotent. */
	unload(): Promise<void> {
		this.unloading ??= (async () => {
			this.cancelUnload();
			try {
				await this.journal.flush();
				await this.journal.compact();
				await this.search.flush();
				await this.versions.flush();
			} catch (error) {
				this.log(`collab: compaction of ${this.documentId} failed: ${(error as Error).message}`);
			} finally {
				this.destroy();
			}
		})();
		return this.unloading;
	}

	destroy(): void {
		if (this.isDestroyed) return;
		this.isDestroyed = true;
		this.cancelUnload();
		this.search.stop();
		this.versions.stop();
		this.awareness.destroy();
		this.doc.destroy();
		this.host.unloaded(this);
	}
}
