// A frame from a client, decoded and dispatched to its room. Readers receive everything but
// change nothing: their edits are refused on the wire, never applied.
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as authProtocol from 'y-protocols/auth';
import * as decoding from 'lib0/decoding';
import { CloseCode, MessageType } from '../../src/lib/collab/protocol';
import { encodeMessage, type Connection } from './connection';
import type { Room } from './room';
import { judgeUpdate } from '../../src/lib/server/documents/update-check';

export class MessageReceiver {
	constructor(
		private readonly room: Room,
		private readonly log: (message: string) => void
	) {}

	receive(connection: Connection, data: Buffer, isBinary: boolean): void {
		if (this.room.journal.failed || this.room.destroyed) return;
		try {
			if (!isBinary) throw new Error('text frame');
			const decoder = decoding.createDecoder(
				new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
			);
			const type = decoding.readVarUint(decoder);
			switch (type) {
				case MessageType.sync:
					this.receiveSync(connection, decoder);
					break;
				case MessageType.awareness:
					this.room.presence.receive(connection, readPayload(decoder));
					break;
				case MessageType.queryAwareness:
					connection.send(this.room.presence.everyone());
					break;
				case MessageType.auth:
					break; // clients have nothing to say here
				default:
					throw new Error(`unknown message type ${type}`);
			}
		} catch (error) {
			// One bad frame closes its own connection, never the process or the room.
			this.log(
				`collab: malformed frame on ${this.room.documentId} from ${connection.context.user.id}: ${(error as Error).message}`
			);
			this.room.disconnect(connection, CloseCode.malformedMessage, 'malformed message');
		}
	}

	private receiveSync(connection: Connection, decoder: decoding.Decoder): void {
		const syncType = decoding.readVarUint(decoder);
		if (syncType === syncProtocol.messageYjsSyncStep1) {
			const stateVector = readPayload(decoder);
			// Decoded now: a bad one is this frame's fault (4400), not the stored document's, and
			// must not throw later in a deferred reply that other clients' replies wait with.
			Y.decodeStateVector(stateVector);
			this.room.answerSyncStep1(connection, stateVector);
			return;
		}
		if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate)
			throw new Error(`unknown sync message ${syncType}`);
		const update = readPayload(decoder);
		if (!connection.context.canEdit) {
			// A reader's client answers our sync step 1 with what it holds (at least the delete
			// set): that is not an edit. Only content the server lacks is refused.
			if (bringsSomethingNew(this.room.doc, update)) {
				connection.send(
					encodeMessage(MessageType.auth, (e) => authProtocol.writePermissionDenied(e, 'read-only'))
				);
			}
			return;
		}
		// Within the editor's schema and complete, or not applied at all (update-check.ts). The
		// client is told as a reader would be: it keeps its refused text aside and resyncs.
		const { refusal, authors } = judgeUpdate(this.room.doc, update, (client) =>
			this.room.claimedByAnother(client, connection)
		);
		if (refusal) {
			this.log(
				`collab: update refused on ${this.room.documentId} from ${connection.context.user.id}: ${refusal}`
			);
			connection.send(
				encodeMessage(MessageType.auth, (e) =>
					authProtocol.writePermissionDenied(e, 'invalid-content')
				)
			);
			return;
		}
		try {
			Y.applyUpdate(this.room.doc, update, connection);
		} catch (error) {
			this.room.resetAfterFailedApply(connection, error as Error);
			return;
		}
		const store = this.room.doc.store;
		if (store.pendingStructs || store.pendingDs) {
			// Dependencies that only exist in a cycle between the update's own clients: Yjs keeps
			// the structs waiting for ever, and stored, they would make the document unreadable.
			this.room.resetAfterFailedApply(connection, new Error('structs left pending'));
			return;
		}
		for (const client of authors) this.room.claimClientId(client, connection);
	}
}

/**
 * Whether `update` holds anything `doc` lacks: structs beyond its state, or deletions it has
 * not made. Yjs' own rule; the one difference with a check that skips Skip structs is a Skip
 * that no struct follows, which no Yjs encoder writes (tests/unit/reader-sync-check.test.ts).
 */
export function bringsSomethingNew(doc: Y.Doc, update: Uint8Array): boolean {
	return !Y.snapshotContainsUpdate(Y.snapshot(doc), update);
}

/**
 * lib0's readVarUint8Array trusts the announced length: the view it returns may run past the
 * frame into the rest of the buffer ws received it in. A length beyond the frame is malformed.
 */
function readPayload(decoder: decoding.Decoder): Uint8Array {
	const length = decoding.readVarUint(decoder);
	if (length > decoder.arr.length - decoder.pos) throw new Error('length beyond the frame');
	return decoding.readUint8Array(decoder, length);
}
