import type { PresenceUser } from '$lib/collab/protocol';
export type { PresenceUser };

/** One entry per person, whatever the number of tabs they have open, in a stable order. */
export function presentPeople(
	states: Map<number, Record<string, unknown>>,
	me: PresenceUser
): PresenceUser[] {
	const people = new Map<string, PresenceUser>([[me.id, me]]);
	for (const state of states.values()) {
		const user = state?.user as PresenceUser | undefined;
		if (user && typeof user.id === 'string' && !people.has(user.id)) people.set(user.id, user);
	}
	return [...people.values()].sort((a, b) =>
		a.id === me.id ? -1 : b.id === me.id ? 1 : a.name.localeCompare(b.name, 'fr')
	);
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
