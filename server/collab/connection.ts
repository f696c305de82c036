// One participant's socket in a room, and the frames the server writes.
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { WebSocket } from 'ws';
import { MessageType } from '../../src/lib/collab/protocol';
import type { ConnectionContext } from './authenticate-upgrade';
import { presenceIdentity, type PresenceIdentity } from './awareness-stamp';

/**
 * Also the Yjs transaction origin of whatever it applies (updates, presence), so the room's
 * listeners know who changed what without a wrapper object per frame.
 */
export class Connection {
	readonly identity: PresenceIdentity;
	/** Yjs client ids whose presence this connection speaks for. */
	readonly clientIds = new Set<number>();
	/** Yjs client ids this connection brought new document structs of. */
	readonly authorIds = new Set<number>();
	/** Answered the last ping (dead peers are terminated at the next one). */
	alive = true;

	constructor(
		readonly ws: WebSocket,
		readonly context: ConnectionContext,
		public nextPingAt: number
	) {
		this.identity = presenceIdentity(context.user, context.canEdit);
	}

	send(message: Uint8Array): void {
		// No per-send callback: a failed write errors the socket, ws closes it and 'close' makes
		// the connection leave (a callback per frame was measurable work under fan-out).
		if (this.ws.readyState === this.ws.OPEN) this.ws.send(message);
	}

	/** Holds writes on the raw socket under ws (which has no cork of its own) until uncork. */
	cork(): void {
		(this.ws as unknown as RawSocketHolder)._socket?.cork();
	}

	uncork(): void {
		(this.ws as unknown as RawSocketHolder)._socket?.uncork();
	}
}

type RawSocketHolder = { _socket?: { cork(): void; uncork(): void } };

export function encodeMessage(
	type: number,
	write: (encoder: encoding.Encoder) => void
): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, type);
	write(encoder);
	return encoding.toUint8Array(encoder);
}

/** A sync update frame. Written without a callback: it is built once per broadcast update. */
export function encodeUpdateMessage(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.sync);
	syncProtocol.writeUpdate(encoder, update);
	return encoding.toUint8Array(encoder);
}

export function encodeAwarenessMessage(
	awareness: awarenessProtocol.Awareness,
	clients: number[]
): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.awareness);
	encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
	return encoding.toUint8Array(encoder);
}
