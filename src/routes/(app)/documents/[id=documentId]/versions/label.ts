// How a version is named in lists and titles: its name; a restore says what it brought back;
// otherwise its date.
import { formatDateTime } from '$lib/components/format';

export interface Labelled {
	name: string | null;
	kind: 'auto' | 'named' | 'restore';
	createdAt: number;
	restored?: { name: string | null; createdAt: number } | null;
}

export function versionLabel(version: Labelled, timeZone: string): string {
	if (version.name) return version.name;
	if (version.kind === 'restore')
		return version.restored
			? `Restauration de « ${version.restored.name ?? `la version du ${formatDateTime(version.restored.createdAt, timeZone)}`} »`
			: 'Restauration d’une version';
	return formatDateTime(version.createdAt, timeZone);
}
