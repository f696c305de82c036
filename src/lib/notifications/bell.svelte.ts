// The header bell's unread count, shared by the layout (which shows it) and pages that learn of
// news first — the document page calls refreshUnread() when a comment event arrives on its
// socket. Browser-only state: nothing here is written during server rendering, where module
// state would be shared by every user's request; the layout shows its own data until then.

export const UNREAD_URL = '/notifications/compte';
export const REFRESH_INTERVAL_MS = 60_000;

let unread = $state<number | null>(null);
// Bumped by every set: a count fetched before a newer one was set is dropped (a slow answer
// must not bring back a count the user has just cleared).
let generation = 0;
let inFlight: Promise<void> | null = null;
let again = false;

export const bell = {
	/** Null until the browser knows a count (then the layout's server count is shown). */
	get unread(): number | null {
		return unread;
	}
};

/** What the server just said (the layout's data after each load). */
export function setUnread(count: number): void {
	generation++;
	unread = count;
}

/** Asks the server for the count; calls made while one is under way make one more, not many. */
export function refreshUnread(): Promise<void> {
	if (inFlight) {
		again = true;
		return inFlight;
	}
	inFlight = (async () => {
		try {
			do {
				again = false;
				await fetchOnce();
			} while (again);
		} finally {
			inFlight = null;
		}
	})();
	return inFlight;
}

async function fetchOnce(): Promise<void> {
	const started = generation;
	try {
		const response = await fetch(UNREAD_URL, {
			headers: { accept: 'application/json' },
			cache: 'no-store'
		});
		// 401 after logout elsewhere, or the network: keep the last count, the next try corrects it.
		if (!response.ok) return;
		const body: unknown = await response.json();
		const count = (body as { unread?: unknown } | null)?.unread;
		if (typeof count === 'number' && Number.isFinite(count) && generation === started)
			setUnread(count);
	} catch {
		// Offline: the bell keeps its count.
	}
}

/**
 * Keeps the count fresh while the app is open: on window focus, when the tab becomes visible,
 * and every minute while it is. Returns the cleanup.
 */
export function watchUnread(): () => void {
	const visible = () => document.visibilityState === 'visible';
	const onFocus = () => void refreshUnread();
	const onVisibility = () => {
		if (visible()) void refreshUnread();
	};
	const timer = setInterval(() => {
		if (visible()) void refreshUnread();
	}, REFRESH_INTERVAL_MS);
	window.addEventListener('focus', onFocus);
	document.addEventListener('visibilitychange', onVisibility);
	return () => {
		clearInterval(timer);
		window.removeEventListener('focus', onFocus);
		document.removeEventListener('visibilitychange', onVisibility);
	};
}
