// Presence must show who really is there, and carry nothing else: every awareness entry a client
// sends is rebuilt from the identity of its session plus the fields the editor sets, checked
// (src/lib/collab/presence-fields.ts); a client may only speak for its own Yjs client ids, and
// for a few of them (presence.ts). Readers' presence goes through the same door.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { colorFor } from '../../src/lib/collab/colors';
import type { PresenceUser as PresenceIdentity } from '../../src/lib/collab/protocol';
import {
	PRESENCE_LIMITS,
	isPlainObject,
	isPresenceClientId,
	presenceFields
} from '../../src/lib/collab/presence-fields';
export type { PresenceIdentity };

export const AWARENESS_LIMITS = {
	/**
	 * Entries read from one awareness frame; the rest is not even decoded. An editor tab sends
	 * its own entry alone. y-websocket also echoes back every entry the server relays to it
	 * (other people's, dropped as theirs), which is all a frame longer than this ever held.
	 */
	entriesPerFrame: 8,
	/**
	 * Yjs client ids one connection may speak for in its lifetime, removed ones included (Yjs'
	 * awareness never forgets an id, here or at any peer). A tab has one Y.Doc per socket; a
	 * "keep aside" reset makes a new Y.Doc and a new socket.
	 */
	clientIdsPerConnection: 4
} as const;

export function presenceIdentity(user: SessionUser, canEdit: boolean): PresenceIdentity {
	return {
		id: user.id,
		name: user.displayName,
		organisation: user.organisationName,
		color: colorFor(user.id),
		canEdit
	};
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A length-prefixed byte string, never read beyond the update (lib0 would read on). */
function readBytes(decoder: decoding.Decoder): Uint8Array {
	const length = decoding.readVarUint(decoder);
	if (length > decoder.arr.length - decoder.pos)
		throw new Error('awareness state beyond the frame');
	return decoding.readUint8Array(decoder, length);
}

/**
 * Re-encodes an awareness update: each state rebuilt as the server's identity (`user`) plus the
 * client's fields that pass `presenceFields` (unknown fields and fields of the wrong shape
 * dropped, the person stays present). Only the first AWARENESS_LIMITS.entriesPerFrame entries
 * are read; the others are neither decoded nor applied. Dropped whole: entries for client ids
 * beyond 32 bits, clocks that are not safe integers (above 2^53 a clock no longer counts),
 * states longer than PRESENCE_LIMITS.stateJson, states that are neither an object nor null,
 * and entries `refuses` refuses (another connection's client id, one too many, a removal of a
 * state the connection does not hold). Returns the client ids it kept (with their null/non-null
 * state) and the new update, or null if nothing is left. JSON that does not parse, or a length
 * beyond the update, throws (a malformed frame).
 */
export function stampAwarenessUpdate(
	update: Uint8Array,
	identity: PresenceIdentity,
	refuses: (clientId: number, removed: boolean) => boolean
): { update: Uint8Array; entries: { clientId: number; removed: boolean }[] } | null {
	const decoder = decoding.createDecoder(update);
	const count = Math.min(decoding.readVarUint(decoder), AWARENESS_LIMITS.entriesPerFrame);
	const kept: { clientId: number; clock: number; json: string }[] = [];
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		const bytes = readBytes(decoder);
		if (!isPresenceClientId(clientId) || !Number.isSafeInteger(clock)) continue;
		// A UTF-16 code unit takes at most 3 bytes of UTF-8: longer is too long, undecoded.
		if (bytes.length > 3 * PRESENCE_LIMITS.stateJson) continue;
		const json = utf8.decode(bytes);
		if (json.length > PRESENCE_LIMITS.stateJson) continue;
		const state: unknown = JSON.parse(json);
		if (state !== null && !isPlainObject(state)) continue;
		if (refuses(clientId, state === null)) continue;
		kept.push({
			clientId,
			clock,
			json: state === null ? 'null' : JSON.stringify({ user: identity, ...presenceFields(state) })
		});
	}
	if (kept.length === 0) return null;
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, kept.length);
	for (const entry of kept) {
		encoding.writeVarUint(encoder, entry.clientId);
		encoding.writeVarUint(encoder, entry.clock);
		encoding.writeVarString(encoder, entry.json);
	}
	return {
		update: encoding.toUint8Array(encoder),
		entries: kept.map((e) => ({ clientId: e.clientId, removed: e.json === 'null' }))
	};
}
