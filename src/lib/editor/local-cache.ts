// Offline copies of documents live in IndexedDB, one database per (user, document), so that
// two people sharing a computer never see each other's unsent edits.
const PREFIX = 'assemblier:';

export function localCacheName(userId: string, documentId: string): string {
	return `${PREFIX}${userId}:${documentId}`;
}

/** Forgets every offline copy on this device (at logout). */
export async function clearLocalCaches(): Promise<void> {
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
