// Presence must show who really is there, and carry nothing else: every awareness entry a client
// sends is rebuilt from the identity of its session plus the fields the editor sets, checked
// (src/lib/collab/presence-fields.ts); a client may only speak for its own Yjs client ids.
// Readers' presence goes through the same door.
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

export function presenceIdentity(user: SessionUser, canEdit: boolean): PresenceIdentity {
	return {
		id: user.id,
		name: user.displayName,
		organisation: user.organisationName,
		color: colorFor(user.id),
		canEdit
	};
}

/**
 * Re-encodes an awareness update: each state rebuilt as the server's identity (`user`) plus the
 * client's fields that pass `presenceFields` (unknown fields and fields of the wrong shape
 * dropped, the person stays present). Dropped whole: entries for client ids owned by another
 * connection or beyond 32 bits, states longer than PRESENCE_LIMITS.stateJson, states that are
 * neither an object nor null. Returns the client ids it kept (with their null/non-null state)
 * and the new update, or null if nothing is left. JSON that does not parse throws (a malformed
 * frame).
 */
export function stampAwarenessUpdate(
	update: Uint8Array,
	identity: PresenceIdentity,
	isForeignClient: (clientId: number) => boolean
): { update: Uint8Array; entries: { clientId: number; removed: boolean }[] } | null {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	const kept: { clientId: number; clock: number; json: string }[] = [];
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		const json = decoding.readVarString(decoder);
		if (!isPresenceClientId(clientId) || isForeignClient(clientId)) continue;
		if (json.length > PRESENCE_LIMITS.stateJson) continue;
		const state: unknown = JSON.parse(json);
		if (state === null) {
			kept.push({ clientId, clock, json: 'null' });
		} else if (isPlainObject(state)) {
			const stamped = { user: identity, ...presenceFields(state) };
			kept.push({ clientId, clock, json: JSON.stringify(stamped) });
		}
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
