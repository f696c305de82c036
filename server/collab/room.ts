// A loaded document and the connections editing it. Lifecycle: load → handle frames →
// persist (journal first, then broadcast) → compact → unload when idle.
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as authProtocol from 'y-protocols/auth';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import { CloseCode, MessageType } from '../../src/lib/collab/protocol';
import type { Db } from '../../src/lib/server/db';
import { journalEntry, loadStoredState, saveSnapshot, type JournalAppend, type JournalEntry } from '../../src/lib/server/documents/journal';
import { indexLoadedDocument } from '../../src/lib/server/search';
import type { ConnectionContext } from './authenticate-upgrade';
import type { JournalSource, JournalWriter } from './journal-writer';
import { presenceIdentity, stampAwarenessUpdate, type PresenceIdentity } from './awareness-stamp';

export interface RoomOptions {
	/** Journal rows after which the loaded document is compacted into a snapshot. */
	compactEvery: number;
	/** Minimum time between two compactions of a loaded document (it costs a full encode). */
	compactMinIntervalMs: number;
	/** How long an empty room stays loaded, in case someone comes back. */
	unloadDelayMs: number;
	/** Quiet time after the last stored update before the search index is refreshed. */
	searchIndexDelayMs: number;
}

export interface Connection {
	ws: WebSocket;
	context: ConnectionContext;
	identity: PresenceIdentity;
	/** Yjs client ids whose presence this connection speaks for. */
	clientIds: Set<number>;
	/** Answered the last ping (dead peers are terminated at the next one). */
	alive: boolean;
	nextPingAt: number;
}

interface PendingUpdate {
	userId: string | null;
	data: Uint8Array;
	origin: Connection | null;
}

/** Transaction origin for updates applied on behalf of a connection. */
const ORIGIN = Symbol('connection');
type Origin = { [ORIGIN]: Connection };

export class Room implements JournalSource {
	readonly doc = new Y.Doc({ gc: true });
	readonly awareness = new awarenessProtocol.Awareness(this.doc);
	readonly connections = new Set<Connection>();
	readonly loaded: Promise<void>;
	/** Set while unloading; a newcomer waits for it, then loads a fresh room. */
	unloading: Promise<void> | null = null;

	/** Highest journal sequence number handed to the writer, and highest one known stored. */
	private lastSeq = 0;
	private storedSeq = 0;
	private updatesSinceSnapshot = 0;
	private lastCompactionAt = 0;
	/** Applied to `doc`, not yet handed to the writer. */
	private pending: PendingUpdate[] = [];
	/** Handed to the writer, not yet stored (so not yet broadcast). */
	private inFlight: PendingUpdate[] | null = null;
	/** Journal rows the batch in flight takes (consecutive updates of one author share a row). */
	private inFlightRows = 0;
	private afterFlush: (() => void)[] = [];
	private unloadTimer: NodeJS.Timeout | null = null;
	private indexTimer: NodeJS.Timeout | null = null;
	private indexStale = false;
	private failed = false;
	private destroyed = false;

	constructor(
		readonly documentId: string,
		private readonly db: Db,
		private readonly writer: JournalWriter,
		private readonly options: RoomOptions,
		private readonly onUnloaded: (room: Room) => void,
		private readonly log: (message: string) => void
	) {
		this.awareness.setLocalState(null); // the server itself is not a participant
		this.loaded = this.load();
	}

	private async load(): Promise<void> {
		const stored = await loadStoredState(this.db, this.documentId);
		// Integrating a long history into a Y.Doc takes time (≈100 ms for a 260k-edit paper);
		// the first clients are answered from the stored bytes meanwhile (see integrate()).
		this.storedState = stored.state;
		this.lastSeq = this.storedSeq = stored.lastSeq;
		this.updatesSinceSnapshot = stored.updatesSinceSnapshot;
		this.awareness.on('update', ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
			const connection = (origin as Origin | null)?.[ORIGIN];
			if (connection) {
				for (const id of added) connection.clientIds.add(id);
				for (const id of removed) connection.clientIds.delete(id);
			}
			for (const id of [...added, ...updated, ...removed]) this.awarenessChanged.add(id);
			this.scheduleAwarenessBroadcast();
		});
	}

	/** Client ids whose presence changed since the last awareness broadcast. */
	private awarenessChanged = new Set<number>();
	private awarenessScheduled = false;

	/**
	 * Presence changes are sent once per event-loop turn, all of the room's in one frame.
	 * Clients renew their presence every 15 s, and clients that connected together renew
	 * together: ten renewals in a room were ten frames to each of its ten members, a burst that
	 * delayed the typing around it. Merged, each member gets one frame.
	 */
	private scheduleAwarenessBroadcast(): void {
		if (this.awarenessScheduled) return;
		this.awarenessScheduled = true;
		setImmediate(() => {
			this.awarenessScheduled = false;
			if (this.destroyed || this.awarenessChanged.size === 0) return;
			const changed = [...this.awarenessChanged];
			this.awarenessChanged.clear();
			this.broadcast(encodeMessage(MessageType.awareness, (e) => encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))), null);
		});
	}

	/** Stored state not yet applied to `doc`: sync replies can be computed from it directly. */
	private storedState: Uint8Array | null = null;
	private afterIntegrate: (() => void)[] = [];

	/** Applies the stored state to the live document (once), before anything reads or changes it. */
	private integrate(): void {
		if (!this.storedState) return;
		const state = this.storedState;
		this.storedState = null;
		Y.applyUpdate(this.doc, state);
		// Registered after the initial load, so loading never writes the stored state back.
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			const connection = (origin as Origin | null)?.[ORIGIN] ?? null;
			this.pending.push({ userId: connection?.context.user.id ?? null, data: update, origin: connection });
			this.writer.request(this);
		});
		for (const callback of this.afterIntegrate.splice(0)) callback();
		if (this.updatesSinceSnapshot >= this.options.compactEvery) void this.compact().catch(() => {});
	}

	// ---- connections ------------------------------------------------------------------

	join(ws: WebSocket, context: ConnectionContext, nextPingAt: number): Connection {
		this.cancelUnload();
		const connection: Connection = { ws, context, identity: presenceIdentity(context.user, context.canEdit), clientIds: new Set(), alive: true, nextPingAt };
		this.connections.add(connection);
		ws.on('message', (data: Buffer, isBinary: boolean) => this.receive(connection, data, isBinary));
		ws.on('close', () => this.leave(connection));
		ws.on('pong', () => (connection.alive = true));
		ws.on('error', () => ws.terminate());

		const sendStep1 = () => this.send(connection, encodeMessage(MessageType.sync, (e) => syncProtocol.writeSyncStep1(e, this.doc)));
		if (this.storedState) {
			// Our own sync step 1 needs the integrated document; the client's sync does not wait
			// for it (it is answered from the stored bytes), so it goes out after integration.
			this.afterIntegrate.push(sendStep1);
			// Normally the client's sync step 1 (already on its way) triggers integration right
			// after its reply; this is the fallback for a client that stays silent.
			setTimeout(() => !this.destroyed && this.integrate(), 50).unref();
		} else {
			sendStep1();
		}
		const present = [...this.awareness.getStates().keys()];
		if (present.length) {
			this.send(connection, encodeMessage(MessageType.awareness, (e) => encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, present))));
		}
		return connection;
	}

	private leave(connection: Connection): void {
		if (!this.connections.delete(connection)) return;
		if (connection.clientIds.size) awarenessProtocol.removeAwarenessStates(this.awareness, [...connection.clientIds], null);
		if (this.connections.size === 0) this.scheduleUnload();
	}

	/** Closes connections matching `predicate` with `code`; returns how many. */
	closeWhere(predicate: (c: Connection) => boolean, code: number, reason: string): number {
		let count = 0;
		for (const connection of [...this.connections]) {
			if (!predicate(connection)) continue;
			count++;
			connection.ws.close(code, reason);
			// Stop listening now: a closing socket may still deliver frames sent on stale rights.
			connection.ws.removeAllListeners('message');
			this.leave(connection);
		}
		return count;
	}

	// ---- frames -----------------------------------------------------------------------

	private receive(connection: Connection, data: Buffer, isBinary: boolean): void {
		if (this.failed) return;
		try {
			if (!isBinary) throw new Error('text frame');
			const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
			const type = decoding.readVarUint(decoder);
			switch (type) {
				case MessageType.sync:
					this.receiveSync(connection, decoder);
					break;
				case MessageType.awareness:
					this.receiveAwareness(connection, decoding.readVarUint8Array(decoder));
					break;
				case MessageType.queryAwareness:
					this.send(connection, encodeMessage(MessageType.awareness, (e) => encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()]))));
					break;
				case MessageType.auth:
					break; // clients have nothing to say here
				default:
					throw new Error(`unknown message type ${type}`);
			}
		} catch (error) {
			// One bad frame closes its own connection, never the process or the room.
			this.log(`collab: malformed frame on ${this.documentId} from ${connection.context.user.id}: ${(error as Error).message}`);
			this.closeWhere((c) => c === connection, CloseCode.malformedMessage, 'malformed message');
		}
	}

	private receiveSync(connection: Connection, decoder: decoding.Decoder): void {
		const syncType = decoding.readVarUint(decoder);
		if (syncType === syncProtocol.messageYjsSyncStep1) {
			const stateVector = decoding.readVarUint8Array(decoder);
			if (this.storedState) {
				// Not integrated yet, and nothing can be pending: answer from the stored bytes.
				const stored = this.storedState;
				const isEmpty = stateVector.length === 1 && stateVector[0] === 0;
				const update = isEmpty ? stored : Y.diffUpdate(stored, stateVector);
				this.send(connection, encodeMessage(MessageType.sync, (e) => {
					encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
					encoding.writeVarUint8Array(e, update);
				}));
				// Integrate once the reply is on its way (the first edit would also trigger it).
				setImmediate(() => !this.destroyed && this.integrate());
				return;
			}
			// Answer only once everything already applied is stored: the reply must not
			// hand out text a crash could still lose.
			this.whenFlushed(() => this.send(connection, encodeMessage(MessageType.sync, (e) => syncProtocol.writeSyncStep2(e, this.doc, stateVector))));
			return;
		}
		this.integrate();
		if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate) throw new Error(`unknown sync message ${syncType}`);
		const update = decoding.readVarUint8Array(decoder);
		if (!connection.context.canEdit) {
			// A reader's client answers our sync step 1 with what it holds (at least the delete
			// set): that is not an edit. Only content the server lacks is refused.
			if (bringsSomethingNew(this.doc, update)) this.refuse(connection, 'read-only');
			return;
		}
		Y.applyUpdate(this.doc, update, { [ORIGIN]: connection } satisfies Origin);
	}

	private receiveAwareness(connection: Connection, update: Uint8Array): void {
		const stamped = stampAwarenessUpdate(update, connection.identity, (clientId) => this.isOwnedByAnother(clientId, connection));
		if (!stamped) return;
		for (const entry of stamped.entries) if (!entry.removed) connection.clientIds.add(entry.clientId);
		awarenessProtocol.applyAwarenessUpdate(this.awareness, stamped.update, { [ORIGIN]: connection } satisfies Origin);
	}

	private isOwnedByAnother(clientId: number, connection: Connection): boolean {
		for (const other of this.connections) if (other !== connection && other.clientIds.has(clientId)) return true;
		return false;
	}

	private refuse(connection: Connection, reason: string): void {
		this.send(connection, encodeMessage(MessageType.auth, (e) => authProtocol.writePermissionDenied(e, reason)));
	}

	// ---- persistence: journal first, then broadcast --------------------------------------

	takeBatch(): JournalAppend | null {
		if (this.pending.length === 0 || this.failed || this.inFlight) return null;
		const batch = (this.inFlight = this.pending);
		this.pending = [];
		// One journal row per run of consecutive updates by the same author (journalEntry).
		const entries: JournalEntry[] = [];
		for (let start = 0; start < batch.length; ) {
			let end = start + 1;
			while (end < batch.length && batch[end].userId === batch[start].userId) end++;
			entries.push(journalEntry(batch[start].userId, batch.slice(start, end).map((item) => item.data)));
			start = end;
		}
		this.inFlightRows = entries.length;
		const afterSeq = this.lastSeq;
		this.lastSeq += entries.length;
		return { documentId: this.documentId, afterSeq, entries };
	}

	stored(): void {
		const batch = this.inFlight;
		if (!batch || this.failed) return;
		this.inFlight = null;
		this.storedSeq += this.inFlightRows;
		this.updatesSinceSnapshot += batch.length;
		this.broadcastBatch(batch);
		this.scheduleIndex();
		if (this.pending.length) {
			this.writer.request(this);
			return;
		}
		for (const callback of this.afterFlush.splice(0)) callback();
		if (this.updatesSinceSnapshot >= this.options.compactEvery && Date.now() - this.lastCompactionAt >= this.options.compactMinIntervalMs) {
			this.compact().catch((error: Error) => this.log(`collab: compaction of ${this.documentId} failed: ${error.message}`));
		}
	}

	storageFailed(error: Error): void {
		this.fail(error);
	}

	/** Resolves once every update applied so far is stored (or the room has failed). */
	flush(): Promise<void> {
		return new Promise((resolve) => this.whenFlushed(resolve));
	}

	private whenFlushed(callback: () => void): void {
		if (this.failed || (this.pending.length === 0 && !this.inFlight)) callback();
		else this.afterFlush.push(callback);
	}

	/**
	 * One frame per update, never merged: Y.mergeUpdates costs more than the extra frames (it
	 * dominated the server's CPU profile under the trace replay). Sockets are corked so a batch
	 * of several updates leaves in as few writes as possible (a single frame is already written
	 * in one go by ws).
	 */
	private broadcastBatch(batch: PendingUpdate[]): void {
		const corked = batch.length > 1;
		if (corked) for (const connection of this.connections) cork(connection);
		for (const item of batch) {
			const message = encodeMessage(MessageType.sync, (e) => syncProtocol.writeUpdate(e, item.data));
			this.broadcast(message, item.origin);
		}
		if (corked) for (const connection of this.connections) uncork(connection);
	}

	private broadcast(message: Uint8Array, except: Connection | null): void {
		for (const connection of this.connections) if (connection !== except) this.send(connection, message);
	}

	private send(connection: Connection, message: Uint8Array): void {
		// No per-send callback: a failed write errors the socket, ws closes it and 'close' makes
		// the connection leave (a callback per frame was measurable work under fan-out).
		if (connection.ws.readyState === connection.ws.OPEN) connection.ws.send(message);
	}

	/** The database refused a write: drop the room so that clients re-sync and re-send. */
	private fail(error: Error): void {
		if (this.failed) return;
		this.failed = true;
		this.log(`collab: could not store update of ${this.documentId}: ${error.message}`);
		this.closeWhere(() => true, CloseCode.storageFailure, 'storage failure');
		// Nothing will be stored any more: whoever waits for a flush stops waiting.
		for (const callback of this.afterFlush.splice(0)) callback();
		this.destroy();
	}

	private compacting: Promise<void> | null = null;

	/** Stores the live state as the document's snapshot. One at a time. */
	async compact(): Promise<void> {
		while (this.compacting) await this.compacting;
		if (this.updatesSinceSnapshot === 0 || this.failed) return;
		this.compacting = (async () => {
			this.integrate();
			// Encoded synchronously: the state covers at least every stored row up to `uptoSeq`
			// (and maybe updates still in flight: replaying those rows later changes nothing).
			const uptoSeq = this.storedSeq;
			const updates = this.updatesSinceSnapshot;
			const state = Y.encodeStateAsUpdate(this.doc);
			this.lastCompactionAt = Date.now();
			await saveSnapshot(this.db, this.documentId, uptoSeq, state);
			this.updatesSinceSnapshot -= updates;
		})();
		try {
			await this.compacting;
		} finally {
			this.compacting = null;
		}
	}

	// ---- search index: refreshed from the live document after a quiet moment -------------

	private lastStoredAt = 0;

	/** Reindexes once nothing was stored for `searchIndexDelayMs` (one timer, not one per update). */
	private scheduleIndex(): void {
		this.indexStale = true;
		this.lastStoredAt = Date.now();
		if (this.indexTimer) return;
		const wait = (ms: number) => {
			this.indexTimer = setTimeout(() => {
				const quietFor = Date.now() - this.lastStoredAt;
				if (quietFor < this.options.searchIndexDelayMs) return wait(this.options.searchIndexDelayMs - quietFor);
				this.indexTimer = null;
				void this.reindex();
			}, ms);
			this.indexTimer.unref();
		};
		wait(this.options.searchIndexDelayMs);
	}

	private async reindex(): Promise<void> {
		if (!this.indexStale || this.destroyed) return;
		this.indexStale = false;
		try {
			await indexLoadedDocument(this.db, this.documentId, this.doc);
		} catch (error) {
			this.indexStale = true;
			this.log(`collab: search index of ${this.documentId} failed: ${(error as Error).message}`);
		}
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
				await this.flush();
				await this.compact();
				await this.reindex();
			} catch (error) {
				this.log(`collab: compaction of ${this.documentId} failed: ${(error as Error).message}`);
			} finally {
				this.destroy();
			}
		})();
		return this.unloading;
	}

	private destroy(): void {
		if (this.destroyed) return;
		this.destroyed = true;
		this.cancelUnload();
		if (this.indexTimer) clearTimeout(this.indexTimer);
		this.awareness.destroy();
		this.doc.destroy();
		this.onUnloaded(this);
	}
}

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

function encodeMessage(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, type);
	write(encoder);
	return encoding.toUint8Array(encoder);
}

/** The raw socket under a ws connection, to batch writes (ws has no cork of its own). */
function cork(connection: Connection): void {
	(connection.ws as unknown as { _socket?: { cork(): void } })._socket?.cork();
}
function uncork(connection: Connection): void {
	(connection.ws as unknown as { _socket?: { uncork(): void } })._socket?.uncork();
}

/** Whether applying `update` would change `doc`: new items, or deletions the doc lacks. */
export function bringsSomethingNew(doc: Y.Doc, update: Uint8Array): boolean {
	const { structs, ds } = Y.decodeUpdate(update);
	const stateVector = Y.decodeStateVector(Y.encodeStateVector(doc));
	for (const struct of structs) {
		if (struct instanceof Y.Skip) continue;
		if (struct.id.clock + struct.length > (stateVector.get(struct.id.client) ?? 0)) return true;
	}
	if (ds.clients.size === 0) return false;
	const known = Y.createDeleteSetFromStructStore(doc.store);
	for (const [client, ranges] of ds.clients) {
		const knownRanges = known.clients.get(client) ?? [];
		for (const range of ranges) {
			const covering = knownRanges.find((k) => k.clock <= range.clock && range.clock + range.len <= k.clock + k.len);
			if (!covering) return true;
		}
	}
	return false;
}
