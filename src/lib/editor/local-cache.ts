// Offline copies of documents live in IndexedDB, one database per (user, document), so that
// two people sharing a computer never see each other's unsent edits. Small notes about a
// document (passages to check after a merge, text kept aside) live in localStorage under the
// same prefix and the same (user, document) key.
const PREFIX = 'assemblier:';

export function localCacheName(userId: string, documentId: string): string {
	return `${PREFIX}${userId}:${documentId}`;
}

export type NoteKind = 'merge-flags' | 'kept-aside';

export function readNote<T>(kind: NoteKind, userId: string, documentId: string): T | null {
	try {
		const raw = localStorage.getItem(`${PREFIX}${kind}:${userId}:${documentId}`);
		return raw ? (JSON.parse(raw) as T) : null;
	} catch {
		return null; // storage disabled or a note from an older version: start afresh
	}
}

/** Writes a note; `null` (or an empty list) forgets it. */
export function writeNote(
	kind: NoteKind,
	userId: string,
	documentId: string,
	value: unknown
): void {
	const key = `${PREFIX}${kind}:${userId}:${documentId}`;
	try {
		if (value === null || (Array.isArray(value) && value.length === 0))
			localStorage.removeItem(key);
		else localStorage.setItem(key, JSON.stringify(value));
	} catch {
		// Private browsing with storage disabled: the note lasts as long as the page.
	}
}

/** Forgets every offline copy and note on this device (at logout). */
export async function clearLocalCaches(): Promise<void> {
	if ('localStorage' in globalThis) {
		for (const key of Object.keys(localStorage))
			if (key.startsWith(PREFIX)) localStorage.removeItem(key);
	}
	if (!('indexedDB' in globalThis) || !indexedDB.databases) return;
	const databases = await indexedDB.databases();
	await Promise.all(
		databases
			.filter((d) => d.name?.startsWith(PREFIX))
			.map(
				(d) =>
					new Promise<void>((resolve) => {
						const request = indexedDB.deleteDatabase(d.name!);
						request.onsuccess = request.onerror = request.onblocked = () => resolve();
					})
			)
	);
}
