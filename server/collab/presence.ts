// Who is in a room: awareness entries rebuilt from each session's identity and the checked fields
// the editor sets, readers' included (awareness-stamp.ts, src/lib/collab/presence-fields.ts), a
// few Yjs client ids per connection, and the room's presence changes sent once per event-loop turn.
import * as awarenessProtocol from 'y-protocols/awareness';
import { AWARENESS_LIMITS, stampAwarenessUpdate } from './awareness-stamp';
import { Connection, encodeAwarenessMessage } from './connection';
import type { Room } from './room';

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

/**
 * Every Yjs client id a connection has spoken for (a state of it applied), removed ones
 * included: at most AWARENESS_LIMITS.clientIdsPerConnection. `connection.clientIds` holds those
 * it speaks for now.
 */
const spokenFor = new WeakMap<Connection, Set<number>>();

function spokenBy(connection: Connection): Set<number> {
	let ids = spokenFor.get(connection);
	if (!ids) spokenFor.set(connection, (ids = new Set()));
	return ids;
}

export class Presence {
	/** Client ids whose presence changed since the last broadcast. */
	private readonly changed = new Set<number>();
	private scheduled = false;

	constructor(
		private readonly room: Pick<Room, 'awareness' | 'connections' | 'destroyed' | 'broadcast'>
	) {
		room.awareness.on('update', this.onUpdate);
	}

	/** Everyone's presence in one frame, for a newcomer or a client that asks. */
	everyone(): Uint8Array {
		return encodeAwarenessMessage(this.room.awareness, [...this.room.awareness.getStates().keys()]);
	}

	/**
	 * A connection's awareness update, stamped (awareness-stamp.ts). A state is taken for a client
	 * id nobody else speaks for, within the connection's few ids (a flood of new ids would reach
	 * every peer, stamped with the sender's name); a removal only for an id it speaks for (any
	 * other changes nothing anyone sees, and Yjs would remember the id). The rest is dropped,
	 * the socket stays open: y-websocket echoes everyone's entries back.
	 */
	receive(connection: Connection, update: Uint8Array): void {
		const spoken = spokenBy(connection);
		const fresh = new Set<number>(); // ids this frame may take, beyond those already spoken for
		const stamped = stampAwarenessUpdate(update, connection.identity, (clientId, removed) => {
			if (removed) return !connection.clientIds.has(clientId);
			if (this.isOwnedByAnother(clientId, connection)) return true;
			if (spoken.has(clientId) || fresh.has(clientId)) return false;
			if (spoken.size + fresh.size >= AWARENESS_LIMITS.clientIdsPerConnection) return true;
			fresh.add(clientId);
			return false;
		});
		if (!stamped) return;
		// Ids are taken as their states are applied (onUpdate): a state Yjs ignores (an older
		// clock, an echo of someone who just left) takes nothing.
		awarenessProtocol.applyAwarenessUpdate(this.room.awareness, stamped.update, connection);
		// A removal of a state already gone (timed out here) ends the connection's hold all the same.
		const states = this.room.awareness.getStates();
		for (const { clientId, removed } of stamped.entries)
			if (removed && !states.has(clientId)) connection.clientIds.delete(clientId);
	}

	/** A connection left: the presence it spoke for goes with it. */
	remove(connection: Connection): void {
		if (connection.clientIds.size)
			awarenessProtocol.removeAwarenessStates(this.room.awareness, [...connection.clientIds], null);
	}

	private isOwnedByAnother(clientId: number, connection: Connection): boolean {
		if (clientId === this.room.awareness.clientID) return true; // the server's own
		for (const other of this.room.connections)
			if (other !== connection && other.clientIds.has(clientId)) return true;
		return false;
	}

	private readonly onUpdate = (
		{ added, updated, removed }: AwarenessChange,
		origin: unknown
	): void => {
		if (origin instanceof Connection) {
			// Only receive() applies with a connection as origin: these ids passed its limits.
			const spoken = spokenBy(origin);
			for (const id of [...added, ...updated]) {
				origin.clientIds.add(id);
				spoken.add(id);
			}
			for (const id of removed) origin.clientIds.delete(id);
		}
		for (const id of added) this.changed.add(id);
		for (const id of updated) this.changed.add(id);
		for (const id of removed) this.changed.add(id);
		this.schedule();
	};

	/**
	 * Presence changes are sent once per event-loop turn, all of the room's in one frame.
	 * Clients renew their presence every 15 s, and clients that connected together renew
	 * together: ten renewals in a room were ten frames to each of its ten members, a burst that
	 * delayed the typing around it. Merged, each member gets one frame.
	 */
	private schedule(): void {
		if (this.scheduled) return;
		this.scheduled = true;
		setImmediate(() => {
			this.scheduled = false;
			if (this.room.destroyed || this.changed.size === 0) return;
			const changed = [...this.changed];
			this.changed.clear();
			this.room.broadcast(encodeAwarenessMessage(this.room.awareness, changed), null);
		});
	}
}
