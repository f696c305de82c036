// Presence must show who really is there: every awareness entry a client sends is rewritten
// with the identity from its session, and a client may only speak for its own Yjs client ids.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { colorFor } from '../../src/lib/collab/colors';
import type { PresenceUser as PresenceIdentity } from '../../src/lib/collab/protocol';
export type { PresenceIdentity };

/** Largest JSON state accepted for one awareness entry (cursor, selection, user): generous. */
const MAX_STATE_JSON = 16 * 1024;

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
 * Re-encodes an awareness update: `user` replaced by the server's identity, entries for
 * client ids owned by another connection dropped. Returns the client ids it kept (with their
 * null/non-null state) and the new update, or null if nothing is left.
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
		if (isForeignClient(clientId) || json.length > MAX_STATE_JSON) continue;
		const state = JSON.parse(json);
		if (state === null) {
			kept.push({ clientId, clock, json: 'null' });
		} else if (typeof state === 'object' && !Array.isArray(state)) {
			kept.push({ clientId, clock, json: JSON.stringify({ ...state, user: identity }) });
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
