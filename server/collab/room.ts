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
import type { WebSocket } from 'ws';
import { CloseCode, MessageType } from '../../src/lib/collab/protocol';
import type { CollabSettings } from '../../src/lib/server/config';
import type { Db } from '../../src/lib/server/db';
import { loadStoredState, UnreadableStorageError } from '../../src/lib/server/documents/journal';
import type { ConnectionContext } from './authenticate-upgrade';
import { Connection, encodeMessage, encodeSyncStep2, encodeUpdateMessage } from './connection';
import type { JournalWriter } from './journal-writer';
import { MessageReceiver } from './message-receiver';
import { Presence } from './presence';
import { RoomJournal, type PendingUpdate } from './room-journal';
import { SearchRefresh } from './search-refresh';

export type RoomOptions = Pick<
	CollabSettings,
	'compactEvery' | 'compactMinIntervalMs' | 'unloadDelayMs' | 'searchIndexDelayMs'
>;

/** What a room tells the server that holds it. */
export interface RoomHost {
	/** The room is gone (unloaded, failed, or never loaded): forget it. */
	unloaded(room: Room): void;
	/** Its stored state cannot be read: tell the administrator (the room is already gone). */
	unreadable(documentId: string, error: UnreadableStorageError): void;
}

export class Room {
	readonly doc = new Y.Doc({ gc: true });
	readonly awareness = new awarenessProtocol.Awareness(this.doc);
	readonly connections = new Set<Connection>();
	readonly journal: RoomJournal;
	readonly presence: Presence;
	readonly search: SearchRefresh;
	private readonly receiver: MessageReceiver;
	readonly loaded: Promise<void>;
	/** Set while unloading; a newcomer waits for it, then loads a fresh room. */
	unloading: Promise<void> | null = null;

	/** Stored state not yet applied to `doc`: sync replies can be computed from it directly. */
	private storedState: Uint8Array | null = null;
	private afterIntegrate: (() => void)[] = [];
	private unloadTimer: NodeJS.Timeout | null = null;
	private isDestroyed = false;

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
		this.receiver = new MessageReceiver(this, log);
		this.loaded = this.load();
	}

	get destroyed(): boolean {
		return this.isDestroyed;
	}

	private async load(): Promise<void> {
		const stored = await loadStoredState(this.db, this.documentId);
		// Integrating a long history into a Y.Doc takes time (≈100 ms for a 260k-edit paper);
		// the first clients are answered from the stored bytes meanwhile (see integrate()).
		this.storedState = stored.state;
		this.journal.resume(stored);
	}

	/**
	 * Applies the stored state to the live document (once), before anything reads or changes
	 * it. False when the room is gone: its storage could not be read, or it was destroyed.
	 */
	integrate(): boolean {
		if (!this.storedState) return !this.isDestroyed;
		const state = this.storedState;
		this.storedState = null;
		try {
			Y.applyUpdate(this.doc, state);
		} catch (error) {
			this.failUnreadable(new UnreadableStorageError(this.documentId, error));
			return false;
		}
		// Registered after the initial load, so loading never writes the stored state back.
		this.doc.on('update', this.journal.record);
		for (const callback of this.afterIntegrate.splice(0)) callback();
		this.journal.compactIfLong();
		return true;
	}

	/**
	 * The stored state cannot be read: this document alone fails. Its clients are told (a final
	 * close code, a French message in the editor), nothing is written back (no flush, no
	 * compaction: the stored bytes stay as they are for the repair), and the next open retries.
	 */
	failUnreadable(error: UnreadableStorageError): void {
		if (this.isDestroyed) return;
		this.log(`collab: ${error.message}`);
		this.closeWhere(() => true, CloseCode.documentUnreadable, 'document unreadable');
		this.destroy();
		this.host.unreadable(this.documentId, error);
	}

	/** A client's sync step 1 (what it has): the reply is what it lacks. */
	answerSyncStep1(connection: Connection, stateVector: Uint8Array): void {
		if (this.storedState) {
			// Not integrated yet, and nothing can be pending: answer from the stored bytes.
			const stored = this.storedState;
			const isEmpty = stateVector.length === 1 && stateVector[0] === 0;
			let reply: Uint8Array;
			try {
				reply = isEmpty ? stored : Y.diffUpdate(stored, stateVector);
			} catch (error) {
				// The stored bytes decoded at load, but a diff against this state vector fails.
				this.failUnreadable(new UnreadableStorageError(this.documentId, error));
				return;
			}
			connection.send(encodeSyncStep2(reply));
			// Integrate once the reply is on its way (the first edit would also trigger it).
			// integrate() catches its own failures: nothing thrown in a timer reaches the process.
			setImmediate(() => !this.isDestroyed && this.integrate());
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

		const sendStep1 = () =>
			connection.send(
				encodeMessage(MessageType.sync, (e) => syncProtocol.writeSyncStep1(e, this.doc))
			);
		if (this.storedState) {
			// Our own sync step 1 needs the integrated document; the client's sync does not wait
			// for it (it is answered from the stored bytes), so it goes out after integration.
			this.afterIntegrate.push(sendStep1);
			// Normally the client's sync step 1 (already on its way) triggers integration right
			// after its reply; this is the fallback for a client that stays silent.
			setTimeout(() => !this.isDestroyed && this.integrate(), 50).unref();
		} else {
			sendStep1();
		}
		if (this.awareness.getStates().size) connection.send(this.presence.everyone());
		return connection;
	}

	/**
	 * Whether someone else in the room speaks for Yjs client id `client` (its presence, or
	 * document structs it brought). The same person's other connection does not count: after a
	 * network drop the new socket may arrive before the old one is found dead.
	 */
	claimedByAnother(client: number, connection: Connection): boolean {
		for (const other of this.connections)
			if (
				other !== connection &&
				other.context.user.id !== connection.context.user.id &&
				(other.clientIds.has(client) || other.authorIds.has(client))
			)
				return true;
		return false;
	}

	private leave(connection: Connection): void {
		if (!this.connections.delete(connection)) return;
		this.presence.remove(connection);
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
		this.awareness.destroy();
		this.doc.destroy();
		this.host.unloaded(this);
	}
}
