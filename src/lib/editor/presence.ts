import type { Awareness } from 'y-protocols/awareness';
import type { PresenceUser } from '$lib/collab/protocol';
import { peerPresence, presenceUser, type PeerPresence } from '$lib/collab/presence-fields';
export type { PresenceUser };

/** One entry per person, whatever the number of tabs they have open, in a stable order. */
export function presentPeople(states: Map<number, unknown>, me: PresenceUser): PresenceUser[] {
	const people = new Map<string, PresenceUser>([[me.id, me]]);
	for (const state of states.values()) {
		const user = presenceUser((state as { user?: unknown } | null)?.user);
		if (user && !people.has(user.id)) people.set(user.id, user);
	}
	return [...people.values()].sort((a, b) =>
		a.id === me.id ? -1 : b.id === me.id ? 1 : a.name.localeCompare(b.name, 'fr')
	);
}

/** Each peer's state reduced once (states are replaced, never changed in place). */
const reduced = new WeakMap<object, PeerPresence>();

function peerStates(states: Map<number, unknown>, ownId: number): Map<number, PeerPresence> {
	const view = new Map<number, PeerPresence>();
	for (const [clientId, state] of states) {
		if (clientId === ownId || typeof state !== 'object' || state === null) {
			view.set(clientId, state as PeerPresence); // this tab's own state, as it set it
			continue;
		}
		let peer = reduced.get(state);
		if (!peer) reduced.set(state, (peer = peerPresence(state)));
		view.set(clientId, peer);
	}
	return view;
}

/**
 * The awareness as the editor's carets (Tiptap CollaborationCaret, y-prosemirror's cursor plugin)
 * and the presence list read it: every peer's state reduced to the fields of the right shape
 * (src/lib/collab/presence-fields.ts). The server relays nothing else; this is the editor's own
 * guard, so that a malformed state (a `cursor` of `{anchor: null}`, a `user` that is not an
 * object) cannot throw in every render and break typing for everyone. Everything else — this
 * tab's own state, events, setting fields — is the awareness itself.
 */
export function guardedAwareness(awareness: Awareness): Awareness {
	return new Proxy(awareness, {
		get(target, property) {
			if (property === 'getStates') return () => peerStates(target.getStates(), target.clientID);
			if (property === 'states') return peerStates(target.states, target.clientID);
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? value.bind(target) : value;
		}
	});
}

/** The caret drawn in the text at a colleague's position: colour bar plus "Name · Organisation". */
export function renderCaret(user: Record<string, unknown>): HTMLElement {
	const caret = document.createElement('span');
	caret.classList.add('collaboration-carets__caret');
	const color = typeof user.color === 'string' ? user.color : '#1e3a8a';
	caret.style.borderColor = color;
	const label = document.createElement('div');
	label.classList.add('collaboration-carets__label');
	label.style.backgroundColor = color;
	label.textContent = [user.name, user.organisation]
		.filter((part) => typeof part === 'string' && part)
		.join(' · ');
	caret.append(label);
	return caret;
}
