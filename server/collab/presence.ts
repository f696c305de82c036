// Who is in a room: awareness entries rebuilt from each session's identity and the checked fields
// the editor sets, readers' included (awareness-stamp.ts, src/lib/collab/presence-fields.ts), and
// the room's presence changes sent once per event-loop turn.
import * as awarenessProtocol from 'y-protocols/awareness';
import { stampAwarenessUpdate } from './awareness-stamp';
import { Connection, encodeAwarenessMessage } from './connection';
import type { Room } from './room';

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

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

	receive(connection: Connection, update: Uint8Array): void {
		const stamped = stampAwarenessUpdate(update, connection.identity, (clientId) =>
			this.isOwnedByAnother(clientId, connection)
		);
		if (!stamped) return;
		for (const entry of stamped.entries)
			if (!entry.removed) connection.clientIds.add(entry.clientId);
		awarenessProtocol.applyAwarenessUpdate(this.room.awareness, stamped.update, connection);
	}

	/** A connection left: the presence it spoke for goes with it. */
	remove(connection: Connection): void {
		if (connection.clientIds.size)
			awarenessProtocol.removeAwarenessStates(this.room.awareness, [...connection.clientIds], null);
	}

	private isOwnedByAnother(clientId: number, connection: Connection): boolean {
		for (const other of this.room.connections)
			if (other !== connection && other.clientIds.has(clientId)) return true;
		return false;
	}

	private readonly onUpdate = (
		{ added, updated, removed }: AwarenessChange,
		origin: unknown
	): void => {
		if (origin instanceof Connection) {
			for (const id of added) origin.clientIds.add(id);
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
