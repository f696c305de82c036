// What a presence (awareness) state may hold: the fields the editor sets, in the shapes it sets
// them, nothing else. The collaboration server relays only these (server/collab/awareness-stamp.ts)
// and the editor draws only these from a peer (src/lib/editor/presence.ts), so that one client's
// malformed state can neither reach the others nor break their editor.
//
//   user    who: the identity the server stamps from the session (PresenceUser), never the
//           client's own claim
//   cursor  null, or { anchor, head }: two Yjs relative positions in the document fragment, as
//           y-prosemirror's caret plugin (Tiptap CollaborationCaret) sets them
//   typing  boolean, true while the person types
//
// Shared by the server and the browser: keep it free of Node and DOM APIs.
import { DOCUMENT_FRAGMENT } from '../documents/schema';
import type { PresenceUser } from './protocol';

export const PRESENCE_LIMITS = {
	/**
	 * Longest JSON text of one incoming state, in characters. The editor's is a few hundred (two
	 * relative positions, a flag, its own name and colour, which the server replaces anyway).
	 */
	stateJson: 4096,
	/** Yjs client ids are random unsigned 32-bit integers. */
	clientId: 0xffff_ffff,
	/** Yjs clocks: non-negative integers, exact in a double. */
	clock: Number.MAX_SAFE_INTEGER,
	/** Longest user id, name or organisation accepted from the server's stamp. */
	text: 1000
} as const;

/** A Yjs item id (`Y.ID`) in JSON. */
export interface PresenceId {
	client: number;
	clock: number;
}

/** A `Y.RelativePosition` in JSON: in a nested type (`type`) or the fragment (`tname`), at `item`. */
export interface PresencePosition {
	type: PresenceId | null;
	tname: string | null;
	item: PresenceId | null;
	assoc: number;
}

export interface PresenceCursor {
	anchor: PresencePosition;
	head: PresencePosition;
}

/** The fields a client may set in its own presence; `user` is the server's. */
export interface PresenceFields {
	cursor?: PresenceCursor | null;
	typing?: boolean;
}

/** A peer's presence as relayed by the server: its identity plus the fields it set. */
export interface PeerPresence extends PresenceFields {
	user?: PresenceUser;
}

/** Marks a value of the wrong shape (null is a valid cursor). */
const INVALID = Symbol('invalid');
type Checked<T> = T | typeof INVALID;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	const prototype = Object.getPrototypeOf(value);
	return prototype === Object.prototype || prototype === null;
}

function hasOnlyKeys(value: Record<string, unknown>, allowed: readonly string[]): boolean {
	return Object.keys(value).every((key) => allowed.includes(key));
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
	return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}

export function isPresenceClientId(value: unknown): value is number {
	return isIntegerIn(value, 0, PRESENCE_LIMITS.clientId);
}

function readId(value: unknown): Checked<PresenceId | null> {
	if (value === undefined || value === null) return null;
	if (!isPlainObject(value) || !hasOnlyKeys(value, ['client', 'clock'])) return INVALID;
	const { client, clock } = value;
	if (!isPresenceClientId(client) || !isIntegerIn(clock, 0, PRESENCE_LIMITS.clock)) return INVALID;
	return { client, clock };
}

/**
 * A relative position as Yjs writes one: exactly one of `type` (a nested type's id) and `tname`
 * (the root type's name, here only the document fragment), an optional `item`, and `assoc`
 * (-1 sticks to the character before, 0 or 1 to the one after). Yjs throws on a position with
 * neither `type` nor `tname`, and on any other shape as soon as it reads it.
 */
export function presencePosition(value: unknown): PresencePosition | null {
	if (!isPlainObject(value) || !hasOnlyKeys(value, ['type', 'tname', 'item', 'assoc'])) return null;
	const type = readId(value.type);
	const item = readId(value.item);
	if (type === INVALID || item === INVALID) return null;
	const tname = value.tname ?? null;
	if (tname !== null && tname !== DOCUMENT_FRAGMENT) return null;
	if ((type === null) === (tname === null)) return null;
	const assoc = value.assoc ?? 0;
	if (!isIntegerIn(assoc, -1, 1)) return null;
	return { type, tname, item, assoc };
}

function readCursor(value: unknown): Checked<PresenceCursor | null> {
	if (value === null) return null;
	if (!isPlainObject(value) || !hasOnlyKeys(value, ['anchor', 'head'])) return INVALID;
	const anchor = presencePosition(value.anchor);
	const head = presencePosition(value.head);
	return anchor && head ? { anchor, head } : INVALID;
}

/**
 * The fields of a client's state that may be relayed, rebuilt from their checked parts: unknown
 * fields are dropped, and so is a known field of the wrong shape — the rest of the state (and
 * with it the person's presence) is kept.
 */
export function presenceFields(state: Record<string, unknown>): PresenceFields {
	const fields: PresenceFields = {};
	if ('cursor' in state) {
		const cursor = readCursor(state.cursor);
		if (cursor !== INVALID) fields.cursor = cursor;
	}
	if (typeof state.typing === 'boolean') fields.typing = state.typing;
	return fields;
}

function isText(value: unknown, minLength = 0): value is string {
	return (
		typeof value === 'string' && value.length >= minLength && value.length <= PRESENCE_LIMITS.text
	);
}

/** The identity the server stamps (`presenceIdentity`), or null for anything else. */
export function presenceUser(value: unknown): PresenceUser | null {
	if (!isPlainObject(value)) return null;
	const { id, name, organisation, color, canEdit } = value;
	if (!isText(id, 1) || !isText(name) || !isText(organisation)) return null;
	if (typeof color !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(color)) return null;
	if (typeof canEdit !== 'boolean') return null;
	return { id, name, organisation, color, canEdit };
}

/**
 * A peer's state reduced to what the editor may use: what the server relays, checked again.
 * Without the server's stamp nothing is used (no caret, no "is typing" for nobody).
 */
export function peerPresence(state: unknown): PeerPresence {
	if (!isPlainObject(state)) return {};
	const user = presenceUser(state.user);
	return user ? { user, ...presenceFields(state) } : {};
}
