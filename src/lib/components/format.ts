const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(ms: number): string {
	return dateTime.format(new Date(ms));
}

const date = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium' });

/** "2026-12-15" → "15 déc. 2026". */
export function formatDate(iso: string): string {
	return date.format(new Date(`${iso}T12:00:00`));
}
